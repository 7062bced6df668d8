/**
 * A signed GetUser over AWS's Query front against the GraphQL `user` query, on one real Warden
 * server (a child process; embedded PGlite, or a fresh `warden_bench` database on the DATABASE_URL
 * Postgres), measured in the same run in alternating rounds, by the same caller with the same
 * access key. Issue 13's target: the Query front at least 50% of GraphQL's throughput. Each
 * request is signed once beforehand (SigV4 for `iam` as the SDKs sign it, for `warden` as
 * GraphQL's clients do) and resent, so the load generator only sends, as in the other benchmarks.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AccessKey, createBenchTenant, freshBenchDatabaseUrl, graphql, signed, startProcess, wardenServerEnv } from './bench-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const PER_ROUND = Number(process.env['BENCH_REQUESTS'] ?? 2000);
const ROUNDS = 5;
const CONCURRENCY = 8;

const dataDir = mkdtempSync(join(tmpdir(), 'warden-bench-query-'));
// A bench database named after DATABASE_URL's own (wt_x_bench beside wt_x), so that runs against one shared server do not drop each other's.
const env = wardenServerEnv({ dataDir, databaseUrl: await freshBenchDatabaseUrl('query_front'), logLevel: 'info' });
const started = await startProcess(process.execPath, [join(root, 'services', 'api', 'bin', 'warden.js'), 'serve'], env, /"url":"(http:\/\/[^"]+)"/, join(dataDir, 'warden.log'));
const url = started.match[1]!;
const managementKey = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8')) as AccessKey;

try {
  const { tenantRoot } = await createBenchTenant(url, managementKey);
  await graphql(url, tenantRoot, 'mutation($d: String!) { putUserPolicy(input: { userName: "reader", policyName: "read", policyDocument: $d }) { __typename } }', {
    d: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] }),
  });
  const key = await graphql<{ createAccessKey: { data: AccessKey } }>(
    url,
    tenantRoot,
    'mutation { createAccessKey(input: { userName: "reader" }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
  );
  const credentials = key.createAccessKey.data;

  const graphqlBody = JSON.stringify({ query: 'query { user(userName: "reader") { __typename ... on UserSuccess { data { userName arn createDate } } } }' });
  const graphqlHeaders = await signed(url, credentials, graphqlBody);
  const queryUrl = new URL('/', url).href;
  const queryBody = 'Action=GetUser&Version=2010-05-08&UserName=reader';
  const queryHeaders = await signed(queryUrl, credentials, queryBody, { service: 'iam', contentType: 'application/x-www-form-urlencoded' });

  /** Sends `count` requests, CONCURRENCY at a time; returns requests per second, and fails on any that did not succeed. */
  async function run(count: number, send: () => Promise<Response>, success: string): Promise<number> {
    let sent = 0;
    const begun = performance.now();
    const worker = async () => {
      while (sent < count) {
        sent++;
        const response = await send();
        const text = await response.text();
        if (!text.includes(success)) throw new Error(`unexpected answer: ${text.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return count / ((performance.now() - begun) / 1000);
  }
  const viaGraphql = () => run(PER_ROUND, () => fetch(url, { method: 'POST', headers: graphqlHeaders, body: graphqlBody }), 'UserSuccess');
  const viaQuery = () => run(PER_ROUND, () => fetch(queryUrl, { method: 'POST', headers: queryHeaders, body: queryBody }), '<GetUserResult>');
  // Warm-up: caches (keys, policy sets, compiled operations) and the JIT, for both.
  await viaGraphql();
  await viaQuery();
  const results = { graphql: [] as number[], query: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating which goes first, so that neither always follows the other.
    if (round % 2 === 0) {
      results.graphql.push(await viaGraphql());
      results.query.push(await viaQuery());
    } else {
      results.query.push(await viaQuery());
      results.graphql.push(await viaGraphql());
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratio = median(results.query) / median(results.graphql);
  console.log(`store: ${env.DATABASE_URL ? 'postgres' : 'pglite'}; ${ROUNDS} alternating rounds of ${PER_ROUND} requests, ${CONCURRENCY} at a time`);
  console.log(`GraphQL user:      ${results.graphql.map((value) => value.toFixed(0)).join(', ')} /s (median ${median(results.graphql).toFixed(0)})`);
  console.log(`Query GetUser:     ${results.query.map((value) => value.toFixed(0)).join(', ')} /s (median ${median(results.query).toFixed(0)})`);
  console.log(`ratio: ${(ratio * 100).toFixed(0)}% of GraphQL's throughput (target: at least 50%) ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`);
} finally {
  started.child.kill('SIGTERM');
}
