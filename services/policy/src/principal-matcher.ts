import { isAccountId, parsePrincipalArn, type PrincipalArn } from './arn.js';
import type { PrincipalElement } from './policy-document.js';

/**
 * Who a resource-based policy's Principal element names, and how the requester matches it. The
 * kind of match matters to evaluation (AWS, "Policy evaluation logic"):
 * - `direct`: the requester itself is named (its user ARN, its assumed-role session ARN, its
 *   federated-user ARN, a service, or everyone, "*"): the resource policy grants on its own within
 *   the account, and an implicit deny in a permissions boundary or session policy does not limit it;
 * - `role`: the role whose session is making the request is named: "resource-based policies that
 *   grant permissions to an IAM role ARN are limited by an implicit deny in a permissions boundary
 *   or session policy";
 * - `account`: the requester's account is named (an id or its root ARN): that "delegates authority
 *   to the account", so an identity-based policy must allow too.
 */
export type PrincipalMatch = 'direct' | 'role' | 'account';

export interface RequestPrincipal {
  readonly text: string;
  /** Set when the principal is an IAM or STS ARN of a 12-digit account. */
  readonly arn: PrincipalArn | undefined;
}

// Batches ask about one principal many times in a row: remember the last one parsed.
let lastPrincipal: RequestPrincipal | undefined;

export function toRequestPrincipal(text: string): RequestPrincipal {
  if (lastPrincipal?.text === text) return lastPrincipal;
  lastPrincipal = { text, arn: parsePrincipalArn(text) };
  return lastPrincipal;
}

export type PrincipalMatcher = (principal: RequestPrincipal) => PrincipalMatch | undefined;

interface NamedAwsPrincipal {
  readonly text: string;
  readonly arn: PrincipalArn | undefined;
  /** For an account id or root ARN: the account. */
  readonly account: string | undefined;
  /** For a root ARN: its partition ("each AWS account is scoped to one partition"); a bare id names none. */
  readonly partition: string | undefined;
}

function readAwsPrincipal(text: string): NamedAwsPrincipal {
  if (isAccountId(text)) return { text, arn: undefined, account: text, partition: undefined };
  const arn = parsePrincipalArn(text);
  return { text, arn, account: arn?.kind === 'root' ? arn.account : undefined, partition: arn?.partition };
}

function namesAccountOf(named: NamedAwsPrincipal, principal: RequestPrincipal): boolean {
  const requester = principal.arn;
  return requester !== undefined && requester.account === named.account && (named.partition === undefined || named.partition === requester.partition);
}

/**
 * A role ARN in a policy names the sessions of that role. The assumed-role ARN carries the role's
 * name but not its path, so the match is on account and name.
 */
function namesRoleOf(named: NamedAwsPrincipal, principal: RequestPrincipal): boolean {
  const requester = principal.arn;
  return (
    named.arn?.kind === 'role' &&
    requester?.kind === 'assumed-role' &&
    requester.account === named.arn.account &&
    requester.partition === named.arn.partition &&
    requester.roleName === named.arn.roleName
  );
}

/** Matches for the Principal element (not NotPrincipal). The strongest kind of match wins. */
export function compilePrincipalMatcher(element: PrincipalElement): PrincipalMatcher {
  const aws = element.aws.map(readAwsPrincipal);
  const others = new Set([...element.service, ...element.federated, ...element.canonicalUser]);
  if (element.everyone) return () => 'direct';
  return (principal) => {
    if (others.has(principal.text)) return 'direct';
    let best: PrincipalMatch | undefined;
    for (const named of aws) {
      if (named.account !== undefined) {
        if (namesAccountOf(named, principal)) best ??= 'account';
      } else if (named.text === principal.text) return 'direct';
      else if (namesRoleOf(named, principal)) best = 'role';
    }
    return best;
  };
}

/**
 * Whether a Deny with NotPrincipal applies to the requester. AWS evaluates the requester as each of
 * the identities it stands for (the account, the role, the session), so a principal is exempt only
 * when every one of them is listed: "include the ARN for a user's account, or include both the ARN
 * for a role and the ARN for the account". And "NotPrincipal with Deny will always deny any IAM
 * principal that has a permissions boundary policy attached, regardless of the values specified".
 */
export function compileNotPrincipalApplies(element: PrincipalElement): (principal: RequestPrincipal, hasBoundary: boolean) => boolean {
  if (element.everyone) return (principal, hasBoundary) => hasBoundary && principal.arn !== undefined;
  const aws = element.aws.map(readAwsPrincipal);
  const others = new Set([...element.service, ...element.federated, ...element.canonicalUser]);
  const accounts = aws.filter((named) => named.account !== undefined);
  const exact = new Set(aws.filter((named) => named.account === undefined).map((named) => named.text));
  return (principal, hasBoundary) => {
    const arn = principal.arn;
    if (arn === undefined) return !others.has(principal.text) && !exact.has(principal.text);
    if (hasBoundary) return true;
    if (!accounts.some((named) => namesAccountOf(named, principal))) return true;
    if (arn.kind === 'root') return false;
    if (!exact.has(principal.text)) return true;
    if (arn.kind === 'assumed-role') return !aws.some((named) => namesRoleOf(named, principal));
    return false;
  };
}
