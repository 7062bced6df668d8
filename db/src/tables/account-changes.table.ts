import type { ColumnType, Selectable } from 'kysely';

/** One row per bump of an account's change epoch: the entity that change wrote (see migration 0021). */
export interface AccountChangesTable {
  account_id: string;
  /** The epoch the change bumped the account to; int8, so a string. */
  epoch: ColumnType<string, string, never>;
  /** The written entity's stream id (`user/AIDA…`, `group/…`, `role/…`, `policy/…`, `session/…`), or `*` for the whole account. */
  changed: string;
}

export type AccountChangeRow = Selectable<AccountChangesTable>;
