import { compilePolicy, type CompiledPolicy, type CompilePolicyResult, compileStoredPolicy, type PolicyError, type PolicyInput } from './compile-policy.js';
import type { PolicyKind } from './policy-kind.js';
import type { CompiledStatement } from './compile-statement.js';

/**
 * The policies that bear on one principal's requests, compiled once and kept: its identity-based
 * policies (attached, inline, through groups), an optional permissions boundary and, for a session,
 * its session policies. Statements are indexed by the service their actions name, so a request for
 * `s3:GetObject` never looks at a statement about `iam:*` only.
 */
export interface PolicySetInput {
  readonly identityPolicies?: readonly PolicyInput[];
  /** null (or absent) for none; PolicyInput is unknown, so the type already admits it. */
  readonly permissionBoundary?: PolicyInput;
  readonly sessionPolicies?: readonly PolicyInput[];
}

export type CompilePolicySetResult = { readonly ok: true; readonly policySet: PolicySet } | { readonly ok: false; readonly errors: readonly PolicyError[] };

/** Distinct services cached per set; beyond that, lookups are computed each time (bounded memory). */
const MAX_CACHED_SERVICES = 512;

export class PolicySet {
  private readonly byService = new Map<string, readonly CompiledStatement[]>();
  /** All statements in order: identity policies, then the boundary, then session policies. */
  readonly statements: readonly CompiledStatement[];
  readonly hasBoundary: boolean;
  readonly hasSessionPolicy: boolean;

  constructor(
    readonly identityPolicies: readonly CompiledPolicy[],
    readonly permissionBoundary: CompiledPolicy | undefined,
    readonly sessionPolicies: readonly CompiledPolicy[],
  ) {
    const statements: CompiledStatement[] = [];
    for (const policy of identityPolicies) statements.push(...policy.statements);
    if (permissionBoundary) statements.push(...permissionBoundary.statements);
    for (const policy of sessionPolicies) statements.push(...policy.statements);
    this.statements = statements;
    this.hasBoundary = permissionBoundary !== undefined;
    this.hasSessionPolicy = sessionPolicies.length > 0;
  }

  /** The statements that can apply to an action of this (lower-cased) service. */
  candidatesFor(service: string): readonly CompiledStatement[] {
    const cached = this.byService.get(service);
    if (cached) return cached;
    const candidates = selectForService(this.statements, service);
    if (this.byService.size < MAX_CACHED_SERVICES) this.byService.set(service, candidates);
    return candidates;
  }
}

export function selectForService(statements: readonly CompiledStatement[], service: string): CompiledStatement[] {
  return statements.filter((statement) => statement.services === undefined || statement.services.includes(service));
}

/**
 * Validates and compiles every policy. If any policy has an error the whole set is refused: a
 * request is never decided on a subset of the policies that apply to it.
 */
export function compilePolicySet(input: PolicySetInput): CompilePolicySetResult {
  return compilePolicySetWith(input, compilePolicy);
}

/**
 * `compilePolicySet` for documents stored after they passed validation: each is compiled with
 * `compileStoredPolicy`, under that function's contract (the text is the text that was validated).
 */
export function compileStoredPolicySet(input: PolicySetInput): CompilePolicySetResult {
  return compilePolicySetWith(input, compileStoredPolicy);
}

export type CompileOne = (policy: PolicyInput, kind: PolicyKind, index: number) => CompilePolicyResult;

/** Builds a set with any way of compiling one policy; the whole set is refused if one policy is. */
export function compilePolicySetWith(input: PolicySetInput, compileOne: CompileOne): CompilePolicySetResult {
  const errors: PolicyError[] = [];
  const compile = (policy: PolicyInput, kind: 'identity' | 'boundary' | 'session', index: number): CompiledPolicy | undefined => {
    const result = compileOne(policy, kind, index);
    if (result.ok) return result.policy;
    errors.push(result.error);
    return undefined;
  };
  const identity = (input.identityPolicies ?? []).map((policy, index) => compile(policy, 'identity', index));
  const boundary = input.permissionBoundary === undefined || input.permissionBoundary === null ? undefined : compile(input.permissionBoundary, 'boundary', 0);
  const session = (input.sessionPolicies ?? []).map((policy, index) => compile(policy, 'session', index));
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    policySet: new PolicySet(identity as CompiledPolicy[], boundary, session as CompiledPolicy[]),
  };
}
