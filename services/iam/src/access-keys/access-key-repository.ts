import type { Database } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import type { AccessKey } from './access-key.js';
import { toAccessKey } from './access-key-mapper.js';

/** The account's access keys with their owners' names and last uses, oldest first; secrets are never read. */
function accessKeyListing(db: Kysely<Database>, accountId: string) {
  return db
    .selectFrom('access_keys')
    .leftJoin('access_key_usage', (join) => join.onRef('access_key_usage.account_id', '=', 'access_keys.account_id').onRef('access_key_usage.access_key_id', '=', 'access_keys.access_key_id'))
    .leftJoin('users', (join) => join.onRef('users.account_id', '=', 'access_keys.account_id').onRef('users.user_id', '=', 'access_keys.user_id'))
    .select([
      'access_keys.account_id',
      'access_keys.access_key_id',
      'access_keys.status',
      'access_keys.created_at',
      'users.user_name',
      'access_key_usage.last_used_at',
      'access_key_usage.last_used_action',
    ])
    .where('access_keys.account_id', '=', accountId)
    .orderBy('access_keys.created_at');
}

/** A user's keys, or the root user's (`userId` null). */
export async function listAccessKeysOf(db: Kysely<Database>, accountId: string, userId: string | null): Promise<AccessKey[]> {
  const listing = accessKeyListing(db, accountId);
  const rows = await (userId === null ? listing.where('access_keys.user_id', 'is', null) : listing.where('access_keys.user_id', '=', userId)).execute();
  return rows.map(toAccessKey);
}

/** Keys not used since `cutoff`; a key never used counts from its creation. */
export async function listAccessKeysUnusedSince(db: Kysely<Database>, accountId: string, cutoff: Date): Promise<AccessKey[]> {
  const rows = await accessKeyListing(db, accountId)
    .where(sql<boolean>`coalesce(access_key_usage.last_used_at, access_keys.created_at) < ${cutoff}`)
    .execute();
  return rows.map(toAccessKey);
}

/** One key of the account with its owner's ARN (null for the root user's), or undefined. */
export async function findAccessKeyWithOwner(db: Kysely<Database>, accountId: string, accessKeyId: string): Promise<{ key: AccessKey; ownerArn: string | null } | undefined> {
  const row = await accessKeyListing(db, accountId).select('users.arn').where('access_keys.access_key_id', '=', accessKeyId).executeTakeFirst();
  return row && { key: toAccessKey(row), ownerArn: row.arn };
}
