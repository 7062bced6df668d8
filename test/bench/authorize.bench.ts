/**
 * `authorize` over GraphQL on a real Warden server (a child process, embedded PGlite or the
 * DATABASE_URL Postgres), one check per SigV4-signed request, next to a stock yoga server answering
 * a constant on the same schema shape, measured in the same run with autocannon (50 connections,
 * load generator on the same 2 cores). Also: many checks in one request (authorizeBatch), and the
 * server's resident memory under load with 10,000 users in the account.
 *
 * Knobs: BENCH_SECONDS (per round, default 10), BENCH_ROUNDS (default 3), BENCH_WARMUP_SECONDS
 * (unmeasured load on each server first, default 5), BENCH_USERS (default
 * 10,000), BENCH_ONLY_SINGLE (stop after the single-check rounds), BENCH_PROFILE_DIR (write the
 * server's CPU profile there), BENCH_NODE_FLAGS (extra node flags for the server, e.g. GC settings).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { type AccessKey, type CreatedAccount, freshBenchDatabaseUrl, graphql, loadServer, signed, startProcess, wardenServerEnv } from './bench-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = 50;

const load = (url: string, body: string, headers: Record<string, string>, pid: number) => loadServer(url, body, headers, pid, { connections: CONNECTIONS, seconds: SECONDS });

// Warden on a fresh store: a new data directory (embedded), or with DATABASE_URL a fresh database
// `warden_bench` on that server, so that the bootstrap writes its credentials file for us.
const dataDir = mkdtempSync(join(tmpdir(), 'warden-bench-'));
const benchDatabaseUrl = await freshBenchDatabaseUrl();
const driver = benchDatabaseUrl ? 'Postgres' : 'embedded PGlite';
const wardenEnv = wardenServerEnv({ dataDir, databaseUrl: benchDatabaseUrl, logLevel: 'warn' });
const profile = [
  ...(process.env['BENCH_PROFILE_DIR'] ? [`--cpu-prof`, `--cpu-prof-dir=${process.env['BENCH_PROFILE_DIR']}`] : []),
  ...(process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean),
];
const warden = await startProcess(
  process.execPath,
  [...profile, join(root, 'services', 'api', 'bin', 'warden.js'), 'serve'],
  { ...wardenEnv, LOG_LEVEL: 'info' },
  /"url":"(http:\/\/[^"]+)"/,
  join(dataDir, 'warden.log'),
);
const wardenUrl = warden.match[1]!;
const stock = await startProcess(process.execPath, [join(here, 'stock-yoga-server.js')], { ...process.env, NODE_ENV: 'production' }, /^(\d+)\n/, join(dataDir, 'stock.log'));
const stockUrl = `http://127.0.0.1:${stock.match[1]}/graphql`;

try {
  // The management account's root creates a tenant; its root holds the keys used below.
  const managementKey = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8')) as AccessKey;
  console.log(`authorize benchmark on ${driver}`);
  const tenant = await graphql<CreatedAccount>(
    wardenUrl,
    managementKey,
    'mutation { createAccount(input: { name: "bench" }) { ... on CreateAccountSuccess { data { account { accountId } rootAccessKey { accessKeyId secretAccessKey } } } } }',
  );
  const { accountId } = tenant.createAccount.data.account;
  const tenantRoot = tenant.createAccount.data.rootAccessKey;
  await graphql(wardenUrl, tenantRoot, 'mutation { createUser(input: { userName: "reader" }) { __typename } }');
  await graphql(wardenUrl, tenantRoot, 'mutation { attachUserPolicy(input: { userName: "reader", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }) { __typename } }');
  const users = Number(process.env['BENCH_USERS'] ?? 10_000);
  const started = Date.now();
  for (let i = 0; i < users; i += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, users - i) }, (_, j) => graphql(wardenUrl, tenantRoot, 'mutation($n: String!) { createUser(input: { userName: $n }) { __typename } }', { n: `user${i + j}` })),
    );
  }
  console.log(`setup: ${users.toLocaleString('en-US')} users created over GraphQL in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const principal = `arn:aws:iam::${accountId}:user/reader`;
  const authorizeQuery = `query($input: AuthorizeInput!) { authorize(input: $input) { ... on AuthorizeSuccess { data { decision allowed reason matchedStatements { sid effect } } } } }`;
  const single = JSON.stringify({ query: authorizeQuery, variables: { input: { principal, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.pdf' } } });
  const wardenHeaders = await signed(wardenUrl, tenantRoot, single);
  const stockHeaders = { 'content-type': 'application/json' };
  await graphql(wardenUrl, tenantRoot, authorizeQuery, { input: { principal, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.pdf' } });

  const rounds: { stock: Awaited<ReturnType<typeof load>>; warden: Awaited<ReturnType<typeof load>> }[] = [];
  const roundCount = process.env['BENCH_SKIP_SINGLE'] ? 0 : Number(process.env['BENCH_ROUNDS'] ?? 3);
  // Warm-up, not measured, for both servers alike: the first seconds of load are spent compiling
  // the hot code, which is not what either server costs when it runs.
  const warmUpSeconds = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 5);
  if (roundCount > 0 && warmUpSeconds > 0) {
    await autocannon({ url: stockUrl, method: 'POST', headers: stockHeaders, body: single, connections: CONNECTIONS, duration: warmUpSeconds });
    await autocannon({ url: wardenUrl, method: 'POST', headers: wardenHeaders, body: single, connections: CONNECTIONS, duration: warmUpSeconds });
  }
  for (let round = 0; round < roundCount; round++) {
    const stockRun = await load(stockUrl, single, stockHeaders, stock.child.pid!);
    const wardenRun = await load(wardenUrl, single, wardenHeaders, warden.child.pid!);
    rounds.push({ stock: stockRun, warden: wardenRun });
  }
  console.log(`authorize, one check per signed request, ${CONNECTIONS} connections, ${SECONDS}s, ${rounds.length} interleaved rounds after ${warmUpSeconds}s of warm-up each:`);
  for (const [index, run] of rounds.entries()) {
    console.log(
      `  round ${index + 1}: stock yoga constant ${Math.round(run.stock.perSecond)} req/s (p50 ${run.stock.p50} ms, p99 ${run.stock.p99} ms, ${Math.round(run.stock.cpuUsPerRequest)} µs server CPU/request) | Warden authorize ${Math.round(run.warden.perSecond)} req/s (p50 ${run.warden.p50} ms, p99 ${run.warden.p99} ms, ${Math.round(run.warden.cpuUsPerRequest)} µs server CPU/request) | ratio ${(run.warden.perSecond / run.stock.perSecond).toFixed(2)} (target ≥ 3)`,
    );
  }

  if (rounds.length > 0) {
    const ratios = rounds.map((run) => run.warden.perSecond / run.stock.perSecond).sort((a, b) => a - b);
    console.log(`  median ratio ${ratios[Math.floor(ratios.length / 2)]!.toFixed(2)} (lowest ${ratios[0]!.toFixed(2)}, highest ${ratios[ratios.length - 1]!.toFixed(2)})`);
  }

  // BENCH_ONLY_SINGLE: stop after the single-check rounds (for profiling that path alone).
  if (process.env['BENCH_ONLY_SINGLE']) process.exitCode = 0;
  else {
    const batchSize = 1000;
    const batch = JSON.stringify({
      query: 'query($r: [AuthorizeInput!]!) { authorizeBatch(input: { requests: $r }) { ... on AuthorizeBatchSuccess { data { decision } } } }',
      variables: { r: Array.from({ length: batchSize }, (_, i) => ({ principal, action: i % 2 ? 's3:GetObject' : 's3:PutObject', resource: `arn:aws:s3:::reports/${i}` })) },
    });
    const batchRun = await autocannon({ url: wardenUrl, method: 'POST', headers: await signed(wardenUrl, tenantRoot, batch), body: batch, connections: 4, duration: SECONDS });
    console.log(`authorizeBatch, ${batchSize} checks per request: ${Math.round(batchRun.requests.average * batchSize).toLocaleString('en-US')} decisions/s (target ≥ 200,000)`);
    // assumeRole per second: each call evaluates the trust policy, issues a session (an event) and
    // schedules its expiry.
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }] });
    await graphql(wardenUrl, tenantRoot, 'mutation($t: String!) { createRole(input: { roleName: "bench-role", assumeRolePolicyDocument: $t }) { __typename } }', { t: trust });
    const readerKey = (
      await graphql<{ createAccessKey: { data: AccessKey } }>(
        wardenUrl,
        tenantRoot,
        'mutation { createAccessKey(input: { userName: "reader" }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
      )
    ).createAccessKey.data;
    const assume = JSON.stringify({
      query: 'mutation($r: String!) { assumeRole(input: { roleArn: $r, roleSessionName: "bench" }) { __typename } }',
      variables: { r: `arn:aws:iam::${accountId}:role/bench-role` },
    });
    const assumeRun = await autocannon({ url: wardenUrl, method: 'POST', headers: await signed(wardenUrl, readerKey, assume), body: assume, connections: 10, duration: SECONDS });
    if (assumeRun.non2xx > 0) throw new Error(`assumeRole load had ${assumeRun.non2xx} non-2xx answers`);
    console.log(`assumeRole over GraphQL, 10 connections: ${Math.round(assumeRun.requests.average)} req/s (p50 ${assumeRun.latency.p50} ms, p99 ${assumeRun.latency.p99} ms)`);
  }
  if (rounds.length > 0)
    console.log(`server memory: peak RSS ${Math.round(Math.max(...rounds.map((run) => run.warden.peakRss)))} MB under load with ${users.toLocaleString('en-US')} users (target < 300 MB)`);
} finally {
  warden.child.kill('SIGTERM');
  stock.child.kill('SIGTERM');
}
