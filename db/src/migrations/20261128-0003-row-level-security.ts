import { type Kysely, sql } from 'kysely';

/**
 * Row-level security on account_id, the second lock behind every query's own filter. Requests run
 * inside transactions that `SET LOCAL ROLE warden_app` (a role without BYPASSRLS, so the policies
 * bind even when the connection logs in as a superuser) and set `warden.account_id`.
 */
const ACCOUNT_SCOPED = ['events', 'users', 'groups', 'group_memberships', 'roles', 'policies', 'policy_versions', 'policy_attachments', 'inline_policies', 'access_keys'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'warden_app') THEN CREATE ROLE warden_app NOLOGIN; END IF;
  END $$`.execute(db);
  for (const table of ACCOUNT_SCOPED) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`CREATE POLICY account_isolation ON ${sql.table(table)}
      USING (account_id = current_setting('warden.account_id', true))
      WITH CHECK (account_id = current_setting('warden.account_id', true))`.execute(db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO warden_app`.execute(db);
  }
  // Tables that span accounts; read with explicit filters.
  for (const table of ['accounts', 'access_key_lookup', 'keyring_keys', 'consumer_checkpoints']) {
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO warden_app`.execute(db);
  }
  await sql`GRANT USAGE ON SCHEMA public TO warden_app`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ACCOUNT_SCOPED) {
    await sql`DROP POLICY account_isolation ON ${sql.table(table)}`.execute(db);
    await sql`ALTER TABLE ${sql.table(table)} DISABLE ROW LEVEL SECURITY`.execute(db);
  }
}
