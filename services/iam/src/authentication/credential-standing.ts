import type { ResolvedCredential } from './credential-resolver.js';

/**
 * Whether a credential is in force at an instant, and if not, why: the one decision of it, which
 * request authentication (services/api `authenticate`, `authenticateBearer`) and the live audit
 * tail's re-check on every read both take from here.
 * - UNKNOWN: no such key (never made, deleted, its account closed);
 * - INACTIVE: the key is Inactive, or the user or role behind it is gone;
 * - REVOKED: a role session issued before its role's revokeRoleSessions cut-off;
 * - EXPIRED: a session at or past its expiry.
 */
export type CredentialStanding = 'IN_FORCE' | 'UNKNOWN' | 'INACTIVE' | 'REVOKED' | 'EXPIRED';

export function credentialStanding(credential: ResolvedCredential | undefined, now: Date): CredentialStanding {
  if (credential === undefined) return 'UNKNOWN';
  if (!credential.active) return 'INACTIVE';
  if (credential.revoked) return 'REVOKED';
  const expiresAt = credential.caller.session?.expiresAt;
  if (expiresAt !== undefined && now.getTime() >= expiresAt.getTime()) return 'EXPIRED';
  return 'IN_FORCE';
}
