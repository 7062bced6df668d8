import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';
import type { Account } from '../accounts/account.js';
import { loadPrincipalPolicies } from '../authorization/principal-policy-loader.js';
import type { Caller } from '../kernel/command-context.js';
import { AccessDeniedError } from '../kernel/iam-error.js';
import type { IamCore } from '../service/iam-core.js';
import { ROOT_OWNER } from '../mfa/mfa-device.events.js';
import { countEnabledMfaDevices } from '../mfa/mfa-device-lookups.js';
import type { Group } from '../groups/group.js';
import type { Role } from '../roles/role.js';
import type { User } from '../users/user.js';

/**
 * Warnings an administrator should see at once, as the AWS console shows them: a user, group or role
 * that no policy grants anything. "Grants anything" means at least one Allow statement among the
 * identity policies that apply (for a user, also its groups'); a permissions boundary without any
 * Allow makes every grant void, and says so.
 */
function allows(document: unknown): boolean {
  try {
    const parsed = (typeof document === 'string' ? JSON.parse(document) : document) as { Statement?: unknown };
    const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
    return statements.some((statement) => typeof statement === 'object' && statement !== null && (statement as { Effect?: unknown }).Effect === 'Allow');
  } catch {
    return false;
  }
}

export class PermissionWarnings {
  constructor(private readonly core: IamCore) {}

  /** The user's warnings, or null when the caller may not list the user's policies. */
  forUser(caller: Caller, user: User): Promise<string[] | null> {
    return this.visible(caller, 'iam:ListAttachedUserPolicies', user.arn, async (db) => {
      const policies = await loadPrincipalPolicies(db, { type: 'user', id: user.userId, accountId: user.accountId });
      return warnings(
        'user',
        policies.identityPolicies.map((policy) => policy.document),
        policies.permissionBoundary?.document ?? null,
      );
    });
  }

  forRole(caller: Caller, role: Role): Promise<string[] | null> {
    return this.visible(caller, 'iam:ListAttachedRolePolicies', role.arn, async (db) => {
      const policies = await loadPrincipalPolicies(db, { type: 'role', id: role.roleId, accountId: role.accountId });
      return warnings(
        'role',
        policies.identityPolicies.map((policy) => policy.document),
        policies.permissionBoundary?.document ?? null,
      );
    });
  }

  forGroup(caller: Caller, group: Group): Promise<string[] | null> {
    return this.visible(caller, 'iam:ListAttachedGroupPolicies', group.arn, async (db) => {
      const policies = await loadPrincipalPolicies(db, { type: 'group', id: group.groupId, accountId: group.accountId });
      return warnings(
        'group',
        policies.identityPolicies.map((policy) => policy.document),
        null,
      );
    });
  }

  /**
   * The account's warnings (what AWS's GetAccountSummary reports as AccountAccessKeysPresent): the
   * root user should have no access keys. Null when the caller may not read the account summary.
   */
  forAccount(caller: Caller, account: Account): Promise<string[] | null> {
    return this.visible(caller, 'iam:GetAccountSummary', '*', async (db) => {
      const rootKeys = await db.selectFrom('access_keys').select('access_key_id').where('account_id', '=', account.accountId).where('user_id', 'is', null).where('status', '=', 'Active').execute();
      const found: string[] = [];
      if (rootKeys.length > 0)
        found.push(`The root user has ${rootKeys.length} active access key${rootKeys.length > 1 ? 's' : ''}: use IAM users or roles for daily work and deactivate the root user's keys.`);
      // AWS's security recommendation: the root user should have MFA.
      if ((await countEnabledMfaDevices(db, account.accountId, ROOT_OWNER)) === 0)
        found.push('The root user has no MFA device: enable one (createVirtualMFADevice, then enableMFADevice as the root user).');
      return found;
    });
  }

  private async visible(caller: Caller, action: string, arn: string, work: (db: Kysely<Database>) => Promise<string[]>): Promise<string[] | null> {
    return this.core.read(caller, async (trx) => {
      try {
        await this.core.authorize(trx, caller, action, arn);
      } catch (error) {
        if (error instanceof AccessDeniedError) return null;
        throw error;
      }
      return work(trx);
    });
  }
}

function warnings(kind: 'user' | 'group' | 'role', documents: readonly unknown[], boundary: unknown): string[] {
  const found: string[] = [];
  if (!documents.some(allows)) {
    const where = kind === 'user' ? 'attached to it, inline in it or in its groups' : 'attached to it or inline in it';
    found.push(kind === 'group' ? `This group grants no permissions: no policy ${where} allows anything.` : `This ${kind} has no permissions: no policy ${where} allows anything.`);
  } else if (boundary !== null && boundary !== undefined && !allows(boundary)) {
    found.push(`This ${kind} has no permissions: its permissions boundary allows nothing.`);
  }
  return found;
}
