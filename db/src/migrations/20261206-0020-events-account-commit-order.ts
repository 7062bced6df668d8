import type { Kysely } from 'kysely';

/**
 * One account's events in commit order (transaction, then position), as the audit log's live tail
 * and its export read them: each page starts at its cursor inside the account's own entries instead
 * of walking every account's events in that order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('events_account_commit_order').on('events').columns(['account_id', 'transaction_id', 'global_position']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('events_account_commit_order').execute();
}
