import type { AccessKeyRow, AccessKeyUsageRow, UserRow } from '@warden/db';
import type { AccessKey } from './access-key.js';

/** A key's row (without its secret), with its owner's name and its last use joined in (null when none). */
export type AccessKeyListingRow = Pick<AccessKeyRow, 'account_id' | 'access_key_id' | 'status' | 'created_at'> & {
  readonly user_name: UserRow['user_name'] | null;
  readonly last_used_at: AccessKeyUsageRow['last_used_at'] | null;
  readonly last_used_action: AccessKeyUsageRow['last_used_action'] | null;
};

export function toAccessKey(row: AccessKeyListingRow): AccessKey {
  return {
    accountId: row.account_id,
    accessKeyId: row.access_key_id,
    userName: row.user_name,
    status: row.status,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    lastUsedAction: row.last_used_action,
  };
}
