/**
 * Where a policy is used decides which elements it may have and how large it may be:
 * identity-based policies, permissions boundaries and session policies apply to the principal they
 * are attached to and so name no Principal; resource-based policies and role trust policies must.
 */
export type PolicyKind = 'identity' | 'resource' | 'trust' | 'boundary' | 'session';

/** The entity an inline identity policy is embedded in; the size limits differ. */
export type InlinePolicyTarget = 'user' | 'group' | 'role';

export const POLICY_KINDS: readonly PolicyKind[] = ['identity', 'resource', 'trust', 'boundary', 'session'];

export function namesPrincipal(kind: PolicyKind): boolean {
  return kind === 'resource' || kind === 'trust';
}

/** Policies IAM itself stores, which must keep to IAM's character set and quotas. */
export function isIamStored(kind: PolicyKind): boolean {
  return kind !== 'resource';
}

export function describeKind(kind: PolicyKind): string {
  switch (kind) {
    case 'identity':
      return 'identity-based policy';
    case 'resource':
      return 'resource-based policy';
    case 'trust':
      return 'role trust policy';
    case 'boundary':
      return 'permissions boundary';
    case 'session':
      return 'session policy';
  }
}

/** "an identity-based policy", "a role trust policy"… */
export function describeKindWithArticle(kind: PolicyKind): string {
  const noun = describeKind(kind);
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}
