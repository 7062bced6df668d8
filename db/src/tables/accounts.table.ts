import type { Selectable } from 'kysely';

export interface AccountsTable {
  account_id: string;
  /** Globally unique sign-in alias; null when the account has none. */
  alias: string | null;
  name: string;
  is_management: boolean;
  quotas: Record<string, number>;
  settings: Record<string, unknown>;
  created_at: Date;
}

export type AccountRow = Selectable<AccountsTable>;
