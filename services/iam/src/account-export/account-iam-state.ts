import { ACCOUNT_SCOPED_READ_MODELS, type Database } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import { redactSecrets } from '../audit/audit-event-mapper.js';

/** One table of an account's read models as exported: its rows as JSON objects, their secrets redacted. */
export interface ExportedTable {
  readonly table: string;
  readonly rows: readonly unknown[];
}

/**
 * An account's IAM state as the read models hold it (the events fold to the same rows: replay
 * proves it): the account's own row, then every account-scoped table, each row as to_jsonb gives
 * it (column names as stored), sorted by its text so that two exports of one state are equal.
 * Read in the account's own transaction, so row-level security binds it to the account beside the
 * filter. The change epoch is a cache tag, not state.
 */
export async function readAccountIamState(trx: Kysely<Database>, accountId: string): Promise<ExportedTable[]> {
  const tables: ExportedTable[] = [];
  for (const table of ['accounts', ...ACCOUNT_SCOPED_READ_MODELS]) {
    const result = await sql<{ row: string }>`SELECT (to_jsonb(t) - 'change_epoch')::text AS row FROM ${sql.table(table)} t WHERE account_id = ${accountId}`.execute(trx);
    const rows = result.rows.map((row) => row.row).sort();
    tables.push({ table, rows: rows.map((row) => redactSecrets(JSON.parse(row))) });
  }
  return tables;
}
