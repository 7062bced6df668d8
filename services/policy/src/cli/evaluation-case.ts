import { parseArn } from '../arn.js';
import { compilePolicy, type PolicyError } from '../compile-policy.js';
import type { PolicyCache } from './policy-cache.js';
import { describeDecision } from '../describe-decision.js';
import { evaluate } from '../evaluate.js';
import type { MatchedStatement, PolicySource } from '../evaluation-result.js';
import { compilePolicySet, compilePolicySetWith } from '../policy-set.js';

/**
 * One case of `warden-policy evaluate`: the policies and the request, as JSON. A case never throws:
 * anything that keeps it from being evaluated (an invalid policy, a malformed request) is reported
 * as its `error`.
 *
 * `resourcePolicyType` ("resource" or "trust") says what `resourcePolicy` is. When it is absent, a
 * request for an `sts:` action on an IAM role is judged against the role's trust policy, and one on
 * a KMS key against the key policy: AWS requires both to allow the caller themselves, so an
 * identity-based policy alone (or a missing resource policy) never lets anyone assume a role or
 * use a key.
 */
export interface CaseMatchedStatement extends MatchedStatement {
  /** Where the statement's policy sits in the case, e.g. `identityPolicies[1]`. */
  readonly policy: string;
}

export type CaseResult =
  { readonly id: unknown; readonly decision: string; readonly matched: readonly CaseMatchedStatement[]; readonly reason: string } | { readonly id: unknown; readonly error: string };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function has(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key) && object[key] !== null && object[key] !== undefined;
}

/** With a cache, the run's repeated documents are validated and compiled once (see `policy-cache.ts`). */
export function runCase(raw: unknown, cache?: PolicyCache): CaseResult {
  if (!isObject(raw)) return { id: null, error: 'a case must be a JSON object' };
  const id = raw['id'] ?? null;
  const fail = (error: string): CaseResult => ({ id, error });

  const request = raw['request'];
  if (!isObject(request)) return fail('request must be an object with principal, action and resource');
  for (const field of ['principal', 'action', 'resource'] as const) {
    if (typeof request[field] !== 'string' || request[field] === '') return fail(`request.${field} must be a non-empty string`);
  }
  if (has(request, 'context') && !isObject(request['context'])) return fail('request.context must be an object');
  if (has(request, 'resourceAccount') && typeof request['resourceAccount'] !== 'string') return fail('request.resourceAccount must be a string');

  const identityPolicies = has(raw, 'identityPolicies') ? raw['identityPolicies'] : [];
  if (!Array.isArray(identityPolicies)) return fail('identityPolicies must be an array of policy documents');
  const sessionRaw = has(raw, 'sessionPolicy') ? raw['sessionPolicy'] : undefined;
  const sessionPolicies = sessionRaw === undefined ? [] : Array.isArray(sessionRaw) ? sessionRaw : [sessionRaw];
  const sessionIsList = Array.isArray(sessionRaw);

  const policies = {
    identityPolicies,
    permissionBoundary: has(raw, 'permissionBoundary') ? raw['permissionBoundary'] : null,
    sessionPolicies,
  };
  const set = cache ? compilePolicySetWith(policies, (policy, kind, index) => cache.compile(policy, kind, index)) : compilePolicySet(policies);
  const principal = request['principal'] as string;
  const action = request['action'] as string;
  const resource = request['resource'] as string;

  let resourcePolicy;
  const errors: PolicyError[] = set.ok ? [] : [...set.errors];
  const declared = raw['resourcePolicyType'];
  if (declared !== undefined && declared !== 'resource' && declared !== 'trust') return fail('resourcePolicyType must be "resource" or "trust"');
  const kind = declared ?? (isRoleTrustRequest(action, resource) ? 'trust' : 'resource');
  // Role trust policies and KMS key policies must themselves allow, even within the account.
  const resourcePolicyRequired = kind === 'trust' || (declared === undefined && isKmsKey(resource));
  if (has(raw, 'resourcePolicy')) {
    const compiled = cache ? cache.compile(raw['resourcePolicy'], kind, 0) : compilePolicy(raw['resourcePolicy'], kind);
    if (compiled.ok) resourcePolicy = compiled.policy;
    else errors.push(compiled.error);
  }
  if (!set.ok || errors.length > 0) return fail(errors.map((error) => describePolicyError(error, sessionIsList)).join('; '));

  const context = has(request, 'context') ? (request['context'] as JsonObject) : undefined;
  const resourceAccount = has(request, 'resourceAccount') ? (request['resourceAccount'] as string) : undefined;
  const evaluationRequest = {
    principal,
    action,
    resource,
    ...(context ? { context } : {}),
    ...(resourceAccount ? { resourceAccount } : {}),
  };
  const result = evaluate(set.policySet, evaluationRequest, { ...(resourcePolicy ? { resourcePolicy } : {}), resourcePolicyRequired });
  if (result.reason.kind === 'invalid_request') return fail(result.reason.message);
  return {
    id,
    decision: result.decision,
    matched: result.matched.map((statement) => ({ ...statement, policy: policyLabel(statement.source, statement.policyIndex, sessionIsList) })),
    reason: describeDecision(evaluationRequest, result, kind === 'trust'),
  };
}

function isKmsKey(resource: string): boolean {
  const arn = parseArn(resource);
  return arn?.service === 'kms' && arn.resource.startsWith('key/');
}

function isRoleTrustRequest(action: string, resource: string): boolean {
  const arn = parseArn(resource);
  return action.toLowerCase().startsWith('sts:') && arn?.service === 'iam' && arn.resource.startsWith('role/');
}

function policyLabel(source: PolicySource, index: number, sessionIsList: boolean): string {
  switch (source) {
    case 'identity':
      return `identityPolicies[${index}]`;
    case 'resource':
      return 'resourcePolicy';
    case 'boundary':
      return 'permissionBoundary';
    case 'session':
      return sessionIsList ? `sessionPolicy[${index}]` : 'sessionPolicy';
  }
}

function describePolicyError(error: PolicyError, sessionIsList: boolean): string {
  const details = error.findings.map((finding) => `${finding.path}: ${finding.message}`).join(' ');
  return `${policyLabel(error.source, error.policyIndex, sessionIsList)} is invalid: ${details}`;
}
