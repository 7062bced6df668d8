import type { Caller } from './command-context.js';

/**
 * The caller's UserId as sts:GetCallerIdentity reports it (AWS's API reference): the user's unique
 * id (AIDA…) for an IAM user, ROLE_ID:SESSION_NAME for an assumed role, ACCOUNT:NAME for a
 * federated user, the account id for the root user. Every front answers with this one.
 */
export function callerUserId(caller: Caller): string {
  if (caller.session?.kind === 'assumed-role') return `${caller.session.roleId}:${caller.session.sessionName}`;
  if (caller.session?.kind === 'federation') return `${caller.accountId}:${caller.session.sessionName}`;
  return caller.userId ?? caller.accountId;
}
