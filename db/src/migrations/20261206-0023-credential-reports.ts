import { type Kysely, sql } from 'kysely';

/**
 * Each account's latest credential report (AWS's GenerateCredentialReport / GetCredentialReport).
 * A report is derived data, a snapshot of the read models at a moment: it changes nothing and is
 * replaced every four hours at most, so it is kept as a row (one per account, overwritten), not as
 * events, and replay does not rebuild it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('credential_reports')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('started_at', 'timestamptz', (col) => col.notNull())
    .addColumn('generated_at', 'timestamptz')
    .addColumn('content', 'text')
    .addPrimaryKeyConstraint('credential_reports_pk', ['account_id'])
    .addCheckConstraint('credential_reports_state', sql`state IN ('in-progress', 'complete')`)
    .execute();
  await sql`ALTER TABLE credential_reports ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY account_isolation ON credential_reports
    USING (account_id = current_setting('warden.account_id', true))
    WITH CHECK (account_id = current_setting('warden.account_id', true))`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON credential_reports TO warden_app`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('credential_reports').execute();
}
