import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AddressInfo, createServer } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import autocannon from 'autocannon';
import pg from 'pg';
import { SignatureV4 } from '@smithy/signature-v4';

/** What the benchmarks that drive a Warden server share: starting processes, signing, calling. */

const REPOSITORY = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Starts a server process whose standard output goes to `logFile`, as a deployment's would go to a
 * file or a log collector, and waits until the file shows `ready`. Not to a pipe read by this
 * process: this process is also the load generator, and reading a log line per request would take
 * its time and wake it once per answer, which no deployment asks of its clients.
 */
export async function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, logFile: string): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const output = openSync(logFile, 'w');
  const child = spawn(command, args, { env, stdio: ['ignore', output, 'inherit'] });
  closeSync(output);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  for (;;) {
    const match = readFileSync(logFile, 'utf8').match(ready);
    if (match) return { child, match };
    if (exited !== undefined) throw new Error(`${command} exited with ${exited}: ${readFileSync(logFile, 'utf8').slice(-500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A process's CPU time so far (user + system), in milliseconds, from /proc (Linux). */
export function cpuMs(pid: number): number {
  return ticksMs(`/proc/${pid}/stat`);
}

/**
 * The CPU time so far of a process's main thread alone (its event loop; the embedded store's
 * thread and libuv's pool are not counted), in milliseconds, from /proc (Linux).
 */
export function mainThreadCpuMs(pid: number): number {
  return ticksMs(`/proc/${pid}/task/${pid}/stat`);
}

function ticksMs(statFile: string): number {
  const fields = readFileSync(statFile, 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ", utime and stime are fields 12 and 13 (0-based), in clock ticks (100 Hz).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * The CPU time so far of each Postgres process on this machine (the server's backends, its WAL
 * writer and the rest), in milliseconds by pid, from /proc (Linux): what the database spends, which
 * on a machine of two cores is taken from the server and its clients. `postgresCpuMsSince` sums it.
 */
export function postgresCpuMs(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') byPid.set(Number(entry), cpuMs(Number(entry)));
    } catch {
      // Gone since the listing.
    }
  }
  return byPid;
}

/**
 * What the Postgres processes spent since `before` (a `postgresCpuMs()`): a process started since
 * counts whole; one that exited since counts nothing, so this is a floor.
 */
export function postgresCpuMsSince(before: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const [pid, ms] of postgresCpuMs()) total += ms - (before.get(pid) ?? 0);
  return total;
}

export const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

export async function signed(
  url: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  body: string,
  scope: { service: string; contentType: string } = { service: 'warden', contentType: 'application/json' },
): Promise<Record<string, string>> {
  const target = new URL(url);
  const signer = new SignatureV4({ service: scope.service, region: 'us-east-1', credentials, sha256: Sha256 });
  const request = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: target.hostname,
    port: Number(target.port),
    path: target.pathname,
    query: {},
    headers: { host: target.host, 'content-type': scope.contentType },
    body,
  });
  return request.headers;
}

/** An access key as Warden hands it out (root-credentials.json, createAccount, createAccessKey). */
export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What createAccount answers with the selection the benchmarks use. */
export interface CreatedAccount {
  readonly createAccount: { readonly data: { readonly account: { readonly accountId: string }; readonly rootAccessKey: AccessKey } };
}

/** The data of a signed call, as the caller's selection shapes it (unknown unless the caller says). */
export async function graphql<Data = unknown>(url: string, credentials: { accessKeyId: string; secretAccessKey: string }, query: string, variables: object = {}): Promise<Data> {
  const body = JSON.stringify({ query, variables });
  const response = await fetch(url, { method: 'POST', headers: await signed(url, credentials, body), body });
  const json = (await response.json()) as { data: Data; errors?: unknown };
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return json.data;
}

/**
 * With DATABASE_URL, a fresh, empty database for `purpose` on that server (so that the bootstrap
 * makes a new management account and writes its credentials file); without, undefined (embedded).
 * Named after DATABASE_URL's own database (`wt_x_churn` beside `wt_x`), so that benchmark runs
 * against one shared server from different checkouts do not drop each other's.
 */
export async function freshBenchDatabaseUrl(purpose = 'bench'): Promise<string | undefined> {
  const databaseUrl = process.env['DATABASE_URL'];
  if (!databaseUrl) return undefined;
  const own = new URL(databaseUrl).pathname.slice(1);
  const name = `${DATABASE_NAME.test(own) ? own : 'warden'}_${purpose}`;
  if (!DATABASE_NAME.test(name)) throw new Error(`not a database name for a benchmark: ${name}`);
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The environment a benchmarked Warden server runs with: its own data directory, Postgres at
 * `databaseUrl` (embedded without), no Redis, any free port on loopback, a fixed master key, and
 * production mode. Benchmarks add what is theirs.
 */
export interface WardenServerEnv extends NodeJS.ProcessEnv {
  readonly DATABASE_URL: string;
  readonly WARDEN_DATA_DIR: string;
}

export function wardenServerEnv(options: { dataDir: string; databaseUrl: string | undefined; logLevel: 'info' | 'warn' }): WardenServerEnv {
  return {
    ...process.env,
    REDIS_URL: '',
    DATABASE_URL: options.databaseUrl ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    // No metrics listener unless a bench asks for one: its default port would clash between servers.
    WARDEN_METRICS_PORT: '0',
    WARDEN_DATA_DIR: options.dataDir,
    LOG_LEVEL: options.logLevel,
    WARDEN_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    NODE_ENV: 'production',
  };
}

/**
 * POSTs the same request for `seconds` over `connections` with autocannon, and reads the server
 * process's CPU and peak memory meanwhile; fails on any answer that is not 2xx.
 */
export async function loadServer(url: string, body: string, headers: Record<string, string>, pid: number, options: { connections: number; seconds: number }) {
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 250);
  const cpuBefore = cpuMs(pid);
  const result = await autocannon({ url, method: 'POST', headers, body, connections: options.connections, duration: options.seconds });
  const cpu = cpuMs(pid) - cpuBefore;
  clearInterval(sampler);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`load against ${url} had ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  // Server CPU per answered request: steadier than req/s on a shared machine, where the load
  // generator and the database compete for the same two cores.
  return {
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    peakRss,
    requests: result.requests.total,
    cpuMs: cpu,
    cpuUsPerRequest: (cpu * 1000) / Math.max(1, result.requests.total),
  };
}

/** A port free now on loopback, for a listener asked to take it (a metrics port, say). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * A Warden server of this build in a process of its own, on a fresh store (embedded, or a database
 * for `name` on DATABASE_URL's server), with `env` added to `wardenServerEnv`'s, and a tenant
 * account with a user `reader` (`createBenchTenant`).
 */
export async function startBenchServer(name: string, env: NodeJS.ProcessEnv = {}): Promise<{ url: string; child: ChildProcess; accountId: string; tenantRoot: AccessKey }> {
  const dataDir = mkdtempSync(join(tmpdir(), `warden-bench-${name}-`));
  const started = await startProcess(
    process.execPath,
    [join(REPOSITORY, 'services', 'api', 'bin', 'warden.js'), 'serve'],
    { ...wardenServerEnv({ dataDir, databaseUrl: await freshBenchDatabaseUrl(name), logLevel: 'info' }), ...env },
    /"url":"(http:\/\/[^"]+)"/,
    join(dataDir, 'warden.log'),
  );
  const url = started.match[1]!;
  const managementKey = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8')) as AccessKey;
  return { url, child: started.child, ...(await createBenchTenant(url, managementKey)) };
}

/** A new tenant account, made by the management account's root, with a user `reader`; the tenant root's key. */
export async function createBenchTenant(url: string, managementKey: AccessKey): Promise<{ accountId: string; tenantRoot: AccessKey }> {
  const tenant = await graphql<CreatedAccount>(
    url,
    managementKey,
    'mutation { createAccount(input: { name: "bench" }) { ... on CreateAccountSuccess { data { account { accountId } rootAccessKey { accessKeyId secretAccessKey } } } } }',
  );
  const tenantRoot = tenant.createAccount.data.rootAccessKey;
  await graphql(url, tenantRoot, 'mutation { createUser(input: { userName: "reader" }) { __typename } }');
  return { accountId: tenant.createAccount.data.account.accountId, tenantRoot };
}
