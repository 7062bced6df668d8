/**
 * Does a page of the audit log answer in under 100 ms over an account of 1,000,000 call records?
 * One account with BENCH_AUDIT_RECORDS records (default 1,000,000) spread over 30 daily partitions
 * and BENCH_AUDIT_EVENTS events (default 100,000), beside four other accounts with a tenth as many
 * records each, all made in SQL (generate_series); then ANALYZE, as autovacuum would after such a
 * load. Measured: the first page (first: 50) with no filter and with each filter, and a deeper page
 * (the page after the 1,000th entry, through its cursor), each BENCH_AUDIT_RUNS times (default 30)
 * through `iam.audit.log` (the transaction with row security, the permission check, both sources
 * read and merged), p50 and p95. Embedded PGlite (in a temporary directory), or with DATABASE_URL a
 * fresh database `warden_bench_audit_query` on that server.
 */
import { createDb, migrateToLatest } from '@warden/db';
import { type AuditFilter, bootstrap, type Caller, IamService } from '@warden/iam';
import { sql } from 'kysely';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshBenchDatabaseUrl } from './bench-support.js';

const RECORDS = Number(process.env['BENCH_AUDIT_RECORDS'] ?? 1_000_000);
const EVENTS = Number(process.env['BENCH_AUDIT_EVENTS'] ?? 100_000);
const RUNS = Number(process.env['BENCH_AUDIT_RUNS'] ?? 30);
const OTHER_ACCOUNTS = 4;
const DAYS = 30;

/**
 * BENCH_AUDIT_KEEP_DIR (embedded only): the data directory to load into and keep, so that a later run
 * (of this build or another, side by side) measures the same data without loading it again. Its
 * accounts are noted beside it (`DIR.json`); a directory without that note is loaded anew.
 */
const keepDir = process.env['BENCH_AUDIT_KEEP_DIR'];
const note = keepDir && `${keepDir}.json`;
const kept = note && existsSync(note) ? (JSON.parse(readFileSync(note, 'utf8')) as { accounts: string[]; keyDir: string; loadedAt: string }) : undefined;

const databaseUrl = keepDir ? undefined : await freshBenchDatabaseUrl('audit_query');
const wardenDb = await createDb(databaseUrl ? { databaseUrl, poolSize: 4, timeouts: { statementMs: 600_000 } } : { dataDir: keepDir ?? mkdtempSync(join(tmpdir(), 'warden-bench-audit-query-')) });
await migrateToLatest(wardenDb.db);
const keyDir = kept?.keyDir ?? mkdtempSync(join(tmpdir(), 'warden-bench-audit-'));
const boot = await bootstrap({ db: wardenDb.db, masterKey: Buffer.alloc(32, 9), dataDir: keyDir, partition: 'aws', clock: { now: () => new Date() } });
const iam = new IamService({ db: wardenDb.db, keyring: boot.keyring });
const management: Caller = { accountId: boot.managementAccountId, arn: `arn:aws:iam::${boot.managementAccountId}:root`, kind: 'root', requestContext: {} };
const rootOf = (accountId: string): Caller => ({ accountId, arn: `arn:aws:iam::${accountId}:root`, kind: 'root', requestContext: {} });
const accounts: string[] = kept?.accounts ?? [];
if (!kept) for (let i = 0; i <= OTHER_ACCOUNTS; i++) accounts.push((await iam.accounts.create(management, { name: `bench-audit-${i}` })).account.accountId);
const accountId = accounts[0]!;
const root = rootOf(accountId);

