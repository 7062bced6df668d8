import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, migrateToLatest, pendingMigrations } from '../src/index.js';
import { migratedPGliteTemplate } from '../src/pglite-template.js';

describe('a PGlite store started from the migrated template', () => {
  const directories: string[] = [];
  afterAll(() => {
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  it('has every migration applied, its tables and their row security, and no rows of anyone', async () => {
    const wardenDb = await createDb({ dataDir: 'memory', template: await migratedPGliteTemplate() });
    try {
      expect(await pendingMigrations(wardenDb.db)).toEqual([]);
      const tables = await sql<{ relname: string; relrowsecurity: boolean }>`
        SELECT relname, relrowsecurity FROM pg_class WHERE relname IN ('events', 'users', 'api_calls') ORDER BY relname`.execute(wardenDb.db);
      expect(tables.rows).toEqual([
        { relname: 'api_calls', relrowsecurity: true },
        { relname: 'events', relrowsecurity: true },
        { relname: 'users', relrowsecurity: true },
      ]);
      const events = await sql<{ count: number }>`SELECT count(*)::int AS count FROM events`.execute(wardenDb.db);
      expect(events.rows[0]!.count).toBe(0);
    } finally {
      await wardenDb.close();
    }
  });

  it('gives each store its own copy: what one writes another does not see', async () => {
    const template = await migratedPGliteTemplate();
    const first = await createDb({ dataDir: 'memory', template });
    const second = await createDb({ dataDir: 'memory', template });
    try {
      await sql`CREATE TABLE scratch (n int)`.execute(first.db);
      const seen = await sql<{ found: string | null }>`SELECT to_regclass('scratch')::text AS found`.execute(second.db);
      expect(seen.rows[0]!.found).toBeNull();
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('starts a new data directory from it, and a directory that holds a database keeps its own', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'warden-template-'));
    directories.push(dataDir);
    const template = await migratedPGliteTemplate();
    const created = await createDb({ dataDir, template });
    expect(await pendingMigrations(created.db)).toEqual([]);
    await sql`CREATE TABLE kept (n int)`.execute(created.db);
    await sql`INSERT INTO kept VALUES (7)`.execute(created.db);
    await created.close();

    const reopened = await createDb({ dataDir, template });
    try {
      await migrateToLatest(reopened.db);
      const kept = await sql<{ n: number }>`SELECT n FROM kept`.execute(reopened.db);
      expect(kept.rows).toEqual([{ n: 7 }]);
    } finally {
      await reopened.close();
    }
  });
});
