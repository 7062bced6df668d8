import { type Kysely, sql } from 'kysely';

/**
 * SAML federation: the account's SAML providers (AWS's IAM SAML identity providers). The metadata
 * document is kept as it was given (GetSAMLProvider answers it); the IdP's entity id and signing
 * certificates read from it are kept beside it, so that verifying an assertion does not parse the
 * document again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('saml_providers')
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('provider_id', 'text', (col) => col.notNull())
    .addColumn('arn', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('metadata_document', 'text', (col) => col.notNull())
    .addColumn('entity_id', 'text', (col) => col.notNull())
    .addColumn('signing_certificates', 'jsonb', (col) => col.notNull())
    .addColumn('valid_until', 'timestamptz')
    .addColumn('tags', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('saml_providers_pk', ['account_id', 'provider_id'])
    .addUniqueConstraint('saml_providers_name_unique', ['account_id', 'name'])
    .execute();
  await sql`ALTER TABLE saml_providers ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY account_isolation ON saml_providers
    USING (account_id = current_setting('warden.account_id', true))
    WITH CHECK (account_id = current_setting('warden.account_id', true))`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON saml_providers TO warden_app`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('saml_providers').execute();
}
