import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database, DatabaseUnavailableError, isDatabaseUnavailable, migrateToLatest, type WardenDb } from '../src/index.js';
import { embeddedOnWorker, threadScript } from '../src/pglite-on-thread.js';
import { migratedPGliteTemplate } from '../src/pglite-template.js';
import { preparedStatement } from '../src/prepared-statements.js';
import { HAS_PGLITE } from './test-databases.js';

/** What a statement gave: its rows and affected rows, or its error's message and own fields. */
async function outcome(db: Kysely<Database>, query: CompiledQuery): Promise<unknown> {
  try {
    const result = await db.executeQuery(query);
    return { rows: result.rows, numAffectedRows: result.numAffectedRows };
  } catch (error) {
    return { error: (error as Error).message, fields: { ...(error as object) } };
  }
}

// Values of every kind the store hands back (timestamps, bytes, JSON, int8, arrays, nulls), writes
// with their counts, a prepared statement twice, failures (a unique violation, a bad cast, a
// statement that does not parse) and the session after them, inside and outside a transaction.
const STATEMENTS: readonly CompiledQuery[] = [
  CompiledQuery.raw(`CREATE TEMP TABLE probe (id int PRIMARY KEY, body jsonb, at timestamptz, bytes bytea, big int8, tags text[], ok boolean)`),
  CompiledQuery.raw(`INSERT INTO probe VALUES ($1, $2, $3, $4, $5, $6, $7), (2, NULL, NULL, NULL, NULL, NULL, NULL)`, [
    1,
    JSON.stringify({ nested: { list: [1, 'two', null] }, text: 'ünïcode ✓' }),
    new Date('2026-12-06T10:00:00.123Z'),
    Buffer.from([0, 1, 254, 255]),
    '9007199254740993',
    ['a', 'b,c', ''],
    true,
  ]),
  CompiledQuery.raw(`SELECT * FROM probe ORDER BY id`),
  CompiledQuery.raw(preparedStatement('warden_probe_read', `SELECT id, body->'nested' AS nested FROM probe WHERE id = $1`), [1]),
  CompiledQuery.raw(preparedStatement('warden_probe_read', `SELECT id, body->'nested' AS nested FROM probe WHERE id = $1`), [2]),
  CompiledQuery.raw(`UPDATE probe SET ok = NOT coalesce(ok, false)`),
  CompiledQuery.raw(`INSERT INTO probe (id) VALUES (1)`),
  CompiledQuery.raw(`SELECT 'not a number'::int`),
  CompiledQuery.raw(`SELEC 1`),
  CompiledQuery.raw(`BEGIN`),
  CompiledQuery.raw(`DELETE FROM probe WHERE id = 2`),
  CompiledQuery.raw(`INSERT INTO probe (id) VALUES (1)`),
  CompiledQuery.raw(`SELECT count(*) FROM probe`),
  CompiledQuery.raw(`ROLLBACK`),
  CompiledQuery.raw(`SELECT id, ok, big, tags FROM probe ORDER BY id`),
];

