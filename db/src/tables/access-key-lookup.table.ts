import type { Selectable } from 'kysely';

/**
 * Access key id → account, read before the caller is authenticated (a key id does not say which
 * account it belongs to). The one read-model table whose key does not start with account_id, and
 * which has no row-level security; it holds no secret.
 */
export interface AccessKeyLookupTable {
  access_key_id: string;
  account_id: string;
}

export type AccessKeyLookupRow = Selectable<AccessKeyLookupTable>;
