import { toArnTarget } from './arn-pattern.js';
import type { CompiledPolicy } from './compile-policy.js';
import type { CompiledStatement } from './compile-statement.js';
import type { DecisionReason, EvaluationResult, MatchedStatement, PolicySource } from './evaluation-result.js';
import type { PolicySet } from './policy-set.js';
import { selectForService } from './policy-set.js';
import { type PrincipalMatch, type RequestPrincipal, toRequestPrincipal } from './principal-matcher.js';
import { type ContextInput, RequestContext } from './request-context.js';

/**
 * AWS's policy evaluation logic, as the IAM User Guide's "Policy evaluation logic" pages document it:
 *
 * 1. An explicit Deny in any applicable policy (identity-based, resource-based, permissions boundary,
 *    session) decides: explicit deny.
 * 2. Same account: a resource-based policy that names the requester grants on its own; one that
 *    names the requester's role is limited by the boundary and session policies; one that names the
 *    account only delegates to identity-based policies. Role trust policies (and others like them)
 *    must themselves allow.
 * 3. Otherwise an identity-based policy must allow, and so must the permissions boundary and the
 *    session policies when there are any: they intersect, they never grant.
 * 4. Cross account: both the requester's side (step 3) and the resource-based policy must allow.
 * 5. Nothing allowed: implicit deny.
 *
 * Evaluation is pure: no I/O, no clock but the one passed in, no parsing of policies.
 */
export interface AuthorizationRequest {
  /** The requester's ARN (user, assumed-role session, federated user, root) or a service principal. */
  readonly principal: string;
  readonly action: string;
  /** The resource ARN, or "*" for actions that take no resource. */
  readonly resource: string;
  /** The complete request context; nothing is derived from the principal. */
  readonly context?: ContextInput | RequestContext | null;
  /** The account that owns the resource; by default the resource ARN's, else the principal's. */
  readonly resourceAccount?: string;
}

export interface EvaluateOptions {
  /** The resource's own policy (a bucket policy, a role trust policy…), compiled. */
  readonly resourcePolicy?: CompiledPolicy;
  /**
   * The resource's policy must itself allow, as AWS requires of role trust policies and KMS key
   * policies ("they must explicitly allow access for principals"): an identity-based policy alone
   * is then not enough, and with no resource policy nothing allows. Default: true for a trust policy.
   */
  readonly resourcePolicyRequired?: boolean;
  /**
   * The current time. When given, it supplies aws:CurrentTime and aws:EpochTime to a context that
   * lacks them; evaluation never reads the clock itself.
   */
  readonly now?: Date | number;
}

const NO_MATCHES: readonly MatchedStatement[] = Object.freeze([]);
const REQUEST_ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9_.-]+$/;

