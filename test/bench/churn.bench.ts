/**
 * `authorize` while the tenant changes, on both stores in one run: an embedded server (PGlite) and,
 * with DATABASE_URL, a Postgres server (database `warden_bench_churn`). The principal asked about
 * has 10 customer managed policies of 10 statements (a third of them with a condition); the account
 * has 1,000 users. Three phases, interleaved in BENCH_ROUNDS rounds (default 3) per store, each
 * BENCH_SECONDS long (default 10) with 50 connections:
 * - quiet: nothing is written;
 * - same account: 50 writes/s tag other users of the principal's account;
 * - other account: 50 writes/s tag users of another account;
 * - on Postgres, a control: the same writes to the other account sent to a second server on the
 *   same database, which the readers never ask, so that what the readers lose is the machine's CPU
 *   alone (the writes' own, their database's and their client's), none of it their server's work.
 * The writes are sent from a worker thread (churn-writer.ts), not from the load generator's.
 * Reported per store: each phase's req/s relative to quiet's in the same round (targets ≥ 0.90 and
 * ≥ 0.95), its p99 against quiet's (target ≤ 1.5×), the server's CPU per request, and the writes
 * that landed. Each round also has the writes alone to each account (no readers, half a phase
 * long each), which gives what a write costs the server in that round; taken out of a phase's server CPU, what is left is
 * the readers' own CPU per `authorize`, against quiet's: what invalidation costs them, apart from
 * the CPU the writes themselves take on a machine whose cores the readers share. The same writes
 * alone also give what a write costs the rest of the machine (Postgres, the writer's client), and
 * so the share of its cores the writes take from the readers, all told.
 * Then the first authorize after a change to one of the principal's own policies (a new default
 * version) against the warm one right after it, one request at a time: the median of 20 differences
 * (target ≤ 1 ms).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WriteOrder } from './churn-writer.js';
import {
  type AccessKey,
  cpuMs,
  createBenchTenant,
  freshBenchDatabaseUrl,
  graphql,
  loadServer,
  mainThreadCpuMs,
  postgresCpuMs,
  postgresCpuMsSince,
  signed,
  startProcess,
  wardenServerEnv,
} from './bench-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CONNECTIONS = 50;
const USERS = 1000;
const WRITES_PER_SECOND = 50;
/** The machine's cores, which the readers, the writes, Postgres and the load generator share. */
const CORES = availableParallelism();
const POLICIES = 10;
const STATEMENTS = 10;

/** Policy `p`: 10 statements on its own buckets, every third with a condition on the principal's tag. */
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

interface Store {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  readonly tenantRoot: AccessKey;
  readonly otherRoot: AccessKey;
  readonly principal: string;
  readonly policyArns: readonly string[];
  /**
   * On Postgres, a second server on the same database, which the readers never ask: the control
   * phase sends it the other account's writes, so that the readers' server does nothing for them.
   */
  readonly secondUrl: string | undefined;
  readonly stop: () => void;
}

async function startServer(databaseUrl: string | undefined) {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-churn-'));
  const server = await startProcess(
    process.execPath,
    [join(root, 'services', 'api', 'bin', 'warden.js'), 'serve'],
    { ...wardenServerEnv({ dataDir, databaseUrl, logLevel: 'warn' }), LOG_LEVEL: 'info' },
    /"url":"(http:\/\/[^"]+)"/,
    join(dataDir, 'warden.log'),
  );
  return { dataDir, child: server.child, url: server.match[1]! };
}

