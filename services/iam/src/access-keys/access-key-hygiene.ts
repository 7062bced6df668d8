import { streamLockKey } from '@warden/db';
import { sql } from 'kysely';
import type { IamCore } from '../service/iam-core.js';
import { appendTo, systemWriter } from '../service/write-spec.js';
import { userDecider } from '../users/user.decider.js';

/**
 * Access-key hygiene: an account may set `maxAccessKeyAgeDays`; the workers deactivate users' active
 * keys older than that, each with its reason in the event. (The root user's keys are the root's to
 * manage and are left alone.) The keys nobody has used for N days are `AccessKeyOperations.unused`.
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
      locks: [streamLockKey(`user/${key.user_id}`)],
      appends: () => appendTo(userDecider, `user/${key.user_id}`, { type: 'UpdateAccessKey' as const, accessKeyId: key.access_key_id, status: 'Inactive' as const, reason }),
    });
  }
  return stale.length;
}
