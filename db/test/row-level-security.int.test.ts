import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inAccountTransaction, type WardenDb } from '../src/index.js';
import { DRIVERS, randomAccountId } from './test-databases.js';

/**
 * Row-level security is the second lock behind every query's own account filter: a table that
 * holds an account's rows must admit, inside a transaction bound to one account (role warden_app,
 * `warden.account_id` set), only that account's rows, whether a query reads or writes.
 */
/** Each row's position by account (bigint comes back as text from pg and as a number from PGlite). */
function positions(rows: readonly { account_id: string; global_position: unknown }[]): Record<string, string> {
  return Object.fromEntries(rows.map((row) => [row.account_id, String(row.global_position)]));
}

describe.each(DRIVERS)('row-level security on $name', (driver) => {
  let wardenDb: WardenDb;
  beforeAll(async () => {
    wardenDb = await driver.open();
  });
  afterAll(async () => {
    await wardenDb.close();
  });

  it('covers every table with an account_id column', async () => {
    const { rows } = await sql<{ table: string; rls: boolean; policies: string[] }>`
      SELECT c.relname AS table, c.relrowsecurity AS rls,
             coalesce((SELECT array_agg(p.polname::text ORDER BY p.polname) FROM pg_policy p WHERE p.polrelid = c.oid), '{}') AS policies
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
        AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'account_id' AND NOT a.attisdropped)
      ORDER BY c.relname`.execute(wardenDb.db);
    expect(rows.length).toBeGreaterThan(0);
    const unguarded = rows.filter((row) => !row.rls || !row.policies.includes('account_isolation')).map((row) => row.table);
    expect(unguarded).toEqual([]);
  });

  it("consumer checkpoints: an account transaction sees and writes only its own account's", async () => {
    const mine = randomAccountId();
    const theirs = randomAccountId();
    const consumer = `test-consumer-${randomAccountId()}`;
    const checkpoint = (accountId: string, position: string) => ({ consumer, account_id: accountId, transaction_id: '1', global_position: position, updated_at: new Date() });
    // Written as the store's owner, as a consumer that spans accounts would.
    await wardenDb.db
      .insertInto('consumer_checkpoints')
      .values([checkpoint(mine, '10'), checkpoint(theirs, '20')])
      .execute();

    await inAccountTransaction(wardenDb.db, mine, async (trx) => {
      // A query that forgets its account filter still sees only the bound account's row.
      const visible = await trx.selectFrom('consumer_checkpoints').select(['account_id', 'global_position']).where('consumer', '=', consumer).execute();
      expect(positions(visible)).toEqual({ [mine]: '10' });
      // Updating or deleting the other account's row reaches nothing.
      const updated = await trx.updateTable('consumer_checkpoints').set({ global_position: '99' }).where('consumer', '=', consumer).executeTakeFirst();
      expect(updated.numUpdatedRows).toBe(1n);
      const deleted = await trx.deleteFrom('consumer_checkpoints').where('consumer', '=', consumer).where('account_id', '=', theirs).executeTakeFirst();
      expect(deleted.numDeletedRows).toBe(0n);
    });
    // Moving its own row to the other account, or writing one for it, is refused.
    await expect(inAccountTransaction(wardenDb.db, mine, (trx) => trx.updateTable('consumer_checkpoints').set({ account_id: theirs }).where('consumer', '=', consumer).execute())).rejects.toThrow(
      /row-level security/,
    );
    await expect(
      inAccountTransaction(wardenDb.db, mine, (trx) =>
        trx
          .insertInto('consumer_checkpoints')
          .values({ ...checkpoint(theirs, '30'), consumer: `${consumer}-spoof` })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);

    // Seen as the owner: the other account's checkpoint is as it was, and no spoofed one exists.
    const after = await wardenDb.db.selectFrom('consumer_checkpoints').select(['account_id', 'global_position']).where('consumer', 'like', `${consumer}%`).execute();
    expect(positions(after)).toEqual({ [mine]: '99', [theirs]: '20' });
  });
});
