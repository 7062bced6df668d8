import type { Caller } from './command-context.js';

/**
 * The account a new session's chain starts from: the caller's own for long-term credentials (a
 * user's or root's key), otherwise whatever the caller's session carries, so that assuming a role
 * from a session never changes it. A role session records it, which is how a tenant's root key can
 * be limited to chains the management account started, whoever edits a trust policy on the way.
 */
export function chainOriginAccount(caller: Caller): string | null {
  return caller.session ? caller.session.originAccountId : caller.accountId;
}
