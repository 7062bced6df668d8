/**
 * The cost of recording calls (issue 16): Warden servers (child processes) set up alike, each on its
 * own store, one with WARDEN_AUDIT_RECORD_CALLS=false (`unrecorded`) and one as shipped
 * (`recorded`), loaded in interleaved rounds by autocannon with two requests:
 * - `authorize`: the hot path, whose answers are never recorded (the recording's wrapper is all it pays);
 * - `denied`: a GetUser the caller is not allowed, over GraphQL, each one a record written in batches.
 * The recorded server's metrics are scraped at the end: records written and dropped.
 */
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { type AccessKey, freePort, graphql, loadServer, signed, startBenchServer } from './bench-support.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const CONNECTIONS = 50;
const AUTHORIZE = 'query($input: AuthorizeInput!) { authorize(input: $input) { ... on AuthorizeSuccess { data { decision allowed } } } }';
const DENIED = '{ user(userName: "reader") { __typename ... on AccessDeniedError { code } } }';

async function startServer(name: 'unrecorded' | 'recorded', metricsPort: number) {
  const started = await startBenchServer(`calls_${name}`, { WARDEN_METRICS_PORT: String(metricsPort), WARDEN_AUDIT_RECORD_CALLS: name === 'recorded' ? 'true' : 'false' });
  const { url, accountId, tenantRoot } = started;
  await graphql(url, tenantRoot, 'mutation { attachUserPolicy(input: { userName: "reader", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }) { __typename } }');
  await graphql(url, tenantRoot, 'mutation { createUser(input: { userName: "nobody" }) { __typename } }');
  const key = await graphql<{ createAccessKey: { data: AccessKey } }>(
    url,
    tenantRoot,
    'mutation { createAccessKey(input: { userName: "nobody" }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
  );
  const authorize = JSON.stringify({ query: AUTHORIZE, variables: { input: { principal: `arn:aws:iam::${accountId}:user/reader`, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.pdf' } } });
  const denied = JSON.stringify({ query: DENIED });
  return {
    name,
    url,
    child: started.child,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    requests: {
      authorize: { body: authorize, headers: await signed(url, tenantRoot, authorize) },
      denied: { body: denied, headers: await signed(url, key.createAccessKey.data, denied) },
    },
  };
}

const servers = [await startServer('unrecorded', await freePort()), await startServer('recorded', await freePort())];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
try {
  console.log(`store: ${process.env['DATABASE_URL'] ? 'postgres' : 'pglite'}; ${CONNECTIONS} connections, ${SECONDS}s, ${ROUNDS} rotated rounds`);
  for (const request of ['authorize', 'denied'] as const) {
    for (const server of servers) {
      const { body, headers } = server.requests[request];
      await autocannon({ url: server.url, method: 'POST', headers, body, connections: CONNECTIONS, duration: Math.min(5, SECONDS) });
    }
    const perSecond = new Map(servers.map((server) => [server, [] as number[]]));
    const cpu = new Map(servers.map((server) => [server, [] as number[]]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const server of servers.map((_, index) => servers[(index + round) % servers.length]!)) {
        const { body, headers } = server.requests[request];
        const run = await loadServer(server.url, body, headers, server.child.pid!, { connections: CONNECTIONS, seconds: SECONDS });
        perSecond.get(server)!.push(run.perSecond);
        cpu.get(server)!.push(run.cpuUsPerRequest);
      }
    }
    const base = median(perSecond.get(servers[0]!)!);
    for (const server of servers) {
      console.log(
        `${request.padEnd(9)} ${server.name.padEnd(10)} ${perSecond
          .get(server)!
          .map((value) => value.toFixed(0))
          .join(
            ', ',
          )} req/s (median ${median(perSecond.get(server)!).toFixed(0)}, ${((median(perSecond.get(server)!) / base) * 100).toFixed(1)}% of unrecorded; server CPU/request median ${median(cpu.get(server)!).toFixed(0)} µs)`,
      );
    }
  }
  const scraped = await (await fetch(servers[1]!.metricsUrl)).text();
  const sample = (name: string) => /^(\S+) (\S+)$/m.exec(scraped.split('\n').find((line) => line.startsWith(`${name} `)) ?? '')?.[2] ?? 'absent';
  console.log(`recorded server: ${sample('warden_audit_call_records_written_total')} records written, ${sample('warden_audit_call_records_dropped_total')} dropped`);
  console.log(
    `load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}`,
  );
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
}
