/**
 * Does generating credential reports slow the hot path? `authorize` throughput (in process, 8
 * concurrent callers, the principal's policies cached as in the server) while reports of an
 * account with BENCH_REPORT_USERS users (default 500, each with an access key) are generated back
 * to back, next to the same load with none generated: interleaved rounds in the same run, the ratio
 * is the figure. Also each generation's time. Embedded PGlite, or with DATABASE_URL a fresh
 * database `warden_bench_audit_report` on that server.
 *
 * Knobs: BENCH_SECONDS (per round, default 5), BENCH_ROUNDS (default 3), BENCH_REPORT_USERS.
 */
import { createDb, migrateToLatest } from '@warden/db';
import { bootstrap, type Caller, IamService } from '@warden/iam';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshBenchDatabaseUrl } from './bench-support.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const USERS = Number(process.env['BENCH_REPORT_USERS'] ?? 500);
const CALLERS = 8;

const databaseUrl = await freshBenchDatabaseUrl('credential_report');
const wardenDb = await createDb(databaseUrl ? { databaseUrl, poolSize: CALLERS + 4 } : { dataDir: 'memory' });
await migrateToLatest(wardenDb.db);
// A clock that moves four hours at each generation, so that every one makes a new report instead of reusing the last.
let now = new Date();
const clock = { now: () => now };
const boot = await bootstrap({ db: wardenDb.db, masterKey: Buffer.alloc(32, 9), dataDir: mkdtempSync(join(tmpdir(), 'warden-bench-report-')), partition: 'aws', clock });
const iam = new IamService({ db: wardenDb.db, keyring: boot.keyring, clock });
const management: Caller = { accountId: boot.managementAccountId, arn: `arn:aws:iam::${boot.managementAccountId}:root`, kind: 'root', requestContext: {} };
const created = await iam.accounts.create(management, { name: 'bench-report' });
const root: Caller = { accountId: created.account.accountId, arn: `arn:aws:iam::${created.account.accountId}:root`, kind: 'root', requestContext: {} };

console.log(`credential report benchmark on ${databaseUrl ? 'Postgres' : 'embedded PGlite'}: ${USERS} users with a key each`);
const setupStart = performance.now();
for (let i = 0; i < USERS; i++) {
  await iam.users.create(root, { userName: `user-${i}` });
  await iam.accessKeys.create(root, `user-${i}`);
}
const reader = await iam.users.create(root, { userName: 'reader' });
await iam.users.attachPolicy(root, 'reader', 'arn:aws:iam::aws:policy/ReadOnlyAccess');
console.log(`  set-up: ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

const check = { principal: reader.arn, action: 'iam:GetUser', resource: `arn:aws:iam::${root.accountId}:user/user-1` };
if ((await iam.authorization.authorize(root, check)).decision !== 'allow') throw new Error('the benchmark check is not allowed');

async function authorizeFor(seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const counts = await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      let n = 0;
      while (performance.now() < deadline) {
        await iam.authorization.authorize(root, check);
        n++;
      }
      return n;
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0) / seconds;
}

const generationMs: number[] = [];
async function generateUntil(stop: () => boolean): Promise<void> {
  while (!stop()) {
    now = new Date(now.getTime() + 4 * 3600 * 1000);
    const start = performance.now();
    const generated = await iam.credentialReports.generate(root);
    if (generated.state !== 'STARTED') throw new Error(`a generation did not start: ${generated.state}`);
    await iam.credentialReports.settled();
    const report = await iam.credentialReports.get(root);
    generationMs.push(performance.now() - start);
    if (report.content.split('\n').length !== USERS + 3) throw new Error('the report does not have a row per user');
  }
}

await authorizeFor(1); // warm-up
const idle: number[] = [];
const generating: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  idle.push(await authorizeFor(SECONDS));
  let done = false;
  const generation = generateUntil(() => done);
  generating.push(await authorizeFor(SECONDS));
  done = true;
  await generation;
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`  authorize, no report generated:       ${idle.map((value) => value.toFixed(0)).join(', ')} checks/s (median ${median(idle).toFixed(0)})`);
console.log(`  authorize, reports generated meanwhile: ${generating.map((value) => value.toFixed(0)).join(', ')} checks/s (median ${median(generating).toFixed(0)})`);
console.log(`  ratio (with / without): ${(median(generating) / median(idle)).toFixed(2)}`);
console.log(`  generations: ${generationMs.length}, median ${median(generationMs).toFixed(0)} ms each (${USERS} users)`);
await wardenDb.close();
