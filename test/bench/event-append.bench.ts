/**
 * Event append throughput with 16 concurrent writers, one event per command, durable commit, next
 * to a plain single-row INSERT into an identically shaped table, measured side by side in the same
 * run (interleaved rounds; the ratio is the figure that matters on a shared machine).
 */
import { randomInt } from 'node:crypto';
import { appendToStream, createDb, migrateToLatest, preparedStatement } from '@warden/db';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';

const databaseUrl = process.env['DATABASE_URL'];
const WRITERS = 16;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const ROUNDS = 3;

if (!databaseUrl) {
  console.log('event append: skipped (needs DATABASE_URL: 16 concurrent writers mean nothing on the single-connection embedded database)');
  process.exit(0);
}

// A database of its own, so that the event log starts as empty as the plain table it is compared with.
const admin = new pg.Client({ connectionString: databaseUrl });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS warden_bench_append');
await admin.query('CREATE DATABASE warden_bench_append');
const benchUrl = new URL(databaseUrl);
benchUrl.pathname = '/warden_bench_append';
const wardenDb = await createDb({ databaseUrl: benchUrl.toString(), poolSize: WRITERS + 2 });
const { db } = wardenDb;
await migrateToLatest(db);
// Same columns, defaults, identity, constraints and indexes as the event log; no row-level security.
await sql`DROP TABLE IF EXISTS bench_plain_events`.execute(db);
await sql`CREATE TABLE bench_plain_events (LIKE events INCLUDING ALL)`.execute(db);

const metadata = JSON.stringify({ actorArn: 'arn:aws:iam::111122223333:user/bench', requestId: 'bench' });
const data = { userName: 'bench', path: '/', tags: [] };

async function runFor(seconds: number, writer: (index: number, n: number) => Promise<void>): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  const counts = await Promise.all(
    Array.from({ length: WRITERS }, async (_, index) => {
      let n = 0;
      while (Date.now() < deadline) await writer(index, n++);
      return n;
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0) / seconds;
}

const runId = randomInt(1_000_000_000);

// The baseline as any Kysely app sends it (unnamed, parsed and planned per call), and the same
// INSERT prepared once per connection the way the append statement is: the stricter comparison.
const plainVersions = new Map<string, number>();
const nextPlainVersion = (key: string) => {
  const n = (plainVersions.get(key) ?? -1) + 1;
  plainVersions.set(key, n);
  return n;
};
const plainInsert = async (index: number) => {
  const streamId = `s${runId}-${index}`;
  await sql`INSERT INTO bench_plain_events (account_id, stream_id, stream_version, type, data, metadata, occurred_at) VALUES (${'bench'}, ${streamId}, ${nextPlainVersion(streamId)}, 'UserCreated', ${JSON.stringify(data)}, ${metadata}, now())`.execute(
    db,
  );
};
const PREPARED_PLAIN_INSERT = preparedStatement(
  'bench_plain_insert',
  `INSERT INTO bench_plain_events (account_id, stream_id, stream_version, type, data, metadata, occurred_at) VALUES ($1, $2, $3, 'UserCreated', $4, $5, now())`,
);
const preparedPlainInsert = async (index: number) => {
  const streamId = `p${runId}-${index}`;
  await db.executeQuery(CompiledQuery.raw(PREPARED_PLAIN_INSERT, ['bench', streamId, nextPlainVersion(streamId), JSON.stringify(data), metadata]));
};

const versions = new Map<number, number>();
const eventAppend = async (index: number) => {
  const accountId = String(100_000_000_000 + index);
  const streamId = `bench-user/${runId}-${index}`;
  const expectedVersion = versions.get(index) ?? -1;
  // One command, one event, its own durable transaction: a single round trip (the prepared append statement).
  await appendToStream(db, { accountId, streamId, expectedVersion, events: [{ type: 'UserCreated', data }], metadata: { actorArn: 'arn:aws:iam::111122223333:user/bench' }, occurredAt: new Date() });
  versions.set(index, expectedVersion + 1);
};

const plain: number[] = [];
const preparedPlain: number[] = [];
const appended: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  plain.push(await runFor(SECONDS, plainInsert));
  preparedPlain.push(await runFor(SECONDS, preparedPlainInsert));
  appended.push(await runFor(SECONDS, eventAppend));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`event append, ${WRITERS} writers, ${ROUNDS} interleaved rounds of ${SECONDS}s (medians):`);
console.log(`  plain single-row INSERT: ${Math.round(median(plain)).toLocaleString('en-US')} rows/s`);
console.log(`  plain single-row INSERT, prepared: ${Math.round(median(preparedPlain)).toLocaleString('en-US')} rows/s`);
console.log(`  appendToStream (account binding, locks, version check, insert, commit; prepared): ${Math.round(median(appended)).toLocaleString('en-US')} events/s`);
console.log(`  ratio to the plain INSERT: ${(median(appended) / median(plain)).toFixed(2)} (target ≥ 0.70); to the prepared plain INSERT: ${(median(appended) / median(preparedPlain)).toFixed(2)}`);
await wardenDb.close();
await admin.query('DROP DATABASE warden_bench_append');
await admin.end();
