import { ACCOUNT_SCOPED_READ_MODELS, type Database, GLOBAL_READ_MODELS, readAllEvents } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import { projectEvent } from './projections.js';

/**
 * Rebuilds every read model from the events, in one transaction: snapshot the live rows, empty the
 * tables, project every event in log order, and compare. Because live appends and replay run the
 * same projections, any difference is a bug worth knowing about: it is reported table by table.
 * The change epoch is not a read model but a cache tag; it is advanced so caches rebuild.
 */
export interface ReplayReport {
  readonly events: number;
  readonly equal: boolean;
  readonly tables: readonly { table: string; live: number; rebuilt: number; equal: boolean }[];
}

const READ_MODELS = [...GLOBAL_READ_MODELS, ...ACCOUNT_SCOPED_READ_MODELS];

async function snapshot(db: Kysely<Database>, table: string): Promise<string[]> {
  const result = await sql<{ row: string }>`SELECT (to_jsonb(t) - 'change_epoch')::text AS row FROM ${sql.table(table)} t`.execute(db);
  return result.rows.map((row) => row.row).sort();
}

export async function replayReadModels(db: Kysely<Database>): Promise<ReplayReport> {
  return db.transaction().execute(async (trx) => {
    const epochs = await trx.selectFrom('accounts').select(['account_id', 'change_epoch']).execute();
    const live = new Map<string, string[]>();
    for (const table of READ_MODELS) live.set(table, await snapshot(trx, table));
    await sql`TRUNCATE ${sql.join(READ_MODELS.map((table) => sql.table(table)))}`.execute(trx);
    let events = 0;
    for await (const event of readAllEvents(trx)) {
      await projectEvent(trx, event);
      events++;
    }
    for (const { account_id, change_epoch } of epochs) {
      await trx.updateTable('accounts').set({ change_epoch: String(BigInt(change_epoch) + 1n) }).where('account_id', '=', account_id).execute();
    }
    const tables = [];
    for (const table of READ_MODELS) {
      const before = live.get(table)!;
      const after = await snapshot(trx, table);
      tables.push({ table, live: before.length, rebuilt: after.length, equal: before.length === after.length && before.every((row, index) => row === after[index]) });
    }
    return { events, equal: tables.every((table) => table.equal), tables };
  });
}
