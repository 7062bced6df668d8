import type { Caller } from '../kernel/command-context.js';
import { ORGANIZATION_ACCESS_ROLE_NAME } from './organization-access-role.js';

/**
 * Who may make a root access key besides the root user itself (Warden's extension, for replacing a
 * lost one). Permission on the root's ARN is not enough: a tenant's administrator holds it through
 * AdministratorAccess, and a root key would lift them out of every policy. So the caller must be
 * a principal of the management account (the platform's operator, in its own account), or a
 * session of OrganizationAccountAccessRole whose chain the management account started. The chain's
 * origin is recorded when each session is issued and carried over by role chaining, so a tenant
 * that edits the role's trust policy to name itself, or re-creates the role, gets sessions whose
 * origin is the tenant, and a tenant role assumed from a recovery session is not that role.
 * Returns why the caller is refused, or null.
 */
export function rootKeyRecoveryRefusal(caller: Caller, managementAccountId: string): string | null {
  if (caller.kind === 'root' || caller.accountId === managementAccountId) return null;
  const roleName = caller.kind === 'assumed-role' ? /:assumed-role\/([^/]+)\//.exec(caller.arn)?.[1] : undefined;
  if (roleName === ORGANIZATION_ACCESS_ROLE_NAME && caller.session?.originAccountId === managementAccountId) return null;
  return `only the root user, or a session of ${ORGANIZATION_ACCESS_ROLE_NAME} that the management account started, can create the root user's access keys`;
}
