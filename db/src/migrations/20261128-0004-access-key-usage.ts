import { type Kysely, sql } from 'kysely';

/**
 * When each access key was last used, and for what. Usage is telemetry, not a change anyone made:
 * it is written directly (throttled), is not an event, and is not rebuilt by replay.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('access_key_usage')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('access_key_id', 'text', (col) => col.notNull())
    .addColumn('last_used_at', 'timestamptz', (col) => col.notNull())
    .addColumn('last_used_action', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('access_key_usage_pk', ['account_id', 'access_key_id'])
    .execute();
  await sql`ALTER TABLE access_key_usage ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY account_isolation ON access_key_usage
    USING (account_id = current_setting('warden.account_id', true))
    WITH CHECK (account_id = current_setting('warden.account_id', true))`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON access_key_usage TO warden_app`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('access_key_usage').execute();
}
