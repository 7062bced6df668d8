import type { Kysely } from 'kysely';

/**
 * The account of the long-term principal a session's chain started from (a user's or root's key),
 * carried from session to session when a role is assumed with temporary credentials: a tenant's
 * root key may be made only from a chain the management account started. Null for a session whose
 * chain began outside the platform (web identity, SAML) and for sessions issued before this column.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('origin_account_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('origin_account_id').execute();
}
