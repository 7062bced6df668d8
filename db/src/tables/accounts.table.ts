import type { ColumnType, JSONColumnType, Selectable } from 'kysely';

export interface AccountsTable {
  account_id: string;
  /** Globally unique sign-in alias; null when the account has none. */
  alias: string | null;
  name: string;
  is_management: boolean;
  quotas: JSONColumnType<Record<string, number>>;
  settings: JSONColumnType<Record<string, unknown>>;
  /** Bumped by every committed change in the account; int8, so a string. */
  change_epoch: ColumnType<string, string | undefined, string>;
  /** The root user's console login: its email and password hash (encrypted); null when none. */
  root_login: JSONColumnType<RootLoginRow | null, string | null, string | null>;
  created_at: Date;
  /** ACTIVE, or CLOSED by the management account (closeAccount). */
  status: ColumnType<AccountStatus, AccountStatus | undefined, AccountStatus>;
  closed_at: Date | null;
  /** Whether successful read calls are recorded in api_calls (denied and failed calls always are). */
  record_read_calls: ColumnType<boolean, boolean | undefined, boolean>;
}

export type AccountStatus = 'ACTIVE' | 'CLOSED';

export interface RootLoginRow {
  readonly email: string;
  readonly passwordHash: { keyId: string; iv: string; ciphertext: string; tag: string };
  readonly passwordChangedAt: string;
}

export type AccountRow = Selectable<AccountsTable>;
