import type { JSONColumnType, Selectable } from 'kysely';

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeysTable {
  account_id: string;
  access_key_id: string;
  /** Null for the root user's keys. */
  user_id: string | null;
  status: AccessKeyStatus;
  /** The secret, encrypted under the keyring (never in the clear). */
  secret: JSONColumnType<{ keyId: string; iv: string; ciphertext: string; tag: string }>;
  created_at: Date;
}

export type AccessKeyRow = Selectable<AccessKeysTable>;
