import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { type Dialect, Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './database.js';
import { type DataDirectoryLock, lockDataDirectory } from './data-directory-lock.js';
import { guardedClientClass } from './guarded-client.js';
import { type EmbeddedDatabase, type EmbeddedStart, openPGliteInProcess } from './open-pglite.js';
import { openPGliteOnThread } from './pglite-on-thread.js';
import type { SqlTracer } from './sql-tracer.js';
import { tracedDialect } from './traced-dialect.js';

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
  /**
   * PGlite only: a data directory archive (`PGlite.dumpDataDir`) that a new embedded store starts
   * from instead of running initdb, which costs seconds in WebAssembly. Ignored when the data
   * directory already holds a database. The test suites start every store from one migrated
   * template (`migratedPGliteTemplate`).
   */
  readonly template?: string | undefined;
  readonly poolSize?: number;
  /** Postgres only: how long a connection, a statement or an open transaction may take. */
  readonly timeouts?: Partial<DatabaseTimeouts>;
  /**
   * Postgres only: told when an idle pooled connection fails (the server restarted, or closed it).
   * The pool has already dropped it and opens a new one on demand; this is for the log.
   */
  readonly onIdleConnectionError?: (error: Error) => void;
  /**
   * PGlite only: run the embedded database on a thread of its own (pglite-on-thread.ts), off the
   * event loop that serves requests. The commands that open the store through `openDatabase`
   * (serve, migrate, replay) do; the in-process test suites keep it on their own thread, where
   * nothing else waits on it.
   */
  readonly embeddedOnThread?: boolean;
  /**
   * PGlite on its own thread only: told when that thread dies other than by `close()` (a crash, the
   * thread's heap exhausted). Every statement then fails as unavailable, and the data directory
   * cannot be reopened safely while this process lives; the server ends the process, as a crash of
   * PGlite in process would have.
   */
  readonly onEmbeddedFailure?: (error: Error) => void;
  /** Told of every statement (api's tracing); absent, the driver is used as it is. */
  readonly sqlTracer?: SqlTracer | undefined;
}

/**
 * Bounds on waiting for Postgres, in milliseconds; 0 turns one off. A request must fail fast with
 * "unavailable" rather than hold its caller (and a pool slot) for as long as an outage lasts.
 */
export interface DatabaseTimeouts {
  /** Opening a connection, and waiting for a free one when the pool is full. */
  readonly connectMs: number;
  /** Postgres's `statement_timeout`: one statement, lock waits included. */
  readonly statementMs: number;
  /** Postgres's `idle_in_transaction_session_timeout`: a transaction left open stalls the async consumers' snapshot horizon. */
  readonly idleInTransactionMs: number;
  /**
   * No answer at all on a connection with queries waiting: the server is frozen or unreachable
   * (its own statement_timeout cannot fire). Past this the connection is closed. Unset: a second
   * more than the statement timeout, so that a slow statement gets Postgres's own clearer error.
   */
  readonly unansweredMs?: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { connectMs: 2_000, statementMs: 5_000, idleInTransactionMs: 30_000 };

/** The watchdog's bound: as set, or a second past the statement timeout (off when that is off). */
function unansweredBound(timeouts: DatabaseTimeouts): number {
  if (timeouts.unansweredMs !== undefined) return timeouts.unansweredMs;
  return timeouts.statementMs > 0 ? timeouts.statementMs + 1_000 : 0;
}

/** A connection pool's use at one moment. */
export interface PoolUse {
  /** Connections open, idle or in use. */
  readonly total: number;
  readonly idle: number;
  /** Queries waiting for a connection because every one is in use. */
  readonly waiting: number;
}

export interface WardenDb {
  readonly db: Kysely<Database>;
  readonly driver: DatabaseDriver;
  /** Postgres only: the pg Pool's use now (PGlite has one connection and no pool). */
  readonly poolUse?: () => PoolUse;
  close(): Promise<void>;
}

// int8 (global positions) stays a string; timestamps become Dates (pg's default).
export async function createDb(options: CreateDbOptions): Promise<WardenDb> {
  if (options.databaseUrl) {
    const timeouts = { ...DEFAULT_DATABASE_TIMEOUTS, ...options.timeouts };
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: timeouts.connectMs,
      options: `-c statement_timeout=${timeouts.statementMs} -c idle_in_transaction_session_timeout=${timeouts.idleInTransactionMs}`,
      // Statements marked as prepared (the event append) are planned once per connection; a dead
      // or silent connection fails its queries instead of the process (guarded-client.ts).
      Client: guardedClientClass(unansweredBound(timeouts)),
    });
    // Without a listener, an idle connection closed by the server is an uncaught 'error' event.
    pool.on('error', (error) => options.onIdleConnectionError?.(error));
    const db = new Kysely<Database>({ dialect: traced(new PostgresDialect({ pool }), options.sqlTracer) });
    return { db, driver: 'postgres', poolUse: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }), close: () => db.destroy() };
  }
  const dataDir = options.dataDir ?? '.warden';
  const open = (start: EmbeddedStart) => (options.embeddedOnThread ? openPGliteOnThread(start, options.onEmbeddedFailure) : openPGliteInProcess(start));
  let client: EmbeddedDatabase;
  let lock: DataDirectoryLock | undefined;
  if (dataDir === 'memory') client = await open({ directory: 'memory', template: options.template, fresh: true });
  else {
    const directory = join(resolve(dataDir), 'pgdata');
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    // Before PGlite reads a page: a second process on a live directory is refused, not corrupting it.
    lock = lockDataDirectory(resolve(dataDir));
    try {
      client = await open({ directory, template: options.template, fresh: !existsSync(join(directory, 'PG_VERSION')) });
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  // The dialect only queries and closes; on either thread, every statement goes through preparingPGlite.
  const db = new Kysely<Database>({ dialect: traced(new PGliteDialect(client as unknown as PGlite), options.sqlTracer) });
  return {
    db,
    driver: 'pglite',
    close: async () => {
      try {
        await db.destroy();
        if (!client.closed) await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

function traced(dialect: Dialect, tracer: SqlTracer | undefined): Dialect {
  return tracer ? tracedDialect(dialect, tracer) : dialect;
}