console.log(`audit query benchmark on ${databaseUrl ? 'Postgres' : 'embedded PGlite'}: ${RECORDS} records and ${EVENTS} events in one account, ${OTHER_ACCOUNTS} other accounts`);
const setupStart = performance.now();
if (kept) console.log(`  the data loaded in ${keepDir} at ${kept.loadedAt}`);
else {
  await sql`SELECT warden_prepare_api_call_partitions((now() AT TIME ZONE 'UTC')::date - ${DAYS}::int, ${DAYS + 2}::int)`.execute(wardenDb.db);

  /**
   * Record i of an account: 150 users and 50 roles (each role's calls by its sessions), 40 operations,
   * 70% successful reads, 20% denied, 10% failed with one of 5 codes, sources over 10.0.0.0/14, each
   * naming one of 1,000 users; spread evenly over the last DAYS days, newest first.
   */
  async function loadRecords(account: string, count: number): Promise<void> {
    const chunk = 100_000;
    for (let start = 0; start < count; start += chunk) {
      const end = Math.min(count, start + chunk) - 1;
      await sql`
      INSERT INTO api_calls (account_id, occurred_at, request_id, operation, read_only, outcome, error_code, error_message, caller_arn, principal_arn, session_id, source_ip, resource_arns)
      SELECT ${account}, now() - (i::float8 / ${count} * ${DAYS}) * interval '1 day', 'req-' || i, 'iam:Operation' || (i % 40),
        i % 10 < 7,
        CASE WHEN i % 10 < 7 THEN 'success' WHEN i % 10 < 9 THEN 'denied' ELSE 'failed' END,
        CASE WHEN i % 10 < 7 THEN NULL WHEN i % 10 < 9 THEN 'AccessDenied' ELSE (ARRAY['NoSuchEntity', 'EntityAlreadyExists', 'LimitExceeded', 'InvalidInput', 'MalformedPolicyDocument'])[1 + (i / 10) % 5] END,
        CASE WHEN i % 10 < 7 THEN NULL ELSE 'the call did not succeed' END,
        CASE WHEN i % 200 < 150 THEN 'arn:aws:iam::' || ${account} || ':user/u' || (i % 200) ELSE 'arn:aws:sts::' || ${account} || ':assumed-role/r' || (i % 200) || '/s' || (i % 7) END,
        CASE WHEN i % 200 < 150 THEN 'arn:aws:iam::' || ${account} || ':user/u' || (i % 200) ELSE 'arn:aws:iam::' || ${account} || ':role/r' || (i % 200) END,
        CASE WHEN i % 200 < 150 THEN NULL ELSE 's' || (i % 7) END,
        ('10.' || (i % 4) || '.' || ((i / 4) % 256) || '.' || (i % 251))::inet,
        ARRAY['arn:aws:iam::' || ${account} || ':user/target' || (i % 1000)]
      FROM generate_series(${start}::int, ${end}::int) AS i`.execute(wardenDb.db);
    }
  }

  await loadRecords(accountId, RECORDS);
  for (const other of accounts.slice(1)) await loadRecords(other, Math.floor(RECORDS / 10));
  // Events of ten-event streams, between the records in time, by the same principals.
  await sql`
  INSERT INTO events (account_id, stream_id, stream_version, type, data, metadata, occurred_at)
  SELECT ${accountId}, 'user/bench' || (i / 10), i % 10, (ARRAY['UserCreated', 'UserTagged', 'PolicyAttachedToUser', 'AccessKeyCreated', 'UserDeleted'])[1 + i % 5],
    jsonb_build_object('n', i),
    jsonb_build_object('actorArn', 'arn:aws:iam::' || ${accountId} || ':user/u' || (i % 150), 'sourceIp', '10.' || (i % 4) || '.0.' || (i % 251), 'resourceArn', 'arn:aws:iam::' || ${accountId} || ':user/target' || (i % 1000)),
    now() - ((i::float8 + 0.5) / ${EVENTS} * ${DAYS}) * interval '1 day'
  FROM generate_series(0, ${EVENTS - 1}::int) AS i`.execute(wardenDb.db);
  await sql`ANALYZE api_calls`.execute(wardenDb.db);
  await sql`ANALYZE events`.execute(wardenDb.db);
  console.log(`  set-up: ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);
  if (note) writeFileSync(note, JSON.stringify({ accounts, keyDir, loadedAt: new Date().toISOString() }));
}

const user = `arn:aws:iam::${accountId}:user/u7`;
const hour = 3600_000;
const cases: [string, AuditFilter][] = [
  ['no filter', {}],
  ['principal: a user', { principal: user }],
  ["principal: a role (its sessions' calls)", { principal: `arn:aws:iam::${accountId}:role/r170` }],
  ['principal: a session', { principal: `arn:aws:sts::${accountId}:assumed-role/r170/s2` }],
  ['resource (named by 1 call in 1,000)', { resourceArn: `arn:aws:iam::${accountId}:user/target42` }],
  ['resource named by no call', { resourceArn: `arn:aws:iam::${accountId}:user/nobody` }],
  ['operation', { operations: ['iam:Operation7'] }],
  ['event type', { eventTypes: ['UserTagged'] }],
  ['outcome DENIED', { outcomes: ['DENIED'] }],
  ['outcome SUCCESS', { outcomes: ['SUCCESS'] }],
  ['error code', { errorCodes: ['NoSuchEntity'] }],
  ['source IP, a /16 (a quarter of the calls)', { sourceIp: '10.1.0.0/16' }],
  ['source IP, one address', { sourceIp: '10.2.17.3' }],
  ['time range, one hour ten days ago', { from: new Date(Date.now() - 10 * 24 * hour - hour), to: new Date(Date.now() - 10 * 24 * hour) }],
  ['principal and outcome', { principal: user, outcomes: ['DENIED'] }],
];

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;

async function measure(label: string, filter: AuditFilter, after: string | null): Promise<void> {
  const times: number[] = [];
  let size = 0;
  for (let run = 0; run < RUNS + 3; run++) {
    const start = performance.now();
    const page = await iam.audit.log(root, filter, { first: 51, after });
    const elapsed = performance.now() - start;
    size = page.length;
    if (run >= 3) times.push(elapsed); // the first three warm the caches
  }
  console.log(`  ${label.padEnd(46)} p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(times, 95).toFixed(1).padStart(6)} ms   (${size} entries)`);
}

for (const [label, filter] of cases) await measure(label, filter, null);
// Deeper: the page after the 1,000th entry, by its cursor.
let after: string | null = null;
for (let page = 0; page < 10; page++) after = (await iam.audit.log(root, {}, { first: 100, after })).at(-1)!.cursor;
await measure('no filter, after the 1,000th entry', {}, after);
let afterDenied: string | null = null;
for (let page = 0; page < 10; page++) afterDenied = (await iam.audit.log(root, { outcomes: ['DENIED'] }, { first: 100, after: afterDenied })).at(-1)!.cursor;
await measure('outcome DENIED, after the 1,000th entry', { outcomes: ['DENIED'] }, afterDenied);
await wardenDb.close();
