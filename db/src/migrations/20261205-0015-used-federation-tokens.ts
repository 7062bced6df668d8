import { type Kysely, sql } from 'kysely';

/**
 * The used web identity tokens become the used federation tokens: a SAML assertion accepted by
 * AssumeRoleWithSAML is remembered there too (by the hash of its issuer and ID), so that one table,
 * one lock and one check keep every federation token to a single use on every replica. Row-level
 * security and the grants follow the table through the rename.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE web_identity_tokens RENAME TO used_federation_tokens`.execute(db);
  await sql`ALTER TABLE used_federation_tokens RENAME CONSTRAINT web_identity_tokens_pk TO used_federation_tokens_pk`.execute(db);
  await sql`ALTER INDEX web_identity_tokens_by_session RENAME TO used_federation_tokens_by_session`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER INDEX used_federation_tokens_by_session RENAME TO web_identity_tokens_by_session`.execute(db);
  await sql`ALTER TABLE used_federation_tokens RENAME CONSTRAINT used_federation_tokens_pk TO web_identity_tokens_pk`.execute(db);
  await sql`ALTER TABLE used_federation_tokens RENAME TO web_identity_tokens`.execute(db);
}
