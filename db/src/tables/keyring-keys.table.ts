import type { Selectable } from 'kysely';

/** Data keys of the keyring, each wrapped under the master key. */
export interface KeyringKeysTable {
  key_id: string;
  wrapped: string;
  created_at: Date;
  active: boolean;
}

export type KeyringKeyRow = Selectable<KeyringKeysTable>;
