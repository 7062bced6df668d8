import type { AccessKeyRow } from '@warden/db';
import { sql } from 'kysely';
import type { Caller } from '../kernel/command-context.js';
import type { IamCore } from '../service/iam-core.js';
import { appendTo, systemWriter } from '../service/write-spec.js';
import { userDecider } from '../users/user.decider.js';

/**
 * Access-key hygiene: an account may set `maxAccessKeyAgeDays`; the workers deactivate users' active
 * keys older than that, each with its reason in the event. (The root user's keys are the root's to
 * manage and are left alone.) And a query lists the keys nobody has used for N days.
 */
export async function deactivateStaleAccessKeys(core: IamCore, limit: number): Promise<number> {
  const now = core.clock.now();
  // Read as the store's owner, across accounts; each change is made in its own account.
  const stale = await core.db
    .selectFrom('access_keys')
    .innerJoin('accounts', 'accounts.account_id', 'access_keys.account_id')
    .select(['access_keys.account_id', 'access_keys.access_key_id', 'access_keys.user_id', 'access_keys.created_at', sql<string>`accounts.settings->>'maxAccessKeyAgeDays'`.as('max_days')])
    .where('access_keys.status', '=', 'Active')
    .where('access_keys.user_id', 'is not', null)
    .where(sql<boolean>`(accounts.settings->>'maxAccessKeyAgeDays') IS NOT NULL`)
    .where(sql<boolean>`access_keys.created_at < ${now}::timestamptz - make_interval(days => (accounts.settings->>'maxAccessKeyAgeDays')::int)`)
    .limit(limit)
    .execute();
  for (const key of stale) {
    const reason = `older than the account's maximum access key age of ${key.max_days} days (created ${new Date(key.created_at).toISOString()})`;
    await core.write(systemWriter(key.account_id, { actorArn: 'warden:access-key-hygiene' }, now), {
      locks: [`stream/user/${key.user_id}`],
      appends: () => appendTo(userDecider, `user/${key.user_id}`, { type: 'UpdateAccessKey' as const, accessKeyId: key.access_key_id, status: 'Inactive' as const, reason }),
    });
  }
  return stale.length;
}

export interface UnusedAccessKey extends AccessKeyRow {
  readonly userName: string | null;
  readonly lastUsedAt: Date | null;
}

/** Keys of the caller's account not used for `days` days (never-used keys count from creation). */
export async function unusedAccessKeys(core: IamCore, caller: Caller, days: number): Promise<UnusedAccessKey[]> {
  return core.read(caller, async (trx) => {
    await core.authorize(trx, caller, 'iam:ListAccessKeys', '*');
    const cutoff = new Date(core.clock.now().getTime() - days * 86_400_000);
    const rows = await trx
      .selectFrom('access_keys')
      .leftJoin('access_key_usage', (join) => join.onRef('access_key_usage.account_id', '=', 'access_keys.account_id').onRef('access_key_usage.access_key_id', '=', 'access_keys.access_key_id'))
      .leftJoin('users', (join) => join.onRef('users.account_id', '=', 'access_keys.account_id').onRef('users.user_id', '=', 'access_keys.user_id'))
      .selectAll('access_keys')
      .select(['users.user_name', 'access_key_usage.last_used_at'])
      .where('access_keys.account_id', '=', caller.accountId)
      .where(sql<boolean>`coalesce(access_key_usage.last_used_at, access_keys.created_at) < ${cutoff}`)
      .orderBy('access_keys.created_at')
      .execute();
    return rows.map(({ user_name, last_used_at, ...key }) => ({ ...key, userName: user_name, lastUsedAt: last_used_at }));
  });
}
