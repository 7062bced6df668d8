import { type Kysely, sql } from 'kysely';

/**
 * Access Advisor's data (IAM User Guide, "Refining permissions using last accessed information"):
 *
 * `action_usage`: one row per (account, principal, action, UTC day) on which the principal was
 * allowed the action, with the latest time of that day and the Region it came from. The latest row
 * of a (principal, action) is its last access; the days of a period are what the policy suggestion
 * reads. Telemetry, not IAM state: counted in memory and written in batches by the store's owner
 * (one upsert may carry many accounts' rows, keeping the later time), read through row-level
 * security like the read models, never replayed.
 *
 * `service_last_accessed_jobs`: the reports GenerateServiceLastAccessedDetails made, by job id,
 * read back by GetServiceLastAccessedDetails in the account that made them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('action_usage')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('principal_arn', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('day', 'date', (col) => col.notNull())
    .addColumn('last_accessed_at', 'timestamptz', (col) => col.notNull())
    .addColumn('region', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('action_usage_pk', ['account_id', 'principal_arn', 'action', 'day'])
    .execute();

  await db.schema
    .createTable('service_last_accessed_jobs')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('job_id', 'text', (col) => col.notNull())
    .addColumn('entity_arn', 'text', (col) => col.notNull())
    .addColumn('granularity', 'text', (col) => col.notNull().check(sql`granularity IN ('SERVICE_LEVEL', 'ACTION_LEVEL')`))
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status IN ('IN_PROGRESS', 'COMPLETED', 'FAILED')`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('completed_at', 'timestamptz')
    .addColumn('report', 'jsonb')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('service_last_accessed_jobs_pk', ['account_id', 'job_id'])
    .execute();

  for (const table of ['action_usage', 'service_last_accessed_jobs']) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`CREATE POLICY account_isolation ON ${sql.table(table)}
      USING (account_id = current_setting('warden.account_id', true))
      WITH CHECK (account_id = current_setting('warden.account_id', true))`.execute(db);
  }
  // Usage is written by the owner's batches only; an account transaction reads it.
  await sql`GRANT SELECT ON action_usage TO warden_app`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON service_last_accessed_jobs TO warden_app`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('service_last_accessed_jobs').execute();
  await db.schema.dropTable('action_usage').execute();
}
