/**
 * `authorize` with the metrics and the tracing code on against the same build with both off:
 * Warden servers (child processes) set up alike, each on its own store (a data directory, or a
 * fresh database beside DATABASE_URL's), loaded in interleaved rounds with the same signed request
 * by autocannon, the metrics server scraped once per round as Prometheus would.
 * - `plain`: WARDEN_METRICS_PORT=0 and no OTLP endpoint;
 * - `observed`: the metrics listener, and tracing as shipped without an endpoint (off);
 * - `traced` (information, BENCH_TRACED=0 leaves it out): the same with OTEL_EXPORTER_OTLP_ENDPOINT
 *   set to a sink in this process that reads each export and discards it.
 * Issue 15's target: `observed` at least 95% of `plain`'s throughput (ratio of the medians).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { freePort, graphql, loadServer, signed, startBenchServer } from './bench-support.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const CONNECTIONS = 50;
const AUTHORIZE = 'query($input: AuthorizeInput!) { authorize(input: $input) { ... on AuthorizeSuccess { data { decision allowed reason matchedStatements { sid effect } } } } }';

/** A Warden server with a tenant whose root asks about a reader with ReadOnlyAccess: the signed request and where to send it. */
async function startServer(name: string, metricsPort: number, otlpEndpoint?: string) {
  // Tracing exactly as asked: none, or to `otlpEndpoint` (an environment's own OTLP settings are cleared).
  const started = await startBenchServer(name, {
    WARDEN_METRICS_PORT: String(metricsPort),
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint ?? '',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
  });
  const { url, accountId, tenantRoot } = started;
  await graphql(url, tenantRoot, 'mutation { attachUserPolicy(input: { userName: "reader", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }) { __typename } }');
  const principal = `arn:aws:iam::${accountId}:user/reader`;
  const body = JSON.stringify({ query: AUTHORIZE, variables: { input: { principal, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.pdf' } } });
  return { name, url, body, headers: await signed(url, tenantRoot, body), child: started.child, metricsUrl: metricsPort === 0 ? undefined : `http://127.0.0.1:${metricsPort}/metrics` };
}

/** An OTLP/HTTP endpoint that reads every export and discards it; counts the bytes so the run shows spans were sent. */
let exportedBytes = 0;
const sink = createServer((request, response) => {
  request.on('data', (chunk: Buffer) => (exportedBytes += chunk.length));
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

const servers = [
  await startServer('plain_otel', 0),
  await startServer('observed_otel', await freePort()),
  ...(process.env['BENCH_TRACED'] === '0' ? [] : [await startServer('traced_otel', await freePort(), sinkUrl)]),
];
const kindOf = (server: (typeof servers)[0]) => server.name.replace('_otel', '');
try {
  // Warm-up, not measured, alike for all: the hot code compiled, the caches filled.
  for (const server of servers) await autocannon({ url: server.url, method: 'POST', headers: server.headers, body: server.body, connections: CONNECTIONS, duration: Math.min(5, SECONDS) });
  const perSecond = new Map(servers.map((server) => [server, [] as number[]]));
  const cpu = new Map(servers.map((server) => [server, [] as number[]]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotating which goes first, so that none always follows another.
    const order = servers.map((_, index) => servers[(index + round) % servers.length]!);
    for (const server of order) {
      const run = await loadServer(server.url, server.body, server.headers, server.child.pid!, { connections: CONNECTIONS, seconds: SECONDS });
      perSecond.get(server)!.push(run.perSecond);
      cpu.get(server)!.push(run.cpuUsPerRequest);
    }
    for (const server of servers) {
      if (!server.metricsUrl) continue;
      const scraped = await (await fetch(server.metricsUrl)).text();
      if (!scraped.includes('warden_authorize_decisions_total{decision="allow"}')) throw new Error('the metrics server did not count the authorize decisions');
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const plain = servers[0]!;
  console.log(
    `store: ${process.env['DATABASE_URL'] ? 'postgres' : 'pglite'}; authorize, one check per signed request, ${CONNECTIONS} connections, ${SECONDS}s, ${ROUNDS} rotated rounds; load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}`,
  );
  for (const server of servers) {
    const ratio = median(perSecond.get(server)!) / median(perSecond.get(plain)!);
    console.log(
      `${kindOf(server).padEnd(8)} ${perSecond
        .get(server)!
        .map((value) => value.toFixed(0))
        .join(', ')} req/s (median ${median(perSecond.get(server)!).toFixed(0)}, ${(ratio * 100).toFixed(1)}% of plain; server CPU/request median ${median(cpu.get(server)!).toFixed(0)} µs)`,
    );
  }
  const observedRatio = median(perSecond.get(servers[1]!)!) / median(perSecond.get(plain)!);
  console.log(`target: observed at least 95% of plain: ${observedRatio >= 0.95 ? 'MET' : 'NOT MET'}`);
  if (servers.length > 2) console.log(`the sink received ${(exportedBytes / 1024).toFixed(0)} KiB of OTLP exports`);
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
  sink.close();
}
