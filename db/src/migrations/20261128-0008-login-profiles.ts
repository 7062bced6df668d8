import type { Kysely } from 'kysely';

/** A user's console password (its argon2id hash, encrypted), and whether it must be changed. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('login_profile', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('login_profile').execute();
}
