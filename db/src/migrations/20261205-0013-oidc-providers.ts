import { type Kysely, sql } from 'kysely';

/**
 * Web identity federation: the account's OpenID Connect providers (AWS's IAM OIDC identity
 * providers), and the web identity tokens already exchanged for a session, by their SHA-256 (never
 * the token), kept until the token expires so that a token is accepted once only on every replica.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_providers')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('provider_id', 'text', (col) => col.notNull())
    .addColumn('arn', 'text', (col) => col.notNull())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('client_ids', 'jsonb', (col) => col.notNull())
    .addColumn('thumbprints', 'jsonb', (col) => col.notNull())
    .addColumn('tags', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('oidc_providers_pk', ['account_id', 'provider_id'])
    .addUniqueConstraint('oidc_providers_url_unique', ['account_id', 'url'])
    .execute();
  await db.schema
    .createTable('web_identity_tokens')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('token_hash', 'text', (col) => col.notNull())
    .addColumn('session_id', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('web_identity_tokens_pk', ['account_id', 'token_hash'])
    .execute();
  await db.schema.createIndex('web_identity_tokens_by_session').on('web_identity_tokens').columns(['account_id', 'session_id']).execute();
  for (const table of ['oidc_providers', 'web_identity_tokens']) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`CREATE POLICY account_isolation ON ${sql.table(table)}
      USING (account_id = current_setting('warden.account_id', true))
      WITH CHECK (account_id = current_setting('warden.account_id', true))`.execute(db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO warden_app`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('web_identity_tokens').execute();
  await db.schema.dropTable('oidc_providers').execute();
}
