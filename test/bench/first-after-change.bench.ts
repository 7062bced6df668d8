/**
 * The first `authorize` after a change to one of the principal's own policies, against the warm one
 * right after it, in process (`IamService`, no HTTP), on both stores in one run: embedded PGlite, and
 * Postgres with DATABASE_URL (database `warden_bench_first_after_change`). The principal has 10
 * customer managed policies of 10 statements (a third with a condition); each round makes a new
 * default version of one of them, then asks twice. Each request is timed from its epoch read (as a
 * signed request starts) to its answer. Reported per store, medians of BENCH_SAMPLES rounds
 * (default 20, after 10 unmeasured ones that prepare the miss's statements): the difference (target ≤ 1 ms), the warm request, and the miss's parts: the epoch
 * read, assembling the set (hashing the ten stored texts, compiling the one new version, the nine
 * others from the policy cache), the load statement and the rest; how many misses read only the changed policy (`Authorizer.partialLoads`); and what the hash check costs:
 * SHA-256 of the ten texts, against compiling the new version.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDb, migrateToLatest } from '@warden/db';
import { bootstrap, type Caller, IamService } from '@warden/iam';
import { compileStoredPolicy } from '@warden/policy';
import { freshBenchDatabaseUrl } from './bench-support.js';

const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 20);
const POLICIES = 10;
const STATEMENTS = 10;

/** Policy `p`: 10 statements on its own buckets, every third with a condition on the principal's tag (as churn.bench.ts). */
function policyDocument(p: number, version = 0): string {
  const Statement = Array.from({ length: STATEMENTS }, (_, s) => ({
    Sid: `P${p}S${s}V${version}`,
    Effect: 'Allow',
    Action: s % 2 ? ['s3:GetObject', 's3:ListBucket'] : [`s3:Get*`, 'dynamodb:GetItem'],
    Resource: [`arn:aws:s3:::bucket-${p}-${s}/*`, `arn:aws:dynamodb:us-east-1:*:table/t${p}${s}`],
    ...(s % 3 === 0 ? { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } } : {}),
  }));
  return JSON.stringify({ Version: '2012-10-17', Statement });
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(2)} ms`;

async function measure(name: string, databaseUrl: string | undefined): Promise<void> {
  const wardenDb = await createDb(databaseUrl ? { databaseUrl, poolSize: 4 } : { dataDir: 'memory' });
  try {
    const { db } = wardenDb;
    await migrateToLatest(db);
    const boot = await bootstrap({ db, masterKey: Buffer.alloc(32, 7), dataDir: mkdtempSync(join(tmpdir(), 'warden-bench-first-')), partition: 'aws', clock: { now: () => new Date() } });
    // Embedded, as the server runs: the process is the store's only writer.
    const iam = new IamService({ db, keyring: boot.keyring, ...(databaseUrl ? {} : { epochSource: 'process' as const }) });
    const management: Caller = { accountId: boot.managementAccountId, arn: `arn:aws:iam::${boot.managementAccountId}:root`, kind: 'root', requestContext: {} };
    const accountId = (await iam.accounts.create(management, { name: 'first-after-change' })).account.accountId;
    const root: Caller = { accountId, arn: `arn:aws:iam::${accountId}:root`, kind: 'root', requestContext: {} };
    const user = await iam.users.create(root, { userName: 'target', tags: [{ key: 'team', value: 'blue' }] });
    const arns: string[] = [];
    for (let p = 0; p < POLICIES; p++) {
      const policy = await iam.policies.create(root, { policyName: `p${p}`, policyDocument: policyDocument(p) });
      arns.push(policy.arn);
      await iam.users.attachPolicy(root, 'target', policy.arn);
    }

    // The parts of a miss, told by wrapping the authorizer's own steps (not changing them).
    const authorizer = iam.core.authorizer;
    let assembling = 0;
    let loading = 0;
    const policySet = authorizer.policySet.bind(authorizer);
    authorizer.policySet = (...args) => {
      const started = performance.now();
      try {
        return policySet(...args);
      } finally {
        assembling += performance.now() - started;
      }
    };
    const compiledPrincipal = authorizer.compiledPrincipal.bind(authorizer);
    authorizer.compiledPrincipal = async (...args) => {
      const started = performance.now();
      try {
        return await compiledPrincipal(...args);
      } finally {
        loading += performance.now() - started;
      }
    };

    const ask = async () => {
      assembling = 0;
      loading = 0;
      const started = performance.now();
      const accountEpoch = await iam.core.epochs.current(accountId);
      const epochRead = performance.now() - started;
      const answer = await iam.authorization.authorize({ ...root, accountEpoch: accountEpoch! }, { principal: user.arn, action: 's3:GetObject', resource: 'arn:aws:s3:::bucket-9-9/report.pdf' });
      if (answer.decision !== 'allow') throw new Error(`unexpected decision ${answer.decision}`);
      return { total: performance.now() - started, epochRead, assembling, loading };
    };
    // Warm-up, not measured: the first requests compile the hot code and prepare the statements.
    for (let i = 0; i < 200; i++) await ask();

    let partialBefore = authorizer.partialLoads;
    const first: Awaited<ReturnType<typeof ask>>[] = [];
    const warm: Awaited<ReturnType<typeof ask>>[] = [];
    const hashing: number[] = [];
    const compiling: number[] = [];
    // The first rounds are warm-up too: they prepare the miss's own statements on the pool's connections.
    const warmRounds = POLICIES;
    for (let i = 0; i < warmRounds + SAMPLES; i++) {
      if (i === warmRounds) {
        first.length = 0;
        warm.length = 0;
        hashing.length = 0;
        compiling.length = 0;
        partialBefore = authorizer.partialLoads;
      }
      const arn = arns[i % POLICIES]!;
      // Keeps each policy within AWS's five versions: the oldest non-default one goes first.
      if (i >= POLICIES) await iam.policies.deleteVersion(root, arn, `v${Math.floor(i / POLICIES)}`);
      await iam.policies.createVersion(root, arn, policyDocument(i % POLICIES, i + 1), true);
      first.push(await ask());
      warm.push(await ask());
      // What the hash check adds to a miss, beside what the miss compiles.
      const texts = Array.from({ length: POLICIES }, (_, p) => policyDocument(p, i + 1));
      let started = performance.now();
      for (const text of texts) createHash('sha256').update(text, 'utf8').digest('hex');
      hashing.push(performance.now() - started);
      started = performance.now();
      compileStoredPolicy({ name: 'p', document: texts[0]! }, 'identity');
      compiling.push(performance.now() - started);
    }
    const differences = first.map((run, index) => run.total - warm[index]!.total);
    const part = (runs: typeof first, key: keyof (typeof first)[number]) => median(runs.map((run) => run[key]));
    console.log(
      `  ${name}: first authorize after a new default version costs ${ms(median(differences))} more than the warm one (median of ${SAMPLES}; target ≤ 1 ms); ` +
        `first ${ms(part(first, 'total'))}, warm ${ms(part(warm, 'total'))}`,
    );
    console.log(
      `    the miss: epoch read ${ms(part(first, 'epochRead'))} (warm ${ms(part(warm, 'epochRead'))}), load and compile ${ms(part(first, 'loading'))}, ` +
        `of which assembling the set ${ms(part(first, 'assembling'))} (so the load statement about ${ms(median(first.map((run) => run.loading - run.assembling)))})`,
    );
    console.log(`    misses that read only the changed policy: ${authorizer.partialLoads - partialBefore} of ${SAMPLES}`);
    console.log(`    the hash check: SHA-256 of the ten stored texts ${ms(median(hashing))}, against compiling the one new version ${ms(median(compiling))}`);
  } finally {
    await wardenDb.close();
  }
}

const databaseUrl = await freshBenchDatabaseUrl('warden_bench_first_after_change');
console.log(
  `first authorize after a change, in process; load average before: ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}`,
);
await measure('embedded PGlite', undefined);
if (databaseUrl) await measure('Postgres', databaseUrl);
console.log(
  `load average after: ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}`,
);
