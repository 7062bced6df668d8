import type { Quotas } from '../naming/index.js';

/**
 * The IAM entities that hold policies: users, groups and roles each have attached managed policies
 * and inline policies, with the same rules. This folder writes that behaviour once; the kind only
 * changes names (AttachUserPolicy, PolicyAttachedToGroup, the `roles` table) and limits.
 */
export type HolderKind = 'user' | 'group' | 'role';

/** The holders that also carry tags and a permissions boundary: AWS gives groups neither. */
export type TaggedHolderKind = 'user' | 'role';

/** The kind as AWS's action names and Warden's event types spell it: `User` in AttachUserPolicy. */
export type KindName<K extends HolderKind> = Capitalize<K>;

export function kindName<K extends HolderKind>(kind: K): KindName<K> {
  return `${kind.charAt(0).toUpperCase()}${kind.slice(1)}` as KindName<K>;
}

/** The quota of managed policies attached to one holder: users and roles share one, groups have their own. */
export const ATTACHED_POLICIES_QUOTA = {
  user: 'managedPoliciesPerPrincipal',
  group: 'managedPoliciesPerGroup',
  role: 'managedPoliciesPerPrincipal',
} as const satisfies Record<HolderKind, keyof Quotas>;
