/**
 * `authorize` with the metrics on against the same build with them off (WARDEN_METRICS_PORT=0):
 * two Warden servers (child processes) set up alike, each on its own store (a data directory, or
 * a fresh database beside DATABASE_URL's), loaded in interleaved rounds with the same signed
 * request by autocannon, the metrics server scraped once per round as Prometheus would. Issue 15's
 * target: with metrics, at least 95% of the throughput without. Tracing is not built, so it is not
 * in the comparison.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { type AccessKey, createBenchTenant, freePort, freshBenchDatabaseUrl, graphql, loadServer, signed, startProcess, wardenServerEnv } from './bench-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const CONNECTIONS = 50;
const AUTHORIZE = 'query($input: AuthorizeInput!) { authorize(input: $input) { ... on AuthorizeSuccess { data { decision allowed reason matchedStatements { sid effect } } } } }';

// Bench databases named after DATABASE_URL's own (wt_x_metrics_on beside wt_x), so that runs against one shared server do not drop each other's.
const ownDatabase = process.env['DATABASE_URL'] ? new URL(process.env['DATABASE_URL']).pathname.slice(1) : '';
const benchDatabase = (suffix: string) => (/^[a-z_][a-z0-9_]*$/.test(ownDatabase) ? `${ownDatabase}_${suffix}` : `warden_bench_${suffix}`);

/** A Warden server with a tenant whose root asks about a reader with ReadOnlyAccess: the signed request and where to send it. */
async function startServer(name: string, metricsPort: number) {
  const dataDir = mkdtempSync(join(tmpdir(), `warden-bench-${name}-`));
  const env = { ...wardenServerEnv({ dataDir, databaseUrl: await freshBenchDatabaseUrl(benchDatabase(name)), logLevel: 'warn' }), WARDEN_METRICS_PORT: String(metricsPort) };
  const started = await startProcess(
    process.execPath,
    [join(root, 'services', 'api', 'bin', 'warden.js'), 'serve'],
    { ...env, LOG_LEVEL: 'info' },
    /"url":"(http:\/\/[^"]+)"/,
    join(dataDir, 'warden.log'),
  );
  const url = started.match[1]!;
  const managementKey = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8')) as AccessKey;
  const { accountId, tenantRoot } = await createBenchTenant(url, managementKey);
  await graphql(url, tenantRoot, 'mutation { attachUserPolicy(input: { userName: "reader", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }) { __typename } }');
  const principal = `arn:aws:iam::${accountId}:user/reader`;
  const body = JSON.stringify({ query: AUTHORIZE, variables: { input: { principal, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.pdf' } } });
  return { name, url, body, headers: await signed(url, tenantRoot, body), child: started.child, metricsUrl: metricsPort === 0 ? undefined : `http://127.0.0.1:${metricsPort}/metrics` };
}

const servers = [await startServer('metrics_off', 0), await startServer('metrics_on', await freePort())];
try {
  const [off, on] = servers as [(typeof servers)[0], (typeof servers)[0]];
  // Warm-up, not measured, alike for both: the hot code compiled, the caches filled.
  for (const server of servers) await autocannon({ url: server.url, method: 'POST', headers: server.headers, body: server.body, connections: CONNECTIONS, duration: Math.min(5, SECONDS) });
  const results = { off: [] as number[], on: [] as number[], offCpu: [] as number[], onCpu: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating which goes first, so that neither always follows the other.
    for (const server of round % 2 === 0 ? [off, on] : [on, off]) {
      const run = await loadServer(server.url, server.body, server.headers, server.child.pid!, { connections: CONNECTIONS, seconds: SECONDS });
      (server === on ? results.on : results.off).push(run.perSecond);
      (server === on ? results.onCpu : results.offCpu).push(run.cpuUsPerRequest);
    }
    const scraped = await (await fetch(on.metricsUrl!)).text();
    if (!scraped.includes('warden_authorize_decisions_total{decision="allow"}')) throw new Error('the metrics server did not count the authorize decisions');
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratio = median(results.on) / median(results.off);
  console.log(`store: ${process.env['DATABASE_URL'] ? 'postgres' : 'pglite'}; authorize, one check per signed request, ${CONNECTIONS} connections, ${SECONDS}s, ${ROUNDS} interleaved rounds`);
  console.log(
    `metrics off: ${results.off.map((value) => value.toFixed(0)).join(', ')} req/s (median ${median(results.off).toFixed(0)}; server CPU/request median ${median(results.offCpu).toFixed(0)} µs)`,
  );
  console.log(
    `metrics on:  ${results.on.map((value) => value.toFixed(0)).join(', ')} req/s (median ${median(results.on).toFixed(0)}; server CPU/request median ${median(results.onCpu).toFixed(0)} µs)`,
  );
  console.log(`ratio: ${(ratio * 100).toFixed(1)}% of the throughput without metrics (target: at least 95%) ${ratio >= 0.95 ? 'MET' : 'NOT MET'}`);
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
}
