import { type Kysely, sql } from 'kysely';

/**
 * Console sign-in: virtual MFA devices (seed encrypted, the last accepted time step for replay
 * refusal), sign-in failure counters for throttling, the root user's console login, and when a
 * session's MFA was performed (aws:MultiFactorAuthAge).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mfa_devices')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('device_id', 'text', (col) => col.notNull())
    .addColumn('serial_number', 'text', (col) => col.notNull())
    .addColumn('device_name', 'text', (col) => col.notNull())
    .addColumn('path', 'text', (col) => col.notNull())
    .addColumn('seed', 'jsonb', (col) => col.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('owner_name', 'text')
    .addColumn('enabled_at', 'timestamptz')
    .addColumn('last_used_step', 'int8', (col) => col.notNull().defaultTo(0))
    .addColumn('drift_steps', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('tags', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('mfa_devices_pk', ['account_id', 'device_id'])
    .addUniqueConstraint('mfa_devices_serial_unique', ['account_id', 'serial_number'])
    .execute();
  await db.schema.createIndex('mfa_devices_by_owner').on('mfa_devices').columns(['account_id', 'owner_id']).execute();
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('failures', 'integer', (col) => col.notNull())
    .addColumn('last_failure_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('sign_in_failures_pk', ['account_id', 'subject'])
    .execute();
  for (const table of ['mfa_devices', 'sign_in_failures']) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`CREATE POLICY account_isolation ON ${sql.table(table)}
      USING (account_id = current_setting('warden.account_id', true))
      WITH CHECK (account_id = current_setting('warden.account_id', true))`.execute(db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO warden_app`.execute(db);
  }
  await db.schema.alterTable('sessions').addColumn('mfa_authenticated_at', 'timestamptz').execute();
  await db.schema.alterTable('accounts').addColumn('root_login', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('root_login').execute();
  await db.schema.alterTable('sessions').dropColumn('mfa_authenticated_at').execute();
  await db.schema.dropTable('sign_in_failures').execute();
  await db.schema.dropTable('mfa_devices').execute();
}
