import { type Kysely, sql } from 'kysely';

/**
 * Temporary-credential sessions (STS): the active-sessions read model, and the time before which a
 * role's sessions are refused ("revoke active sessions").
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('session_id', 'text', (col) => col.notNull())
    .addColumn('access_key_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('principal_arn', 'text', (col) => col.notNull())
    .addColumn('role_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('session_name', 'text', (col) => col.notNull())
    .addColumn('source_identity', 'text')
    .addColumn('tags', 'jsonb', (col) => col.notNull())
    .addColumn('session_policies', 'jsonb', (col) => col.notNull())
    .addColumn('secret', 'jsonb', (col) => col.notNull())
    .addColumn('token_hash', 'text', (col) => col.notNull())
    .addColumn('mfa_authenticated', 'boolean', (col) => col.notNull())
    .addColumn('chained', 'boolean', (col) => col.notNull())
    .addColumn('issued_at', 'timestamptz', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('sessions_pk', ['account_id', 'session_id'])
    .execute();
  await db.schema.createIndex('sessions_by_expiry').on('sessions').columns(['account_id', 'expires_at']).execute();
  await sql`ALTER TABLE sessions ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY account_isolation ON sessions
    USING (account_id = current_setting('warden.account_id', true))
    WITH CHECK (account_id = current_setting('warden.account_id', true))`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO warden_app`.execute(db);
  await db.schema.alterTable('roles').addColumn('sessions_revoked_before', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('roles').dropColumn('sessions_revoked_before').execute();
  await db.schema.dropTable('sessions').execute();
}
