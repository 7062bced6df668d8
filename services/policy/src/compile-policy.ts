import { compileStatement, type CompiledStatement } from './compile-statement.js';
import type { PolicySource } from './evaluation-result.js';
import type { Finding } from './finding.js';
import type { PolicyKind } from './policy-kind.js';
import { validatePolicy } from './validate-policy.js';

/**
 * One policy, validated and compiled: the unit that callers cache (per policy version, per role's
 * trust policy…) and combine into policy sets.
 */
export interface CompiledPolicy {
  readonly kind: PolicyKind;
  readonly source: PolicySource;
  readonly name: string | undefined;
  readonly statements: readonly CompiledStatement[];
}

/** A policy with a name, and for a managed policy its ARN, to report in matched statements. */
export interface NamedPolicy {
  readonly name: string;
  readonly arn?: string;
  readonly document: unknown;
}

/** JSON text, a parsed JSON value, or either with a name. */
export type PolicyInput = unknown;

export interface PolicyError {
  readonly source: PolicySource;
  readonly policyIndex: number;
  readonly policyName?: string;
  readonly policyArn?: string;
  /** The error findings that make the policy unusable. */
  readonly findings: readonly Finding[];
}

export type CompilePolicyResult = { readonly ok: true; readonly policy: CompiledPolicy } | { readonly ok: false; readonly error: PolicyError };

export function sourceOfKind(kind: PolicyKind): PolicySource {
  return kind === 'trust' ? 'resource' : kind;
}

export function isNamedPolicy(input: unknown): input is NamedPolicy {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && Object.prototype.hasOwnProperty.call(input, 'document') && typeof (input as { name?: unknown }).name === 'string';
}

/** Validates and compiles; a policy with any error finding is refused, never partly compiled. */
export function compilePolicy(input: PolicyInput, kind: PolicyKind, policyIndex = 0): CompilePolicyResult {
  const named = isNamedPolicy(input) ? input : undefined;
  const source = sourceOfKind(kind);
  const validation = validatePolicy(named ? named.document : input, { kind });
  if (!validation.document) {
    return {
      ok: false,
      error: {
        source,
        policyIndex,
        ...(named ? { policyName: named.name } : {}),
        ...(typeof named?.arn === 'string' ? { policyArn: named.arn } : {}),
        findings: validation.findings.filter((finding) => finding.severity === 'error'),
      },
    };
  }
  const origin = { source, policyIndex, policyName: named?.name, policyArn: typeof named?.arn === 'string' ? named.arn : undefined };
  return {
    ok: true,
    policy: {
      kind,
      source,
      name: named?.name,
      statements: validation.document.statements.map((statement) => compileStatement(statement, origin)),
    },
  };
}
