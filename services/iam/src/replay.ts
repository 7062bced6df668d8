import { ACCOUNT_SCOPED_READ_MODELS, type Database, GLOBAL_READ_MODELS, readAllEvents } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import { projectEvent } from './projections.js';

/**
 * Rebuilds read models from the events, in one transaction: snapshot the live rows, delete them,
 * project the events again in log order, and compare. Live appends and replay run the same
 * projections, so any difference is a bug worth knowing about; it is reported table by table.
 * With `accountId`, only that account's rows and events are rebuilt (tenants never share rows).
 * The change epoch is a cache tag, not a read model: it is advanced so that caches rebuild.
 */
export interface ReplayReport {
  readonly events: number;
  readonly equal: boolean;
  readonly tables: readonly { table: string; live: number; rebuilt: number; equal: boolean }[];
}

export interface ReplayOptions {
  readonly accountId?: string;
}

type Table = (typeof GLOBAL_READ_MODELS)[number] | (typeof ACCOUNT_SCOPED_READ_MODELS)[number];
const READ_MODELS: readonly Table[] = [...GLOBAL_READ_MODELS, ...ACCOUNT_SCOPED_READ_MODELS];

export async function replayReadModels(db: Kysely<Database>, options: ReplayOptions = {}): Promise<ReplayReport> {
  const accountId = options.accountId;
  return db.transaction().execute(async (trx) => {
    const isManagement = accountId === undefined || (await trx.selectFrom('accounts').select('is_management').where('account_id', '=', accountId).executeTakeFirst())?.is_management === true;
    // The keyring's data keys belong to the management account's stream; other tables carry account_id.
    const tables = READ_MODELS.filter((table) => table !== 'keyring_keys' || isManagement);
    const scope = (table: Table) => (accountId === undefined || table === 'keyring_keys' ? sql`TRUE` : sql`account_id = ${accountId}`);
    const snapshot = async (table: Table): Promise<string[]> => {
      const result = await sql<{ row: string }>`SELECT (to_jsonb(t) - 'change_epoch')::text AS row FROM ${sql.table(table)} t WHERE ${scope(table)}`.execute(trx);
      return result.rows.map((row) => row.row).sort();
    };
    const epochs = await trx
      .selectFrom('accounts')
      .select(['account_id', 'change_epoch'])
      .$if(accountId !== undefined, (query) => query.where('account_id', '=', accountId!))
      .execute();
    const live = new Map<Table, string[]>();
    for (const table of tables) live.set(table, await snapshot(table));
    for (const table of tables) await sql`DELETE FROM ${sql.table(table)} WHERE ${scope(table)}`.execute(trx);
    let events = 0;
    for await (const event of readAllEvents(trx, 1000, accountId)) {
      await projectEvent(trx, event);
      events++;
    }
    for (const { account_id, change_epoch } of epochs) {
      await trx
        .updateTable('accounts')
        .set({ change_epoch: String(BigInt(change_epoch) + 1n) })
        .where('account_id', '=', account_id)
        .execute();
    }
    const report = [];
    for (const table of tables) {
      const before = live.get(table)!;
      const after = await snapshot(table);
      report.push({ table, live: before.length, rebuilt: after.length, equal: before.length === after.length && before.every((row, index) => row === after[index]) });
    }
    return { events, equal: report.every((table) => table.equal), tables: report };
  });
}