async function startStore(name: string, databaseUrl: string | undefined): Promise<Store> {
  const server = await startServer(databaseUrl);
  const { url, dataDir } = server;
  const managementKey = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8')) as AccessKey;
  const { accountId, tenantRoot } = await createBenchTenant(url, managementKey);
  const other = await createBenchTenant(url, managementKey);
  await graphql(url, tenantRoot, 'mutation { tagUser(input: { userName: "reader", tags: [{ key: "team", value: "blue" }] }) { __typename } }');
  const policyArns: string[] = [];
  for (let p = 0; p < POLICIES; p++) {
    const created = await graphql<{ createPolicy: { data: { arn: string } } }>(
      url,
      tenantRoot,
      'mutation($n: String!, $d: String!) { createPolicy(input: { policyName: $n, policyDocument: $d }) { ... on CreatePolicySuccess { data { arn } } } }',
      { n: `churn-${p}`, d: policyDocument(p) },
    );
    policyArns.push(created.createPolicy.data.arn);
    await graphql(url, tenantRoot, 'mutation($a: String!) { attachUserPolicy(input: { userName: "reader", policyArn: $a }) { __typename } }', { a: created.createPolicy.data.arn });
  }
  for (const [key, count] of [
    [tenantRoot, USERS],
    [other.tenantRoot, 100],
  ] as const) {
    for (let i = 0; i < count; i += 16) {
      await Promise.all(
        Array.from({ length: Math.min(16, count - i) }, (_, j) => graphql(url, key, 'mutation($n: String!) { createUser(input: { userName: $n }) { __typename } }', { n: `user${i + j}` })),
      );
    }
  }
  const second = databaseUrl ? await startServer(databaseUrl) : undefined;
  // Warmed as the readers' server is by setting up: a cold server's first writes would cost the control's first round more.
  if (second)
    for (let i = 0; i < 100; i++)
      await graphql(second.url, other.tenantRoot, 'mutation($n: String!, $v: String!) { tagUser(input: { userName: $n, tags: [{ key: "warm", value: $v }] }) { __typename } }', {
        n: `user${i}`,
        v: String(i),
      });
  return {
    name,
    url,
    secondUrl: second?.url,
    pid: server.child.pid!,
    tenantRoot,
    otherRoot: other.tenantRoot,
    principal: `arn:aws:iam::${accountId}:user/reader`,
    policyArns,
    stop: () => {
      server.child.kill('SIGTERM');
      second?.child.kill('SIGTERM');
    },
  };
}

/**
 * The writer thread (churn-writer.ts), started once for the whole run: starting a thread costs
 * tens of milliseconds of CPU, which a thread per phase would take from that phase's readers.
 */
const writerThread = new Worker(join(here, 'churn-writer.js'), { workerData: { perSecond: WRITES_PER_SECOND } });

/** Tags users of the account of `key` at `WRITES_PER_SECOND` through the server at `url`, from the writer thread, until stopped. */
function writeContinuously(url: string, key: AccessKey, users: number): { stop: () => Promise<number> } {
  writerThread.postMessage({ url, key, users } satisfies WriteOrder);
  return {
    // Refused, not waited for forever, if the thread ends instead of answering.
    stop: () =>
      new Promise<number>((resolve, reject) => {
        const ended = (reason: unknown) => reject(new Error(`the writer thread ended: ${String(reason)}`));
        writerThread.once('error', ended).once('exit', ended);
        writerThread.once('message', (landed: number) => {
          writerThread.off('error', ended).off('exit', ended);
          resolve(landed);
        });
        writerThread.postMessage('stop');
      }),
  };
}

/**
 * The writes alone, no readers: what a write costs the server (the whole process, and its main
 * thread), and what it costs the rest of this machine, whose cores the readers share: Postgres
 * (every postgres process; nothing on the embedded store, whose database is the server's own
 * thread) and the writer's client (this process, idle but for the writer meanwhile).
 * Each account's apart: the other account's 100 users have streams ten times as long to fold.
 */
async function writesAlone(store: Store, writes: 'same' | 'other'): Promise<{ cpuMsPerWrite: number; mainThreadMsPerWrite: number; postgresMsPerWrite: number; writerMsPerWrite: number }> {
  const writer = writes === 'same' ? writeContinuously(store.url, store.tenantRoot, USERS) : writeContinuously(store.url, store.otherRoot, 100);
  const cpuBefore = cpuMs(store.pid);
  const mainBefore = mainThreadCpuMs(store.pid);
  const postgresBefore = postgresCpuMs();
  const writerBefore = cpuMs(process.pid);
  await new Promise((done) => setTimeout(done, (SECONDS * 1000) / 2));
  const landed = await writer.stop();
  const perWrite = (ms: number) => ms / Math.max(1, landed);
  return {
    cpuMsPerWrite: perWrite(cpuMs(store.pid) - cpuBefore),
    mainThreadMsPerWrite: perWrite(mainThreadCpuMs(store.pid) - mainBefore),
    postgresMsPerWrite: perWrite(postgresCpuMsSince(postgresBefore)),
    writerMsPerWrite: perWrite(cpuMs(process.pid) - writerBefore),
  };
}

const AUTHORIZE = `query($input: AuthorizeInput!) { authorize(input: $input) { ... on AuthorizeSuccess { data { decision } } } }`;

