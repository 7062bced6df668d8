import type { Caller } from '../kernel/command-context.js';
import { refusedByRule } from '../kernel/iam-error.js';
import type { IamCore } from '../service/iam-core.js';
import { findAccount } from './account-repository.js';

/**
 * Organization-wide actions (listing, creating, closing, exporting accounts…) are for principals of
 * the management account, and then only as their policies allow: a tenant's principals are refused
 * whatever their own policies say, since no policy of a tenant can grant power over the platform.
 */
export async function requireManagementCaller(core: IamCore, caller: Caller, action: string, resource: string): Promise<void> {
  await core.read(caller, async (trx) => {
    const account = await findAccount(trx, caller.accountId);
    if (!account?.isManagement) {
      throw refusedByRule(action, resource, `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} because only principals of the management account can perform it`);
    }
    await core.authorize(trx, caller, action, resource);
  });
}

/** An account as Organizations names it, in the management (caller's) account's organization: `arn:PARTITION:organizations::MANAGEMENT:account/ID`. */
export function organizationAccountArn(partition: string, managementAccountId: string, accountId: string): string {
  return `arn:${partition}:organizations::${managementAccountId}:account/${accountId}`;
}
