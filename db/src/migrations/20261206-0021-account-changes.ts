import { type Kysely, sql } from 'kysely';

/**
 * What each change epoch changed: one row per bump of `accounts.change_epoch`, naming the entity
 * whose stream was written (`user/AIDA…`, `group/…`, `policy/…`, or `*` for the whole account).
 * A process that cached something at epoch E reads the rows after E together with the current
 * epoch, and drops only what depends on the entities named. Not a read model: replay bumps the epoch
 * without a row, which a reader sees as a gap and treats as a change to everything.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('account_changes')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('epoch', 'int8', (col) => col.notNull())
    .addColumn('changed', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('account_changes_pk', ['account_id', 'epoch'])
    .execute();
  await sql`ALTER TABLE account_changes ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY account_isolation ON account_changes
    USING (account_id = current_setting('warden.account_id', true))
    WITH CHECK (account_id = current_setting('warden.account_id', true))`.execute(db);
  await sql`GRANT SELECT, INSERT, DELETE ON account_changes TO warden_app`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('account_changes').execute();
}
