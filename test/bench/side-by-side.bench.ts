/**
 * This checkout against another (BENCH_BASELINE: the path of a second checkout of Warden, built with
 * `npm ci`), both servers running at once on the DATABASE_URL Postgres (a fresh database each), in
 * rounds alternated between them, so that the machine's drift falls on both alike:
 * - `authorize`, one check per SigV4-signed request, 50 connections, BENCH_SECONDS a round;
 * - writes: `createUser` with a new name per request (each an event appended and projected),
 *   BENCH_WRITES a round from 16 concurrent writers, each request signed.
 * Each round reports requests per second and the server's CPU per request; the summary gives this
 * checkout over the baseline, per round and as a median.
 *
 * Knobs: BENCH_BASELINE (required), BENCH_SECONDS (default 5), BENCH_ROUNDS (default 4),
 * BENCH_WRITES (default 500), BENCH_USERS (users in the account, default 1,000).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { type AccessKey, type CreatedAccount, cpuMs, freshBenchDatabaseUrl, graphql, signed, startProcess, wardenServerEnv } from './bench-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const baselineRoot = process.env['BENCH_BASELINE'];
if (!baselineRoot) throw new Error('BENCH_BASELINE must name a second checkout of Warden (built with npm ci) to compare with');
if (!process.env['DATABASE_URL']) throw new Error('DATABASE_URL must name a Postgres server: both checkouts run on it, each in a fresh database');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 4);
const WRITES = Number(process.env['BENCH_WRITES'] ?? 500);
const USERS = Number(process.env['BENCH_USERS'] ?? 1000);
const CONNECTIONS = 50;
const WRITERS = 16;

interface Server {
  readonly label: string;
  readonly url: string;
  readonly pid: number;
  readonly stop: () => void;
  readonly tenantRoot: AccessKey;
  readonly authorizeBody: string;
  readonly authorizeHeaders: Record<string, string>;
}

async function startServer(label: string, checkout: string, database: string): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), `warden-side-${label}-`));
  const databaseUrl = (await freshBenchDatabaseUrl(database))!;
  const env = wardenServerEnv({ dataDir, databaseUrl, logLevel: 'info' });
  const { child, match } = await startProcess(process.execPath, [join(checkout, 'services', 'api', 'bin', 'warden.js'), 'serve'], env, /"url":"(http:\/\/[^"]+)"/, join(dataDir, 'warden.log'));
  const url = match[1]!;
  const managementKey = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8')) as AccessKey;
  const tenant = await graphql<CreatedAccount>(
    url,
    managementKey,
    'mutation { createAccount(input: { name: "bench" }) { ... on CreateAccountSuccess { data { account { accountId } rootAccessKey { accessKeyId secretAccessKey } } } } }',
  );
  const { accountId } = tenant.createAccount.data.account;
  const tenantRoot = tenant.createAccount.data.rootAccessKey;
  await graphql(url, tenantRoot, 'mutation { createUser(input: { userName: "reader" }) { __typename } }');
  await graphql(url, tenantRoot, 'mutation { attachUserPolicy(input: { userName: "reader", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }) { __typename } }');
  for (let i = 0; i < USERS; i += WRITERS) {
    await Promise.all(
      Array.from({ length: Math.min(WRITERS, USERS - i) }, (_, j) => graphql(url, tenantRoot, 'mutation($n: String!) { createUser(input: { userName: $n }) { __typename } }', { n: `user${i + j}` })),
    );
  }
  const query = 'query($input: AuthorizeInput!) { authorize(input: $input) { ... on AuthorizeSuccess { data { decision allowed reason matchedStatements { sid effect } } } } }';
  const authorizeBody = JSON.stringify({ query, variables: { input: { principal: `arn:aws:iam::${accountId}:user/reader`, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.pdf' } } });
  return { label, url, pid: child.pid!, stop: () => child.kill('SIGTERM'), tenantRoot, authorizeBody, authorizeHeaders: await signed(url, tenantRoot, authorizeBody) };
}

interface Measured {
  readonly perSecond: number;
  readonly cpuUsPerRequest: number;
}

async function authorizeRound(server: Server, seconds: number): Promise<Measured> {
  const cpuBefore = cpuMs(server.pid);
  const result = await autocannon({ url: server.url, method: 'POST', headers: server.authorizeHeaders, body: server.authorizeBody, connections: CONNECTIONS, duration: seconds });
  const cpu = cpuMs(server.pid) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`authorize load on ${server.label} had ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  return { perSecond: result.requests.average, cpuUsPerRequest: (cpu * 1000) / Math.max(1, result.requests.total) };
}

let written = 0;

async function writeRound(server: Server, writes: number): Promise<Measured> {
  // Bodies signed before the clock starts: the load generator's signing is not the server's cost.
  const requests = await Promise.all(
    Array.from({ length: writes }, async () => {
      const body = JSON.stringify({ query: 'mutation($n: String!) { createUser(input: { userName: $n }) { __typename } }', variables: { n: `writer${written++}` } });
      return { body, headers: await signed(server.url, server.tenantRoot, body) };
    }),
  );
  const cpuBefore = cpuMs(server.pid);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        const response = await fetch(server.url, { method: 'POST', headers: request.headers, body: request.body });
        const answer = (await response.json()) as { data?: { createUser?: { __typename: string } } };
        if (answer.data?.createUser?.__typename !== 'CreateUserSuccess') throw new Error(`a write on ${server.label} failed: ${JSON.stringify(answer)}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: writes / seconds, cpuUsPerRequest: ((cpuMs(server.pid) - cpuBefore) * 1000) / writes };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const format = (run: Measured): string => `${Math.round(run.perSecond)}/s, ${Math.round(run.cpuUsPerRequest)} µs CPU`;

const current = resolve(here, '..', '..');
const servers = [await startServer('baseline', resolve(baselineRoot), 'side_baseline'), await startServer('current', current, 'side_current')];
try {
  console.log(`side by side on Postgres: this checkout (${current}) against ${resolve(baselineRoot)}, ${USERS.toLocaleString('en-US')} users each`);
  for (const server of servers) await authorizeRound(server, Math.max(2, Math.round(SECONDS / 2)));
  const ratios = { authorize: [] as number[], authorizeCpu: [] as number[], writes: [] as number[], writesCpu: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so neither always meets the machine as the other left it.
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    const authorize = new Map<string, Measured>();
    const writes = new Map<string, Measured>();
    for (const server of order) authorize.set(server.label, await authorizeRound(server, SECONDS));
    for (const server of order) writes.set(server.label, await writeRound(server, WRITES));
    const [a, b] = [authorize.get('baseline')!, authorize.get('current')!];
    const [c, d] = [writes.get('baseline')!, writes.get('current')!];
    ratios.authorize.push(b.perSecond / a.perSecond);
    ratios.authorizeCpu.push(b.cpuUsPerRequest / a.cpuUsPerRequest);
    ratios.writes.push(d.perSecond / c.perSecond);
    ratios.writesCpu.push(d.cpuUsPerRequest / c.cpuUsPerRequest);
    console.log(`round ${round + 1}: authorize baseline ${format(a)} | current ${format(b)}; createUser baseline ${format(c)} | current ${format(d)}`);
  }
  const list = (values: number[]): string => values.map((value) => value.toFixed(2)).join(', ');
  console.log(`current over baseline, per round (median):`);
  console.log(`  authorize req/s ${list(ratios.authorize)} (${median(ratios.authorize).toFixed(2)}); server CPU per request ${list(ratios.authorizeCpu)} (${median(ratios.authorizeCpu).toFixed(2)})`);
  console.log(`  createUser writes/s ${list(ratios.writes)} (${median(ratios.writes).toFixed(2)}); server CPU per write ${list(ratios.writesCpu)} (${median(ratios.writesCpu).toFixed(2)})`);
} finally {
  for (const server of servers) server.stop();
}
