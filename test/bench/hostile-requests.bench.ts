/**
 * What the hostile-requests end-to-end test asserts as behaviour (a fragment bomb refused for its
 * cost; /health answered during a flood of hostile requests), measured here as ratios against a
 * baseline taken in the same run, on one real Warden server (a child process; embedded PGlite, or
 * a fresh database on the DATABASE_URL Postgres):
 * - a 23-level fragment bomb (4 million spreads) refused, against a signed `{ __typename }`: the
 *   refusal must cost about what a trivial operation costs, not the spreads' walk;
 * - /health's latency while twenty clients flood the server with hostile requests, against its
 *   latency on the idle server.
 * Each request is signed beforehand, each bomb its own text (nothing cached).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AccessKey, createBenchTenant, freshBenchDatabaseUrl, signed, startProcess, wardenServerEnv } from './bench-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const SAMPLES = Number(process.env['BENCH_REQUESTS'] ?? 41);
const FLOOD_CLIENTS = 20;

function fragmentBomb(levels: number, comment: string): string {
  let text = 'query { ...F0 }';
  for (let level = 0; level < levels - 1; level++) text += ` fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`;
  return `${text} fragment F${levels - 1} on Query { __typename } # ${comment}`;
}

const dataDir = mkdtempSync(join(tmpdir(), 'warden-bench-hostile-'));
const env = wardenServerEnv({ dataDir, databaseUrl: await freshBenchDatabaseUrl('hostile_requests'), logLevel: 'info' });
const started = await startProcess(process.execPath, [join(root, 'services', 'api', 'bin', 'warden.js'), 'serve'], env, /"url":"(http:\/\/[^"]+)"/, join(dataDir, 'warden.log'));
const url = started.match[1]!;
const health = url.replace(/\/graphql$/, '/health');
const managementKey = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8')) as AccessKey;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

try {
  const { tenantRoot } = await createBenchTenant(url, managementKey);
  const request = async (query: string) => {
    const body = JSON.stringify({ query });
    return { body, headers: await signed(url, tenantRoot, body) };
  };
  /** Milliseconds from sending to the whole answer; fails unless the answer says `expected`. */
  const timed = async (send: () => Promise<Response>, expected: string): Promise<number> => {
    const begun = performance.now();
    const response = await send();
    const text = await response.text();
    if (!text.includes(expected)) throw new Error(`expected an answer with ${expected}, got ${response.status}: ${text.slice(0, 200)}`);
    return performance.now() - begun;
  };
  const post = (signedRequest: { body: string; headers: Record<string, string> }) => () => fetch(url, { method: 'POST', headers: signedRequest.headers, body: signedRequest.body });

  // A fragment bomb against a trivial operation, alternating, after a warm-up of each.
  const trivial = await request('{ __typename }');
  const bombs = await Promise.all(Array.from({ length: SAMPLES + 1 }, (_, index) => request(fragmentBomb(23, `bench ${index}`))));
  await timed(post(trivial), '__typename');
  await timed(post(bombs[SAMPLES]!), 'the cost limit');
  const bombMs: number[] = [];
  const trivialMs: number[] = [];
  for (let index = 0; index < SAMPLES; index++) {
    trivialMs.push(await timed(post(trivial), '__typename'));
    bombMs.push(await timed(post(bombs[index]!), 'the cost limit'));
  }

  // /health idle, then during a flood of hostile requests.
  const idleMs: number[] = [];
  for (let index = 0; index < SAMPLES; index++) idleMs.push(await timed(() => fetch(health), 'ok'));
  const hostile = await Promise.all(
    Array.from({ length: 400 }, (_, index) =>
      request(index % 2 === 0 ? fragmentBomb(23, `flood ${index}`) : `{ ${Array.from({ length: 1000 }, (_, alias) => `a${alias}: accountAuthorizationDetails { __typename }`).join(' ')} } # ${index}`),
    ),
  );
  let flooding = true;
  let sent = 0;
  const clients = Array.from({ length: FLOOD_CLIENTS }, async () => {
    while (flooding) await timed(post(hostile[sent++ % hostile.length]!), '"errors"');
  });
  const floodMs: number[] = [];
  try {
    while (sent < FLOOD_CLIENTS * 2) await new Promise((resolve) => setImmediate(resolve));
    for (let index = 0; index < SAMPLES; index++) floodMs.push(await timed(() => fetch(health), 'ok'));
  } finally {
    flooding = false;
    await Promise.all(clients);
  }

  console.log(`store: ${env.DATABASE_URL ? 'postgres' : 'pglite'}; ${SAMPLES} samples each, medians`);
  console.log(`{ __typename }:               ${median(trivialMs).toFixed(1)} ms`);
  console.log(`23-level fragment bomb refused: ${median(bombMs).toFixed(1)} ms (${(median(bombMs) / median(trivialMs)).toFixed(2)}× the trivial operation)`);
  console.log(`/health idle:                 ${median(idleMs).toFixed(1)} ms`);
  console.log(
    `/health during a flood:       ${median(floodMs).toFixed(1)} ms (${(median(floodMs) / median(idleMs)).toFixed(2)}× idle; ${FLOOD_CLIENTS} flooding clients, ${sent} hostile requests sent)`,
  );
} finally {
  started.child.kill('SIGTERM');
}
