import { type Kysely, sql } from 'kysely';

/**
 * `history_snapshots`: an account's IAM state folded from its events up to a position, kept so that
 * a point-in-time question folds a few events from the nearest snapshot instead of the whole log.
 * Derived data: deleting every row loses nothing but time. `max_occurred_at` is the latest event
 * time up to the position, so a snapshot serves any instant at or after it (the fold is a prefix
 * of the log). Row-level security like every table with an account.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('history_snapshots')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('global_position', 'bigint', (col) => col.notNull())
    .addColumn('event_count', 'integer', (col) => col.notNull())
    .addColumn('max_occurred_at', 'timestamptz', (col) => col.notNull())
    .addColumn('state', 'jsonb', (col) => col.notNull())
    .addColumn('taken_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('history_snapshots_pk', ['account_id', 'global_position'])
    .execute();
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON history_snapshots TO warden_app`.execute(db);
  await sql`ALTER TABLE history_snapshots ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY account_isolation ON history_snapshots
    USING (account_id = current_setting('warden.account_id', true))
    WITH CHECK (account_id = current_setting('warden.account_id', true))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('history_snapshots').execute();
}
