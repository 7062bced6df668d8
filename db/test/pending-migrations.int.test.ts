import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDb, migrateToLatest, pendingMigrations } from '../src/index.js';
import { MIGRATIONS } from '../src/migrations/index.js';

describe('pendingMigrations', () => {
  it('names every migration of this build that the database has not applied, and none once it is migrated', async () => {
    const wardenDb = await createDb({ dataDir: 'memory' });
    try {
      expect(await pendingMigrations(wardenDb.db)).toEqual(Object.keys(MIGRATIONS).sort());
      await migrateToLatest(wardenDb.db);
      expect(await pendingMigrations(wardenDb.db)).toEqual([]);
      const [last] = Object.keys(MIGRATIONS).sort().reverse();
      await sql`DELETE FROM kysely_migration WHERE name = ${last}`.execute(wardenDb.db);
      expect(await pendingMigrations(wardenDb.db)).toEqual([last]);
    } finally {
      await wardenDb.close();
    }
  });
});
