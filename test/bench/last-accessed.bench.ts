/**
 * `authorize` with usage recording on against the same build with it off (issue 16's target: on at
 * least 90% of off's throughput, ratio of the medians). Two Warden servers (child processes) set up
 * alike, each on its own store (a data directory, or a fresh database beside DATABASE_URL's),
 * loaded in interleaved rounds with the same signed request by autocannon.
 *
 * The request is signed by a user (`asker`, allowed iam:SimulatePrincipalPolicy), not the root, so
 * that each request counts twice when recording is on: the caller's own allowed check, and the
 * allow `authorize` answers about `reader`.
 *
 * What "recording" turns on is `RECORDING`: the last-accessed counters (WARDEN_LAST_ACCESSED), and
 * the place for the call records' switch (WARDEN_AUDIT_RECORD_CALLS, added by the call recorder;
 * a build without it ignores the variable, so the figures then measure the counters alone).
 */
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { type AccessKey, graphql, loadServer, signed, startBenchServer } from './bench-support.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const CONNECTIONS = 50;
const AUTHORIZE = 'query($input: AuthorizeInput!) { authorize(input: $input) { ... on AuthorizeSuccess { data { decision allowed } } } }';

/** The switches of everything recorded per request, for each side of the comparison. */
const RECORDING = {
  off: { WARDEN_LAST_ACCESSED: 'false', WARDEN_AUDIT_RECORD_CALLS: 'false' },
  on: { WARDEN_LAST_ACCESSED: 'true', WARDEN_AUDIT_RECORD_CALLS: 'true' },
} as const;

async function startServer(name: keyof typeof RECORDING) {
  const started = await startBenchServer(`recording_${name}`, RECORDING[name]);
  const { url, accountId, tenantRoot } = started;
  await graphql(url, tenantRoot, 'mutation { attachUserPolicy(input: { userName: "reader", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }) { __typename } }');
  await graphql(url, tenantRoot, 'mutation { createUser(input: { userName: "asker" }) { __typename } }');
  const ask = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:SimulatePrincipalPolicy', Resource: '*' }] });
  await graphql(url, tenantRoot, 'mutation($document: String!) { putUserPolicy(input: { userName: "asker", policyName: "ask", policyDocument: $document }) { __typename } }', { document: ask });
  const created = await graphql<{ createAccessKey: { data: AccessKey } }>(
    url,
    tenantRoot,
    'mutation { createAccessKey(input: { userName: "asker" }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
  );
  const asker = created.createAccessKey.data;
  const variables = { input: { principal: `arn:aws:iam::${accountId}:user/reader`, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.pdf' } };
  const body = JSON.stringify({ query: AUTHORIZE, variables });
  // The answer must be an allow, or nothing would be counted.
  const check = await graphql<{ authorize: { data: { allowed: boolean } } }>(url, asker, AUTHORIZE, variables);
  if (!check.authorize.data.allowed) throw new Error('the benchmarked authorize is not an allow');
  return { name, url, body, headers: await signed(url, asker, body), child: started.child };
}

const servers = [await startServer('off'), await startServer('on')];
try {
  for (const server of servers) await autocannon({ url: server.url, method: 'POST', headers: server.headers, body: server.body, connections: CONNECTIONS, duration: Math.min(5, SECONDS) });
  const perSecond = new Map(servers.map((server) => [server, [] as number[]]));
  const cpu = new Map(servers.map((server) => [server, [] as number[]]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = servers.map((_, index) => servers[(index + round) % servers.length]!);
    for (const server of order) {
      const run = await loadServer(server.url, server.body, server.headers, server.child.pid!, { connections: CONNECTIONS, seconds: SECONDS });
      perSecond.get(server)!.push(run.perSecond);
      cpu.get(server)!.push(run.cpuUsPerRequest);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const off = servers[0]!;
  console.log(
    `store: ${process.env['DATABASE_URL'] ? 'postgres' : 'pglite'}; authorize signed by a user, ${CONNECTIONS} connections, ${SECONDS}s, ${ROUNDS} alternating rounds; load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}`,
  );
  for (const server of servers) {
    const ratio = median(perSecond.get(server)!) / median(perSecond.get(off)!);
    console.log(
      `${server.name.padEnd(4)} ${perSecond
        .get(server)!
        .map((value) => value.toFixed(0))
        .join(', ')} req/s (median ${median(perSecond.get(server)!).toFixed(0)}, ${(ratio * 100).toFixed(1)}% of off; server CPU/request median ${median(cpu.get(server)!).toFixed(0)} µs)`,
    );
  }
  const ratio = median(perSecond.get(servers[1]!)!) / median(perSecond.get(off)!);
  console.log(`target: recording on at least 90% of off: ${ratio >= 0.9 ? 'MET' : 'NOT MET'}`);
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
}
