import { type Kysely, sql } from 'kysely';

/**
 * Row-level security on `consumer_checkpoints`, the last table with an `account_id` that had none.
 * Checkpoints are kept per consumer and account; inside an account transaction (role warden_app)
 * only that account's are visible or writable, and a consumer that spans accounts reads and writes
 * them as the store's owner, as it does `accounts` and `access_key_lookup`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE consumer_checkpoints ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY account_isolation ON consumer_checkpoints
    USING (account_id = current_setting('warden.account_id', true))
    WITH CHECK (account_id = current_setting('warden.account_id', true))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP POLICY account_isolation ON consumer_checkpoints`.execute(db);
  await sql`ALTER TABLE consumer_checkpoints DISABLE ROW LEVEL SECURITY`.execute(db);
}
