import { compileStatement, type CompiledStatement, placeStatement } from './compile-statement.js';
import type { PolicySource } from './evaluation-result.js';
import type { Finding } from './finding.js';
import type { PolicyKind } from './policy-kind.js';
import type { PolicyDocument } from './policy-document.js';
import { readStoredPolicy } from './read-stored-policy.js';
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
  const validation = validatePolicy(named ? named.document : input, { kind });
  if (!validation.document)
    return refused(
      named,
      kind,
      policyIndex,
      validation.findings.filter((finding) => finding.severity === 'error'),
    );
  return { ok: true, policy: compileDocument(validation.document, named, kind, policyIndex) };
}

/**
 * Compiles a policy document that Warden stored after it passed `validatePolicy` (or
 * `compilePolicy`) for this same `kind`, without validating it again: JSON text is read with the
 * native `JSON.parse`, and the document goes straight to compilation. Client text must go through
 * `compilePolicy` instead.
 *
 * Why skipping validation is safe: validation decides only whether a document is accepted, never
 * what an accepted document means, so a document that passed once compiles to the same statements
 * every time. `JSON.parse` silently keeps the last of two duplicate keys, which is why client text
 * needs the strict reader; text that passed that reader has no duplicate key, so both readers build
 * the same value from it.
 *
 * What the caller must guarantee: the text (or the value parsed from it) is byte-identical to text
 * that passed validation for this kind, which the server checks with a hash of the validated text
 * kept beside it. Given anything else, this function still never guesses: a document that is not
 * shaped as a valid one is refused (`STORED_POLICY_UNREADABLE`); a well-shaped one that breaks
 * another rule (an oversized text, a condition value of the wrong type) is compiled as written,
 * and a condition value that cannot be read matches nothing.
 */
export function compileStoredPolicy(input: PolicyInput, kind: PolicyKind, policyIndex = 0): CompilePolicyResult {
  const named = isNamedPolicy(input) ? input : undefined;
  const stored = named ? named.document : input;
  let value: unknown = stored;
  if (typeof stored === 'string') {
    try {
      value = JSON.parse(stored);
    } catch {
      value = undefined;
    }
  }
  const document = readStoredPolicy(value, kind);
  if (!document)
    return refused(named, kind, policyIndex, [{ severity: 'error', code: 'STORED_POLICY_UNREADABLE', path: '$', message: 'The stored policy is not a policy document that passed validation.' }]);
  return { ok: true, policy: compileDocument(document, named, kind, policyIndex) };
}

/**
 * A compiled policy reported at another position of its source (or under another name): the
 * statements share their matchers with `policy`'s, so placing a cached policy costs no compile.
 */
export function placeCompiledPolicy(policy: CompiledPolicy, policyIndex: number, named?: Pick<NamedPolicy, 'name' | 'arn'>): CompiledPolicy {
  const origin = { source: policy.source, policyIndex, policyName: named?.name, policyArn: typeof named?.arn === 'string' ? named.arn : undefined };
  return { kind: policy.kind, source: policy.source, name: named?.name, statements: policy.statements.map((statement) => placeStatement(statement, origin)) };
}

function compileDocument(document: PolicyDocument, named: NamedPolicy | undefined, kind: PolicyKind, policyIndex: number): CompiledPolicy {
  const source = sourceOfKind(kind);
  const origin = { source, policyIndex, policyName: named?.name, policyArn: typeof named?.arn === 'string' ? named.arn : undefined };
  const statements: CompiledStatement[] = [];
  for (const statement of document.statements) statements.push(compileStatement(statement, origin));
  return { kind, source, name: named?.name, statements };
}

function refused(named: NamedPolicy | undefined, kind: PolicyKind, policyIndex: number, findings: readonly Finding[]): CompilePolicyResult {
  return {
    ok: false,
    error: {
      source: sourceOfKind(kind),
      policyIndex,
      ...(named ? { policyName: named.name } : {}),
      ...(typeof named?.arn === 'string' ? { policyArn: named.arn } : {}),
      findings,
    },
  };
}
