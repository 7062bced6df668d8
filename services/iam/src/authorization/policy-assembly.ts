import type { NamedPolicy } from '@warden/policy';

/**
 * What one holder of policies holds: the principal itself, or one of a user's groups. `attached` in
 * the order the holder's policies were attached; `inline` in any order.
 */
export interface PolicyHolding<Inline extends { readonly name: string }> {
  /** The holder's stream id (`user/…`, `role/…`, `group/…`). */
  readonly holder: string;
  readonly attached: readonly string[];
  readonly inline: readonly Inline[];
}

/** How one side (the live read, the history fold) turns what is held into the policies it evaluates. */
export interface PolicyResolver<Inline extends { readonly name: string }, Policy extends NamedPolicy> {
  /** The default version of a managed policy (AWS's or the account's), or undefined when none has the ARN. */
  readonly managed: (arn: string) => Policy | undefined;
  readonly inline: (policy: Inline, holder: string) => Policy;
  /** The boundary of a principal whose boundary ARN names no policy: it must allow nothing. */
  readonly missingBoundary: (arn: string) => Policy;
}

/** A principal's policies as a decision takes them: identity policies in the order it numbers them, and the boundary. */
export interface AssembledPolicies<Policy extends NamedPolicy = NamedPolicy> {
  readonly identityPolicies: readonly Policy[];
  readonly permissionBoundary: Policy | null;
}

/** A boundary naming a policy that no longer exists allows nothing (never everything). */
export const MISSING_BOUNDARY = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}';

/**
 * The one rule of which stored policies apply to a principal, for the live read
 * (`loadPrincipalPolicies`) and the point-in-time fold (`history/principal-at.ts`) alike. A user's
 * identity policies are its own and those of the groups it is a member of; a role's (and so a
 * role session's, before its session policies) are its own: the managed ones each holder has
 * attached, at their default version, then the inline ones. The permissions boundary is the
 * principal's own (groups have none). The order only numbers the statements a decision names:
 * managed policies holder by holder (the principal first, then its groups by id), each holder's in
 * attachment order, a policy held twice counted once; then inline policies by name, the
 * principal's before a group's of the same name. A managed ARN that names no policy is skipped.
 */
export function assemblePolicies<Inline extends { readonly name: string }, Policy extends NamedPolicy>(
  own: PolicyHolding<Inline>,
  groups: readonly PolicyHolding<Inline>[],
  boundaryArn: string | null,
  resolve: PolicyResolver<Inline, Policy>,
): AssembledPolicies<Policy> {
  const holders = [own, ...[...groups].sort((a, b) => compare(a.holder, b.holder))];
  const identityPolicies: Policy[] = [];
  const seen = new Set<string>();
  for (const holder of holders) {
    for (const arn of holder.attached) {
      if (seen.has(arn)) continue;
      seen.add(arn);
      const policy = resolve.managed(arn);
      if (policy) identityPolicies.push(policy);
    }
  }
  const inline = holders.flatMap((holder, rank) => holder.inline.map((policy) => ({ policy, holder: holder.holder, rank })));
  inline.sort((a, b) => compare(a.policy.name, b.policy.name) || a.rank - b.rank);
  for (const each of inline) identityPolicies.push(resolve.inline(each.policy, each.holder));
  const permissionBoundary = boundaryArn ? (resolve.managed(boundaryArn) ?? resolve.missingBoundary(boundaryArn)) : null;
  return { identityPolicies, permissionBoundary };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