/** The writes of a phase: none, to the readers' account, to another account, or to another account through the second server. */
type PhaseWrites = 'quiet' | 'same' | 'other' | 'other, second server';

async function phase(store: Store, body: string, writes: PhaseWrites) {
  // Signed for each phase: a signature is refused 15 minutes after its date, and a run of many rounds lasts longer.
  const headers = await signed(store.url, store.tenantRoot, body);
  const writer =
    writes === 'quiet'
      ? undefined
      : writes === 'same'
        ? writeContinuously(store.url, store.tenantRoot, USERS)
        : writeContinuously(writes === 'other' ? store.url : store.secondUrl!, store.otherRoot, 100);
  const run = await loadServer(store.url, body, headers, store.pid, { connections: CONNECTIONS, seconds: SECONDS });
  const landed = writer ? await writer.stop() : 0;
  return { ...run, landed };
}

async function timed(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  const answer = (await response.json()) as { data?: { authorize?: { data?: { decision?: string } } } };
  const elapsed = performance.now() - started;
  if (answer.data?.authorize?.data?.decision !== 'allow') throw new Error(`unexpected answer ${JSON.stringify(answer)}`);
  return elapsed;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const stores: Store[] = [];
try {
  stores.push(await startStore('embedded PGlite', undefined));
  const databaseUrl = await freshBenchDatabaseUrl('churn');
  if (databaseUrl) stores.push(await startStore('Postgres', databaseUrl));
  console.log(
    `churn benchmark: ${stores.map((store) => store.name).join(' and ')}; load average before: ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  );

  const prepared = await Promise.all(
    stores.map(async (store) => {
      const body = JSON.stringify({ query: AUTHORIZE, variables: { input: { principal: store.principal, action: 's3:GetObject', resource: `arn:aws:s3:::bucket-9-9/report.pdf` } } });
      const headers = await signed(store.url, store.tenantRoot, body);
      // Warm-up, not measured: the first seconds of load compile the hot code.
      await loadServer(store.url, body, headers, store.pid, { connections: CONNECTIONS, seconds: 5 });
      return { store, body };
    }),
  );

  const results = new Map<
    string,
    {
      quiet: Awaited<ReturnType<typeof phase>>;
      same: Awaited<ReturnType<typeof phase>>;
      other: Awaited<ReturnType<typeof phase>>;
      otherOnSecond: Awaited<ReturnType<typeof phase>> | undefined;
      writes: Record<'same' | 'other', Awaited<ReturnType<typeof writesAlone>>>;
    }[]
  >();
  for (let round = 0; round < ROUNDS; round++) {
    for (const { store, body } of prepared) {
      const quiet = await phase(store, body, 'quiet');
      const same = await phase(store, body, 'same');
      const other = await phase(store, body, 'other');
      const otherOnSecond = store.secondUrl ? await phase(store, body, 'other, second server') : undefined;
      const writes = { same: await writesAlone(store, 'same'), other: await writesAlone(store, 'other') };
      results.set(store.name, [...(results.get(store.name) ?? []), { quiet, same, other, otherOnSecond, writes }]);
    }
  }
  console.log(`authorize under churn, ${CONNECTIONS} connections, ${SECONDS}s per phase, ${ROUNDS} interleaved rounds; load average now ${loadavg()[0]!.toFixed(2)}:`);
  for (const [name, rounds] of results) {
    for (const [index, run] of rounds.entries()) {
      const describe = (label: string, value: Awaited<ReturnType<typeof phase>>) =>
        `${label} ${Math.round(value.perSecond)} req/s (p99 ${value.p99} ms, server ${Math.round(value.cpuUsPerRequest)} µs CPU/request${value.landed ? `, ${value.landed} writes` : ''})`;
      console.log(
        `  ${name} round ${index + 1}: ${describe('quiet', run.quiet)} | ${describe('same account', run.same)} ratio ${(run.same.perSecond / run.quiet.perSecond).toFixed(2)} | ${describe('other account', run.other)} ratio ${(run.other.perSecond / run.quiet.perSecond).toFixed(2)}${
          run.otherOnSecond ? ` | ${describe('other account through a second server', run.otherOnSecond)} ratio ${(run.otherOnSecond.perSecond / run.quiet.perSecond).toFixed(2)}` : ''
        }`,
      );
    }
    const same = median(rounds.map((run) => run.same.perSecond / run.quiet.perSecond));
    const other = median(rounds.map((run) => run.other.perSecond / run.quiet.perSecond));
    const p99 = median(rounds.map((run) => Math.max(run.same.p99, run.other.p99) / Math.max(1, run.quiet.p99)));
    // The readers' own server CPU per authorize: the phase's, less its writes at the round's cost of one.
    const readers = (run: (typeof rounds)[number], writes: 'same' | 'other') =>
      (run[writes].cpuMs - run[writes].landed * run.writes[writes].cpuMsPerWrite) / Math.max(1, run[writes].requests) / (run.quiet.cpuMs / Math.max(1, run.quiet.requests));
    const perWrite = (writes: 'same' | 'other') => rounds.map((run) => `${run.writes[writes].cpuMsPerWrite.toFixed(2)} (main thread ${run.writes[writes].mainThreadMsPerWrite.toFixed(2)})`).join(', ');
    console.log(`  ${name} a write alone costs the server, in ms of CPU: same account ${perWrite('same')}; other account ${perWrite('other')}`);
    // What the writes take from the machine's cores, all told: the readers' ceiling in a phase
    // whose writes invalidate nothing of theirs (the other account's), where quiet's load keeps both busy.
    const machine = (writes: 'same' | 'other') =>
      rounds
        .map((run) => {
          const { cpuMsPerWrite, postgresMsPerWrite, writerMsPerWrite } = run.writes[writes];
          const total = cpuMsPerWrite + postgresMsPerWrite + writerMsPerWrite;
          return `${total.toFixed(2)} (server ${cpuMsPerWrite.toFixed(2)}, Postgres ${postgresMsPerWrite.toFixed(2)}, writer ${writerMsPerWrite.toFixed(2)}; ${((100 * total * WRITES_PER_SECOND) / (1000 * CORES)).toFixed(1)}% of ${CORES} cores)`;
        })
        .join(', ');
    console.log(`  ${name} a write alone costs this machine, in ms of CPU: same account ${machine('same')}; other account ${machine('other')}`);
    console.log(
      `  ${name} the readers' own CPU per authorize (the phase's, less its writes at that cost) against quiet's: same account ${rounds
        .map((run) => readers(run, 'same').toFixed(2))
        .join(', ')}; other account ${rounds.map((run) => readers(run, 'other').toFixed(2)).join(', ')}`,
    );
    console.log(`  ${name} medians: same account ${same.toFixed(2)} of quiet (target ≥ 0.90), other account ${other.toFixed(2)} (target ≥ 0.95), worst p99 ${p99.toFixed(2)}× quiet's (target ≤ 1.5)`);
    // The control: the same writes, which the readers' server never sees. What the readers lose then is the machine's CPU alone.
    const onSecond = rounds.flatMap((run) => (run.otherOnSecond ? [run.otherOnSecond.perSecond / run.quiet.perSecond] : []));
    if (onSecond.length > 0) console.log(`  ${name} control: other account's writes through a second server on the same database, median ${median(onSecond).toFixed(2)} of quiet`);
  }

  for (const { store, body } of prepared) {
    const headers = await signed(store.url, store.tenantRoot, body);
    const differences: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) {
      const arn = store.policyArns[i % POLICIES]!;
      // Keeps each policy within AWS's five versions: the oldest non-default one goes first.
      if (i >= POLICIES)
        await graphql(store.url, store.tenantRoot, 'mutation($a: String!, $v: String!) { deletePolicyVersion(input: { policyArn: $a, versionId: $v }) { __typename } }', {
          a: arn,
          v: `v${Math.floor(i / POLICIES)}`,
        });
      await graphql(store.url, store.tenantRoot, 'mutation($a: String!, $d: String!) { createPolicyVersion(input: { policyArn: $a, policyDocument: $d, setAsDefault: true }) { __typename } }', {
        a: arn,
        d: policyDocument(i % POLICIES, i + 1),
      });
      const first = await timed(store.url, body, headers);
      const next = await timed(store.url, body, headers);
      differences.push(first - next);
      warm.push(next);
    }
    console.log(
      `  ${store.name}: first authorize after a new default version of one of the principal's policies costs ${median(differences).toFixed(2)} ms more than the warm one (median of 20; warm ${median(warm).toFixed(2)} ms; target ≤ 1 ms)`,
    );
  }
} finally {
  for (const store of stores) store.stop();
  await writerThread.terminate();
}