export function evaluate(policySet: PolicySet, request: AuthorizationRequest, options: EvaluateOptions = {}): EvaluationResult {
  const context = readContext(request.context, options.now);
  if (typeof context === 'string') return invalid(context);
  if (typeof request.action !== 'string' || typeof request.resource !== 'string' || typeof request.principal !== 'string') {
    return invalid('principal, action and resource must be strings');
  }
  // A request names one concrete action; a wildcard there would be matched as a pattern of its own.
  if (!REQUEST_ACTION.test(request.action)) return invalid(`${JSON.stringify(request.action)} is not an action (service:ActionName, no wildcards)`);

  const lowerAction = request.action.toLowerCase();
  const colon = lowerAction.indexOf(':');
  const service = colon < 0 ? lowerAction : lowerAction.slice(0, colon);
  const target = toArnTarget(request.resource);
  const principal = toRequestPrincipal(request.principal);
  const resourcePolicy = options.resourcePolicy;
  const hasBoundary = policySet.hasBoundary;

  let denies: MatchedStatement[] | undefined;
  let identityAllows: MatchedStatement[] | undefined;
  let boundaryAllows: MatchedStatement[] | undefined;
  let sessionAllows: MatchedStatement[] | undefined;
  let directResourceAllows: MatchedStatement[] | undefined;
  let roleResourceAllows: MatchedStatement[] | undefined;
  let accountResourceAllows: MatchedStatement[] | undefined;

  const applies = (statement: CompiledStatement): boolean => {
    const rule = statement.rule;
    return rule.matchesAction(lowerAction) && rule.matchesResource(target, context) && rule.conditionsHold(context);
  };

  for (const statement of policySet.candidatesFor(service)) {
    if (!applies(statement)) continue;
    if (statement.effect === 'Deny') (denies ??= []).push(statement.matched);
    else if (statement.source === 'identity') (identityAllows ??= []).push(statement.matched);
    else if (statement.source === 'boundary') (boundaryAllows ??= []).push(statement.matched);
    else (sessionAllows ??= []).push(statement.matched);
  }
  if (resourcePolicy) {
    for (const statement of selectForService(resourcePolicy.statements, service)) {
      const match: PrincipalMatch | undefined = statement.rule.matchPrincipal(principal, hasBoundary);
      if (match === undefined || !applies(statement)) continue;
      if (statement.effect === 'Deny') (denies ??= []).push(statement.matched);
      else if (match === 'direct') (directResourceAllows ??= []).push(statement.matched);
      else if (match === 'role') (roleResourceAllows ??= []).push(statement.matched);
      else (accountResourceAllows ??= []).push(statement.matched);
    }
  }

  if (denies) return { decision: 'explicit_deny', matched: denies, reason: { kind: 'explicit_deny', policyType: denies[0]!.source } };

  const boundaryAllowsAll = !hasBoundary || boundaryAllows !== undefined;
  const sessionAllowsAll = !policySet.hasSessionPolicy || sessionAllows !== undefined;
  const identitySideAllows = identityAllows !== undefined && boundaryAllowsAll && sessionAllowsAll;
  const identityMatches = (): MatchedStatement[] => [...identityAllows!, ...(boundaryAllows ?? []), ...(sessionAllows ?? [])];
  const identityGap = (): PolicySource => (identityAllows === undefined ? 'identity' : !boundaryAllowsAll ? 'boundary' : 'session');
  const resourceRequired = options.resourcePolicyRequired ?? resourcePolicy?.kind === 'trust';

  // A service or web-identity provider has no identity-based policies: only the resource policy speaks.
  if (principal.arn === undefined) {
    if (directResourceAllows) return allow(directResourceAllows, 'resource');
    return implicitDeny('resource');
  }

  if (isSameAccount(principal, target.segments?.[4], request.resourceAccount)) {
    if (directResourceAllows) return allow(directResourceAllows, 'resource');
    if (roleResourceAllows && boundaryAllowsAll && sessionAllowsAll) {
      return allow([...roleResourceAllows, ...(boundaryAllows ?? []), ...(sessionAllows ?? [])], 'resource');
    }
    // The role is named, but the boundary or a session policy does not allow: nothing else can.
    if (roleResourceAllows) return implicitDeny(boundaryAllowsAll ? 'session' : 'boundary');
    if (resourceRequired && !accountResourceAllows) return implicitDeny('resource');
    if (identitySideAllows) return allow([...identityMatches(), ...(accountResourceAllows ?? [])], 'identity');
    return implicitDeny(identityGap());
  }

  // Cross-account: "the request is allowed only if both evaluations return a decision of Allow".
  if (!identitySideAllows) return implicitDeny(identityGap());
  const resourceAllows = [...(directResourceAllows ?? []), ...(roleResourceAllows ?? []), ...(accountResourceAllows ?? [])];
  if (resourceAllows.length === 0) return implicitDeny('resource');
  return allow([...identityMatches(), ...resourceAllows], 'identity');
}

function isSameAccount(principal: RequestPrincipal, arnAccount: string | undefined, resourceAccount: string | undefined): boolean {
  const principalAccount = principal.arn?.account;
  const owner = resourceAccount || arnAccount || principalAccount;
  return owner === principalAccount;
}

function readContext(input: AuthorizationRequest['context'], now: EvaluateOptions['now']): RequestContext | string {
  let context: RequestContext;
  if (input instanceof RequestContext) context = input;
  else {
    const read = RequestContext.read(input);
    if (!read.ok) return read.error;
    context = read.context;
  }
  if (now === undefined) return context;
  const millis = typeof now === 'number' ? now : now.getTime();
  if (!Number.isFinite(millis)) return 'now is not a valid time';
  return context.withDefaults({
    'aws:CurrentTime': new Date(millis).toISOString(),
    'aws:EpochTime': String(Math.floor(millis / 1000)),
  });
}

function allow(matched: readonly MatchedStatement[], by: 'identity' | 'resource'): EvaluationResult {
  return { decision: 'allow', matched, reason: { kind: 'allowed', by } };
}

function implicitDeny(policyType: PolicySource): EvaluationResult {
  return { decision: 'implicit_deny', matched: NO_MATCHES, reason: { kind: 'implicit_deny', policyType } };
}

function invalid(message: string): EvaluationResult {
  const reason: DecisionReason = { kind: 'invalid_request', message };
  return { decision: 'implicit_deny', matched: NO_MATCHES, reason };
}
