import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './database.js';
import { PreparingClient, preparingPGlite } from './prepared-statements.js';

/**
 * One way to get a database, two drivers: with a `databaseUrl`, a pg Pool against that Postgres;
 * without, an embedded Postgres (PGlite) persisted under `dataDir`, so that `npm start` works on a
 * machine with nothing installed. The same migrations and queries run on both.
 */
export type DatabaseDriver = 'postgres' | 'pglite';

export interface CreateDbOptions {
  readonly databaseUrl?: string | undefined;
  /** Where the embedded database lives; `memory` for a throwaway in-memory one (tests). */
  readonly dataDir?: string | undefined;
  readonly poolSize?: number;
}

export interface WardenDb {
  readonly db: Kysely<Database>;
  readonly driver: DatabaseDriver;
  close(): Promise<void>;
}

// int8 (global positions) stays a string; timestamps become Dates (pg's default).
export async function createDb(options: CreateDbOptions): Promise<WardenDb> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // A transaction left open stalls the async consumers' snapshot horizon: cap it.
      options: '-c idle_in_transaction_session_timeout=30000',
      // Statements marked as prepared (the event append) are planned once per connection.
      Client: PreparingClient,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, driver: 'postgres', close: () => db.destroy() };
  }
  const dataDir = options.dataDir ?? '.warden';
  let client: PGlite;
  if (dataDir === 'memory') client = new PGlite();
  else {
    const directory = join(resolve(dataDir), 'pgdata');
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    client = new PGlite(directory);
  }
  await client.waitReady;
  // The dialect only queries and closes: the wrapper that prepares marked statements is enough for it.
  const db = new Kysely<Database>({ dialect: new PGliteDialect(preparingPGlite(client) as unknown as PGlite) });
  return {
    db,
    driver: 'pglite',
    close: async () => {
      await db.destroy();
      if (!client.closed) await client.close();
    },
  };
}
