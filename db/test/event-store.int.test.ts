import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendToStream,
  commitHorizon,
  ConcurrencyError,
  createDb,
  cursorBelow,
  cursorOf,
  inAccountTransaction,
  lockForAppend,
  lockingColumnExpression,
  migrateToLatest,
  NO_STREAM,
  readEventsAfter,
  readStream,
  START_OF_LOG,
  type WardenDb,
} from '../src/index.js';
import { PGlite } from '@electric-sql/pglite';
import { preparedStatement, preparingPGlite } from '../src/prepared-statements.js';
import { KEPT_ACCOUNT_CHANGES, scopedLockKey } from '../src/event-store.js';
import { DRIVERS, HAS_PGLITE, HAS_POSTGRES, randomAccountId, withDriver } from './test-databases.js';

/** A promise and what settles it: one transaction is held open while another acts. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

const metadata = { actorArn: 'arn:aws:iam::111122223333:user/alice', requestId: 'r-1', sourceIp: '203.0.113.1' };
const at = new Date('2026-11-28T12:00:00Z');

describe.each(DRIVERS)('event store on $name', (driver) => {
  let wardenDb: WardenDb;
  beforeAll(async () => {
    wardenDb = await driver.open();
  });
  afterAll(async () => {
    await wardenDb.close();
  });

  const append = (accountId: string, streamId: string, expectedVersion: number, types: string[]) =>
    inAccountTransaction(wardenDb.db, accountId, (trx) =>
      appendToStream(trx, { accountId, streamId, expectedVersion, events: types.map((type) => ({ type, data: { type } })), metadata, occurredAt: at }),
    );

  it('appends to a new stream and reads it back in order with its metadata', async () => {
    const account = randomAccountId();
    const stored = await append(account, 'test-user/AIDA1', NO_STREAM, ['UserCreated', 'UserTagged']);
    expect(stored.map((event) => event.streamVersion)).toEqual([0, 1]);
    const more = await append(account, 'test-user/AIDA1', 1, ['UserUntagged']);
    expect(more[0]!.streamVersion).toBe(2);
    expect(BigInt(more[0]!.globalPosition)).toBeGreaterThan(BigInt(stored[1]!.globalPosition));
    const read = await inAccountTransaction(wardenDb.db, account, (trx) => readStream(trx, account, 'test-user/AIDA1'));
    expect(read.map((event) => event.type)).toEqual(['UserCreated', 'UserTagged', 'UserUntagged']);
    expect(read[0]!.metadata).toEqual(metadata);
    expect(read[0]!.data).toEqual({ type: 'UserCreated' });
    expect(read[0]!.occurredAt.toISOString()).toBe(at.toISOString());
  });

  it('refuses an append whose expected version is stale, writing nothing', async () => {
    const account = randomAccountId();
    await append(account, 'test-group/AGPA1', NO_STREAM, ['GroupCreated']);
    await expect(append(account, 'test-group/AGPA1', NO_STREAM, ['GroupCreated'])).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(append(account, 'test-group/AGPA1', 5, ['GroupDeleted'])).rejects.toMatchObject({ expectedVersion: 5, actualVersion: 0 });
    const read = await inAccountTransaction(wardenDb.db, account, (trx) => readStream(trx, account, 'test-group/AGPA1'));
    expect(read).toHaveLength(1);
  });

  it('lets exactly one of many racing appends with the same expected version land', async () => {
    const account = randomAccountId();
    await append(account, 'test-user/RACE', NO_STREAM, ['UserCreated']);
    const attempts = await Promise.allSettled(Array.from({ length: 10 }, () => append(account, 'test-user/RACE', 0, ['PolicyAttachedToUser'])));
    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
    for (const attempt of attempts) if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(ConcurrencyError);
  });

  it('row-level security: an account transaction sees and writes only its own account', async () => {
    const mine = randomAccountId();
    const theirs = randomAccountId();
    await append(theirs, 'test-user/SECRET', NO_STREAM, ['UserCreated']);
    // A query that forgets its account filter still sees only the bound account's rows.
    const visible = await inAccountTransaction(wardenDb.db, mine, (trx) => trx.selectFrom('events').select('account_id').where('stream_id', '=', 'test-user/SECRET').execute());
    expect(visible).toEqual([]);
    await expect(
      append(theirs, 'test-user/SPOOF', NO_STREAM, ['UserCreated']).then(() =>
        inAccountTransaction(wardenDb.db, mine, (trx) =>
          sql`INSERT INTO events (account_id, stream_id, stream_version, type, data, metadata, occurred_at) VALUES (${theirs}, 'x', 0, 'X', '{}', '{}', now())`.execute(trx),
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('appends on a bare connection as a transaction of its own, with the same version rules', async () => {
    const account = randomAccountId();
    const bare = (expectedVersion: number, types: string[]) =>
      appendToStream(wardenDb.db, { accountId: account, streamId: 'test-user/BARE', expectedVersion, events: types.map((type) => ({ type, data: { type } })), metadata, occurredAt: at });
    const first = await bare(NO_STREAM, ['UserCreated', 'UserTagged', 'UserUntagged']);
    expect(first.map((event) => event.streamVersion)).toEqual([0, 1, 2]);
    // Positions follow stream order within one append (readers replay in position order).
    const positions = first.map((event) => BigInt(event.globalPosition));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(new Set(first.map((event) => event.transactionId)).size).toBe(1);
    await expect(bare(NO_STREAM, ['UserCreated'])).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(bare(1, ['UserTagged'])).rejects.toBeInstanceOf(ConcurrencyError);
    // A gap is refused too, and reports where the stream really is.
    await expect(bare(7, ['UserTagged'])).rejects.toMatchObject({ expectedVersion: 7, actualVersion: 2 });
    expect((await bare(2, ['UserDeleted']))[0]!.streamVersion).toBe(3);
    const read = await inAccountTransaction(wardenDb.db, account, (trx) => readStream(trx, account, 'test-user/BARE'));
    expect(read.map((event) => event.type)).toEqual(['UserCreated', 'UserTagged', 'UserUntagged', 'UserDeleted']);
  });

  it('refuses an append inside a transaction not bound to its account, writing nothing, whatever version it expects', async () => {
    const account = randomAccountId();
    const other = randomAccountId();
    await append(account, 'test-user/UNBOUND', NO_STREAM, ['UserCreated']);
    // Expecting -1 (a new stream), 0 (its real version) and 5 (a gap): the binding is refused before
    // the version is looked at, so a gap is never reported in its place.
    for (const expectedVersion of [NO_STREAM, 0, 5]) {
      const request = { accountId: account, streamId: 'test-user/UNBOUND', expectedVersion, events: [{ type: 'UserTagged', data: {} }], metadata, occurredAt: at };
      // An unbound transaction block: whatever ran after the append would run without the account's role.
      await expect(wardenDb.db.transaction().execute((trx) => appendToStream(trx, request))).rejects.toMatchObject({ code: '42501' });
      // A transaction bound to another account.
      await expect(inAccountTransaction(wardenDb.db, other, (trx) => appendToStream(trx, request))).rejects.toThrow(/bound to account .* cannot append to account/);
    }
    const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events WHERE account_id = ${account}`.execute(wardenDb.db);
    expect(count.rows[0]!.n).toBe(1);
  });

  it('keeps the last KEPT_ACCOUNT_CHANGES change records of an account, one dropped as each write adds one', async () => {
    const account = randomAccountId();
    await inAccountTransaction(wardenDb.db, account, (trx) => sql`INSERT INTO accounts (account_id, name, created_at) VALUES (${account}, 'changes', now())`.execute(trx));
    const writes = KEPT_ACCOUNT_CHANGES + 5;
    for (let version = NO_STREAM; version < writes - 1; version++) {
      await inAccountTransaction(wardenDb.db, account, (trx) =>
        appendToStream(trx, {
          accountId: account,
          streamId: 'test-user/CHANGES',
          expectedVersion: version,
          events: [{ type: 'UserTagged', data: {} }],
          metadata,
          occurredAt: at,
          epochChange: `user/AIDA${version + 1}`,
        }),
      );
    }
    const kept = await inAccountTransaction(wardenDb.db, account, async (trx) => {
      const records = await sql<{
        n: number;
        first: string;
        last: string;
      }>`SELECT count(*)::int AS n, min(epoch)::text AS first, max(epoch)::text AS last FROM account_changes WHERE account_id = ${account}`.execute(trx);
      const epoch = await sql<{ epoch: string }>`SELECT change_epoch::text AS epoch FROM accounts WHERE account_id = ${account}`.execute(trx);
      const newest = await sql<{ changed: string }>`SELECT changed FROM account_changes WHERE account_id = ${account} AND epoch = ${writes}`.execute(trx);
      return { ...records.rows[0]!, epoch: epoch.rows[0]!.epoch, newest: newest.rows[0]?.changed };
    });
    expect(kept).toEqual({ n: KEPT_ACCOUNT_CHANGES, first: String(writes - KEPT_ACCOUNT_CHANGES + 1), last: String(writes), epoch: String(writes), newest: `user/AIDA${writes - 1}` });
  });

  it('an async consumer reads after its cursor, in order, only committed work', async () => {
    const account = randomAccountId();
    const first = await append(account, 'test-user/A', NO_STREAM, ['UserCreated']);
    await append(account, 'test-user/B', NO_STREAM, ['UserCreated']);
    const page = await readEventsAfter(wardenDb.db, START_OF_LOG, { limit: 10_000, accountId: account });
    expect(page.map((event) => event.streamId)).toEqual(['test-user/A', 'test-user/B']);
    const rest = await readEventsAfter(wardenDb.db, cursorOf(first[0]!), { limit: 10, accountId: account });
    expect(rest.map((event) => event.streamId)).toEqual(['test-user/B']);
  });
});

describe.skipIf(!HAS_POSTGRES)('a lock taken by the statement that finds an entity (Postgres)', () => {
  it('is the very lock lockForAppend takes for the entity’s stream, held until the transaction ends', async () => {
    await withDriver('postgres', async (wardenDb) => {
      const account = randomAccountId();
      const foundAndLocked = signal();
      const mayEnd = signal();
      let found: { id: string; locked: string }[] = [];
      const finder = inAccountTransaction(wardenDb.db, account, async (trx) => {
        try {
          found = (await sql<{ id: string; locked: string }>`SELECT t.id, ${lockingColumnExpression(account, 'stream/test-user/', 't.id')} AS locked FROM (VALUES ('LOCKED1')) AS t(id)`.execute(trx))
            .rows;
        } finally {
          foundAndLocked.fire();
        }
        await mayEnd.promise;
      });
      await foundAndLocked.promise;
      // count(*) of the one lock taken (a bigint: text from pg).
      expect(found).toEqual([{ id: 'LOCKED1', locked: '1' }]);
      // Another transaction asks for the stream's lock as lockForAppend would take it: refused while the finder is open.
      const tryStreamLock = () => sql<{ got: boolean }>`SELECT pg_try_advisory_xact_lock(hashtextextended(${scopedLockKey(account, 'stream/test-user/LOCKED1')}, 0)) AS got`.execute(wardenDb.db);
      expect((await tryStreamLock()).rows[0]!.got).toBe(false);
      mayEnd.fire();
      await finder;
      expect((await tryStreamLock()).rows[0]!.got).toBe(true);
    });
  });
});

describe.skipIf(!HAS_POSTGRES)('gap-free reading on Postgres', () => {
  it('a transaction that takes its position early and commits late is still read by a consumer past it', async () => {
    await withDriver('postgres', async (wardenDb) => {
      const account = randomAccountId();
      const slowMayCommit = signal();
      const slowHasAppended = signal();
      const slow = inAccountTransaction(wardenDb.db, account, async (trx) => {
        await appendToStream(trx, { accountId: account, streamId: 'test-user/SLOW', expectedVersion: NO_STREAM, events: [{ type: 'UserCreated', data: {} }], metadata, occurredAt: at });
        slowHasAppended.fire();
        await slowMayCommit.promise;
      });
      await slowHasAppended.promise;
      await inAccountTransaction(wardenDb.db, account, (trx) =>
        appendToStream(trx, { accountId: account, streamId: 'test-user/FAST', expectedVersion: NO_STREAM, events: [{ type: 'UserCreated', data: {} }], metadata, occurredAt: at }),
      );
      // While the slow transaction is open, the consumer must not run ahead past it.
      const whileOpen = await readEventsAfter(wardenDb.db, START_OF_LOG, { limit: 100, accountId: account });
      expect(whileOpen).toEqual([]);
      slowMayCommit.fire();
      await slow;
      const afterCommit = await readEventsAfter(wardenDb.db, START_OF_LOG, { limit: 100, accountId: account });
      expect(afterCommit.map((event) => event.streamId)).toEqual(['test-user/SLOW', 'test-user/FAST']);
    });
  });
});

describe.skipIf(!HAS_POSTGRES)('reading below a commit horizon on Postgres', () => {
  it('a reader that moves its cursor just below the horizon it took still reads a transaction that was open then', async () => {
    await withDriver('postgres', async (wardenDb) => {
      const account = randomAccountId();
      const slowMayCommit = signal();
      const slowHasAppended = signal();
      const slow = inAccountTransaction(wardenDb.db, account, async (trx) => {
        await appendToStream(trx, { accountId: account, streamId: 'test-user/SLOW', expectedVersion: NO_STREAM, events: [{ type: 'UserCreated', data: {} }], metadata, occurredAt: at });
        slowHasAppended.fire();
        await slowMayCommit.promise;
      });
      await slowHasAppended.promise;
      await inAccountTransaction(wardenDb.db, account, (trx) =>
        appendToStream(trx, { accountId: account, streamId: 'test-user/FAST', expectedVersion: NO_STREAM, events: [{ type: 'UserCreated', data: {} }], metadata, occurredAt: at }),
      );
      const horizon = await commitHorizon(wardenDb.db);
      expect(await readEventsAfter(wardenDb.db, START_OF_LOG, { limit: 100, accountId: account, horizon })).toEqual([]);
      // A short page: nothing is left below the horizon, so the reader may move past it.
      const cursor = cursorBelow(horizon);
      slowMayCommit.fire();
      await slow;
      const afterCommit = await readEventsAfter(wardenDb.db, cursor, { limit: 100, accountId: account, horizon: await commitHorizon(wardenDb.db) });
      expect(afterCommit.map((event) => event.streamId)).toEqual(['test-user/SLOW', 'test-user/FAST']);
      const narrowed = await readEventsAfter(wardenDb.db, cursor, { limit: 100, accountId: account, narrow: (query) => query.where('stream_id', '=', 'test-user/FAST') });
      expect(narrowed.map((event) => event.streamId)).toEqual(['test-user/FAST']);
    });
  });
});

describe.skipIf(!HAS_POSTGRES)('the append statement on Postgres', () => {
  it("takes its uniqueness keys' locks before it draws a position, so holders of one key commit in position order", async () => {
    await withDriver('postgres', async (wardenDb) => {
      const account = randomAccountId();
      const holderMayAppend = signal();
      const holderHasLocked = signal();
      const holder = inAccountTransaction(wardenDb.db, account, async (trx) => {
        await lockForAppend(trx, account, 'test-user/FIRST', ['user-name/bob']);
        holderHasLocked.fire();
        await holderMayAppend.promise;
        return appendToStream(trx, {
          accountId: account,
          streamId: 'test-user/FIRST',
          expectedVersion: NO_STREAM,
          events: [{ type: 'UserCreated', data: {} }],
          metadata,
          occurredAt: at,
          lockKeys: ['user-name/bob'],
        });
      });
      await holderHasLocked.promise;
      let waiterSettled = false;
      const waiter = appendToStream(wardenDb.db, {
        accountId: account,
        streamId: 'test-user/SECOND',
        expectedVersion: NO_STREAM,
        events: [{ type: 'UserCreated', data: {} }],
        metadata,
        occurredAt: at,
        lockKeys: ['user-name/bob'],
      }).finally(() => {
        waiterSettled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(waiterSettled).toBe(false);
      holderMayAppend.fire();
      const [first] = await holder;
      const [second] = await waiter;
      expect(BigInt(second!.globalPosition)).toBeGreaterThan(BigInt(first!.globalPosition));
    });
  });

  it('appends on a bare connection whose role row-level security applies to, and reports a gap with the real version', async () => {
    await withDriver('postgres', async (wardenDb) => {
      const account = randomAccountId();
      await wardenDb.db.connection().execute(async (connection) => {
        // The whole session as warden_app (no BYPASSRLS, not the owner): each bare append must bind itself.
        await sql`SET ROLE warden_app`.execute(connection);
        try {
          const bare = (expectedVersion: number) =>
            appendToStream(connection, { accountId: account, streamId: 'test-user/RLS', expectedVersion, events: [{ type: 'UserTagged', data: {} }], metadata, occurredAt: at });
          expect((await bare(NO_STREAM))[0]!.streamVersion).toBe(0);
          expect((await bare(0))[0]!.streamVersion).toBe(1);
          await expect(bare(4)).rejects.toMatchObject({ expectedVersion: 4, actualVersion: 1 });
          await expect(bare(0)).rejects.toBeInstanceOf(ConcurrencyError);
          // Unbound again after each statement: the binding was LOCAL to the append's own transaction.
          const visible = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events WHERE account_id = ${account}`.execute(connection);
          expect(visible.rows[0]!.n).toBe(0);
        } finally {
          await sql`RESET ROLE`.execute(connection);
        }
      });
      const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events WHERE account_id = ${account}`.execute(wardenDb.db);
      expect(stored.rows[0]!.n).toBe(2);
    });
  });

  it('is prepared once per connection and then planned no more', async () => {
    const wardenDb = await createDb({ databaseUrl: process.env['DATABASE_URL']!, poolSize: 1 });
    try {
      await migrateToLatest(wardenDb.db);
      const account = randomAccountId();
      for (let version = NO_STREAM; version < 10; version++) {
        await appendToStream(wardenDb.db, { accountId: account, streamId: 'test-user/PREPARED', expectedVersion: version, events: [{ type: 'UserTagged', data: {} }], metadata, occurredAt: at });
      }
      const prepared = await sql<{ name: string; generic_plans: string }>`SELECT name, generic_plans::text FROM pg_prepared_statements`.execute(wardenDb.db);
      expect(prepared.rows.map((row) => row.name)).toEqual(['warden_append_one']);
      // The first five runs are planned for their values; then Postgres keeps the generic plan, unless
      // the statement's generic plan costs much more than its custom ones (then preparing gains nothing).
      expect(Number(prepared.rows[0]!.generic_plans)).toBeGreaterThan(0);
    } finally {
      await wardenDb.close();
    }
  });
});

describe.skipIf(!HAS_PGLITE)('the append statement on the embedded database', () => {
  it('is prepared once per session, and an error (a stale writer, a bad binding) leaves the session usable', async () => {
    await withDriver('pglite', async (wardenDb) => {
      const account = randomAccountId();
      const bare = (expectedVersion: number, types = ['UserTagged']) =>
        appendToStream(wardenDb.db, { accountId: account, streamId: 'test-user/LITE', expectedVersion, events: types.map((type) => ({ type, data: { type } })), metadata, occurredAt: at });
      await bare(NO_STREAM, ['UserCreated', 'UserTagged']);
      await expect(bare(0)).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(
        inAccountTransaction(wardenDb.db, randomAccountId(), (trx) =>
          appendToStream(trx, { accountId: account, streamId: 'test-user/LITE', expectedVersion: 1, events: [{ type: 'X', data: {} }], metadata, occurredAt: at }),
        ),
      ).rejects.toMatchObject({ code: '42501' });
      for (let version = 1; version < 8; version++) expect((await bare(version))[0]!.streamVersion).toBe(version + 1);
      const read = await inAccountTransaction(wardenDb.db, account, (trx) => readStream(trx, account, 'test-user/LITE'));
      expect(read.map((event) => event.streamVersion)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(read[0]!.data).toEqual({ type: 'UserCreated' });
      expect(read[0]!.occurredAt.toISOString()).toBe(at.toISOString());
      const prepared = await sql<{ name: string; generic_plans: string }>`SELECT name, generic_plans::text FROM pg_prepared_statements WHERE name LIKE 'warden_append%' ORDER BY name`.execute(
        wardenDb.db,
      );
      expect(prepared.rows.map((row) => row.name)).toEqual(['warden_append_many', 'warden_append_one']);
      expect(Number(prepared.rows.find((row) => row.name === 'warden_append_one')!.generic_plans)).toBeGreaterThan(0);
    });
  });

  it('sends a prepared statement with its Sync in one call: a failed one leaves the session usable, and a name sent with another text is refused', async () => {
    const client = new PGlite();
    const wrapped = preparingPGlite(client);
    try {
      const divide = preparedStatement('divide_check', 'SELECT 10 / $1::int AS quotient');
      expect((await wrapped.query<{ quotient: number }>(divide, [2])).rows).toEqual([{ quotient: 5 }]);
      await expect(wrapped.query(divide, [0])).rejects.toMatchObject({ code: '22012' });
      // The session went back to idle: the next statement, prepared or not, runs.
      expect((await wrapped.query<{ quotient: number }>(divide, [5])).rows).toEqual([{ quotient: 2 }]);
      expect((await wrapped.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      expect(client.isInTransaction()).toBe(false);
      await expect(wrapped.query(preparedStatement('divide_check', 'SELECT 20 / $1::int AS quotient'), [2])).rejects.toThrow(/two texts/);
      // A parameter PGlite cannot serialize is refused after the Parse was sent, and the session goes on.
      await expect(wrapped.query('SELECT $1::boolean AS flag', ['not a boolean'])).rejects.toThrow(/boolean/);
      expect(client.isInTransaction()).toBe(false);
      expect((await wrapped.query<{ flag: boolean }>('SELECT $1::boolean AS flag', [true])).rows).toEqual([{ flag: true }]);
      // A failure inside a transaction leaves it aborted, as any statement's does, and ROLLBACK ends it.
      await wrapped.query('BEGIN');
      await expect(wrapped.query(divide, [0])).rejects.toMatchObject({ code: '22012' });
      await expect(wrapped.query('SELECT 1 AS one')).rejects.toMatchObject({ code: '25P02' });
      await wrapped.query('ROLLBACK');
      expect((await wrapped.query<{ quotient: number }>(divide, [1])).rows).toEqual([{ quotient: 10 }]);
    } finally {
      await wrapped.close();
    }
  });

  it('refuses a prepared statement on a closed instance at once, as PGlite refuses any other', async () => {
    const client = new PGlite();
    const wrapped = preparingPGlite(client);
    await wrapped.close();
    await expect(wrapped.query(preparedStatement('closed_check', 'SELECT 1 AS one'))).rejects.toThrow(/closed/);
    await expect(wrapped.query('SELECT 1 AS one')).rejects.toThrow(/closed/);
  });
});