describe.skipIf(!HAS_PGLITE)('the embedded store on a thread of its own', () => {
  let template: string;
  beforeAll(async () => {
    template = await migratedPGliteTemplate();
  });

  it('answers every statement exactly as the embedded store in process does: rows, counts and errors', async () => {
    const answers: unknown[][] = [];
    for (const embeddedOnThread of [false, true]) {
      const store = await createDb({ dataDir: 'memory', template, embeddedOnThread });
      try {
        // One connection for all of them: a temporary table and a transaction belong to a session.
        answers.push(await store.db.connection().execute(async (db) => Promise.all(STATEMENTS.map((query) => outcome(db, query)))));
      } finally {
        await store.close();
      }
    }
    const [inProcess, onThread] = answers;
    expect(onThread).toEqual(inProcess);
    // The comparison means something: values of each kind, a count, and the failures are there.
    const rows = (inProcess![2] as { rows: Record<string, unknown>[] }).rows;
    expect(rows[0]).toMatchObject({ id: 1, ok: true, tags: ['a', 'b,c', ''], body: { nested: { list: [1, 'two', null] }, text: 'ünïcode ✓' } });
    expect(rows[0]!['big']).toBeDefined();
    expect(rows[0]!['at']).toEqual(new Date('2026-12-06T10:00:00.123Z'));
    expect(Buffer.from(rows[0]!['bytes'] as Uint8Array)).toEqual(Buffer.from([0, 1, 254, 255]));
    expect((inProcess![5] as { numAffectedRows: bigint }).numAffectedRows).toBe(2n);
    expect(inProcess![6]).toMatchObject({ fields: { code: '23505', constraint: 'probe_pkey' } });
    expect(inProcess![7]).toMatchObject({ fields: { code: '22P02' } });
    expect(inProcess![8]).toMatchObject({ fields: { code: '42601' } });
    expect(inProcess![14]).toMatchObject({ rows: [{ id: 1 }, { id: 2 }] });
  });

  it('leaves the event loop free while a statement runs, where in process the statement holds it', async () => {
    const ticks: Record<'inProcess' | 'onThread', number> = { inProcess: 0, onThread: 0 };
    for (const [where, embeddedOnThread] of [
      ['inProcess', false],
      ['onThread', true],
    ] as const) {
      const store = await createDb({ dataDir: 'memory', template, embeddedOnThread });
      try {
        const ticker = setInterval(() => ticks[where]++, 5);
        await sql`SELECT pg_sleep(0.5)`.execute(store.db);
        clearInterval(ticker);
      } finally {
        await store.close();
      }
    }
    // Half a second of 5 ms ticks: in process none can run until the statement is over; on the
    // thread the loop keeps turning (a wide margin: a loaded machine still gives a few dozen).
    expect(ticks.inProcess).toBe(0);
    expect(ticks.onThread).toBeGreaterThanOrEqual(10);
  });

  it('runs a migrated store: the same migrations and the event store work through it', async () => {
    const store = await createDb({ dataDir: 'memory', template, embeddedOnThread: true });
    try {
      await migrateToLatest(store.db);
      const { rows } = await sql<{ count: string }>`SELECT count(*)::text AS count FROM events`.execute(store.db);
      expect(rows).toEqual([{ count: '0' }]);
    } finally {
      await store.close();
    }
  });

  it('fails waiting and later statements as unavailable when its thread dies, and never hangs them', async () => {
    const worker = new Worker(threadScript(), { workerData: { directory: 'memory', template, fresh: true } });
    const failures: Error[] = [];
    const store = await embeddedOnWorker(worker, (error) => failures.push(error));
    expect((await store.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const waiting = store.query('SELECT pg_sleep(2)');
    await worker.terminate();
    await expect(waiting).rejects.toBeInstanceOf(DatabaseUnavailableError);
    const later = await store.query('SELECT 1').catch((error: unknown) => error);
    expect(isDatabaseUnavailable(later)).toBe(true);
    expect(store.closed).toBe(true);
    // Told once; and a store that was never closed does not say it closed cleanly.
    expect(failures).toHaveLength(1);
    expect(isDatabaseUnavailable(failures[0])).toBe(true);
    await expect(store.close()).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });

  it('is not told of a failure when it is closed, and a start that fails leaves nothing open', async () => {
    const failures: Error[] = [];
    const worker = new Worker(threadScript(), { workerData: { directory: 'memory', template, fresh: true } });
    const store = await embeddedOnWorker(worker, (error) => failures.push(error));
    await store.close();
    await new Promise((done) => setTimeout(done, 50));
    expect(failures).toEqual([]);

    const dataDir = mkdtempSync(join(tmpdir(), 'warden-thread-start-'));
    const missing = join(dataDir, 'no-such-template.tar');
    await expect(createDb({ dataDir, template: missing, embeddedOnThread: true })).rejects.toMatchObject({ code: 'ENOENT' });
    // The data directory's lock was given back: the same directory opens now.
    const reopened = await createDb({ dataDir, template, embeddedOnThread: true });
    await reopened.close();
  });

  it('refuses statements once closed, and closes once however often it is asked', async () => {
    const store: WardenDb = await createDb({ dataDir: 'memory', template, embeddedOnThread: true });
    await store.close();
    await store.close();
    await expect(sql`SELECT 1`.execute(store.db)).rejects.toThrow();
  });

  it('keeps a process alive while a statement waits on it, and not once it is idle', async () => {
    const dbModule = new URL('../dist/index.js', import.meta.url).href;
    // Nothing else keeps these processes alive: the first must still print its answer, and the
    // second, which never closes its store, must end by itself.
    const script = (close: boolean) => `
      const { createDb } = await import(${JSON.stringify(dbModule)});
      const store = await createDb({ dataDir: 'memory', template: ${JSON.stringify(template)}, embeddedOnThread: true });
      const { rows } = await store.db.executeQuery({ sql: 'SELECT pg_sleep(0.3), 42 AS answer', parameters: [], query: { kind: 'RawNode' } });
      console.log(rows[0].answer);
      ${close ? 'await store.close();' : ''}`;
    const run = promisify(execFile);
    const directory = mkdtempSync(join(tmpdir(), 'warden-thread-'));
    for (const close of [true, false]) {
      const file = join(directory, `${close ? 'closing' : 'idle'}.mjs`);
      writeFileSync(file, script(close));
      const { stdout } = await run(process.execPath, [file], { timeout: 60_000, cwd: fileURLToPath(new URL('..', import.meta.url)) });
      expect(stdout.trim()).toBe('42');
    }
    // Two node processes, each opening PGlite: 3.5 s idle, 12–13 s on a loaded machine.
  }, 150_000);
});
