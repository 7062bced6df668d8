/**
 * What one write costs the server: `tagUser` through HTTP, signed, one at a time (BENCH_WRITES,
 * default 600, after 100 unmeasured) round BENCH_USERS users (default 20), on each store (embedded PGlite; Postgres with DATABASE_URL),
 * the server's CPU time per write read from /proc (the whole process, and its main thread alone: the
 * event loop that the readers wait on), and the wall time per write. With
 * BENCH_BASELINE (the path of a second checkout of Warden, built with `npm ci`), the same against
 * its server, in BENCH_ROUNDS rounds (default 2) alternated between the two, so that the machine's
 * drift falls on both alike. The churn benchmark's writes are these writes: at 50 a second, what
 * each costs is what the readers lose (docs/performance.md).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type AccessKey, cpuMs, createBenchTenant, mainThreadCpuMs, freshBenchDatabaseUrl, graphql, startProcess, wardenServerEnv } from './bench-support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const baselineRoot = process.env['BENCH_BASELINE'] ? resolve(process.env['BENCH_BASELINE']) : undefined;
const WRITES = Number(process.env['BENCH_WRITES'] ?? 600);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
/** Users the writes go round (BENCH_USERS, default 20): fewer users, longer streams (each write adds an event to its user's). */
const USERS = Number(process.env['BENCH_USERS'] ?? 20);
const TAG_USER = 'mutation($n: String!, $v: String!) { tagUser(input: { userName: $n, tags: [{ key: "rev", value: $v }] }) { __typename } }';

interface Measured {
  readonly cpuMsPerWrite: number;
  readonly mainThreadMsPerWrite: number;
  readonly wallMsPerWrite: number;
}

async function measure(checkout: string, store: 'embedded' | 'postgres', label: string): Promise<Measured> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-write-cost-'));
  const databaseUrl = store === 'postgres' ? await freshBenchDatabaseUrl(`write_cost_${label}`) : undefined;
  const server = await startProcess(
    process.execPath,
    [join(checkout, 'services', 'api', 'bin', 'warden.js'), 'serve'],
    wardenServerEnv({ dataDir, databaseUrl, logLevel: 'info' }),
    /"url":"(http:\/\/[^"]+)"/,
    join(dataDir, 'warden.log'),
  );
  try {
    const url = server.match[1]!;
    const managementKey = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8')) as AccessKey;
    const { tenantRoot } = await createBenchTenant(url, managementKey);
    for (let i = 0; i < USERS; i++) await graphql(url, tenantRoot, 'mutation($n: String!) { createUser(input: { userName: $n }) { __typename } }', { n: `user${i}` });
    for (let i = 0; i < 100; i++) await graphql(url, tenantRoot, TAG_USER, { n: `user${i % USERS}`, v: `warm${i}` });
    const pid = server.child.pid!;
    const cpuBefore = cpuMs(pid);
    const mainBefore = mainThreadCpuMs(pid);
    const started = performance.now();
    for (let i = 0; i < WRITES; i++) await graphql(url, tenantRoot, TAG_USER, { n: `user${i % USERS}`, v: String(i) });
    const wall = performance.now() - started;
    return { cpuMsPerWrite: (cpuMs(pid) - cpuBefore) / WRITES, mainThreadMsPerWrite: (mainThreadCpuMs(pid) - mainBefore) / WRITES, wallMsPerWrite: wall / WRITES };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((done) => server.child.once('exit', done));
  }
}

const stores: ('embedded' | 'postgres')[] = process.env['DATABASE_URL'] ? ['embedded', 'postgres'] : ['embedded'];
const builds = [{ name: 'this build', checkout: root, label: 'current' }, ...(baselineRoot ? [{ name: 'baseline', checkout: baselineRoot, label: 'baseline' }] : [])];
console.log(`tagUser through the server, ${WRITES} writes one at a time; load average ${loadavg()[0]!.toFixed(2)}`);
const results = new Map<string, Measured[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const store of stores) {
    // Alternated: neither build always runs first in a round.
    for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
      const measured = await measure(build.checkout, store, build.label);
      const key = `${store} ${build.name}`;
      results.set(key, [...(results.get(key) ?? []), measured]);
      console.log(
        `  round ${round + 1}, ${key}: ${measured.cpuMsPerWrite.toFixed(2)} ms server CPU per write (main thread ${measured.mainThreadMsPerWrite.toFixed(2)} ms), ${measured.wallMsPerWrite.toFixed(2)} ms wall per write`,
      );
    }
  }
}
if (baselineRoot) {
  for (const store of stores) {
    const current = results.get(`${store} this build`)!;
    const baseline = results.get(`${store} baseline`)!;
    const ratios = current.map((run, index) => (run.cpuMsPerWrite / baseline[index]!.cpuMsPerWrite).toFixed(2));
    const mainRatios = current.map((run, index) => (run.mainThreadMsPerWrite / baseline[index]!.mainThreadMsPerWrite).toFixed(2));
    console.log(`  ${store}: server CPU per write, this build over the baseline, per round: ${ratios.join(', ')}; the main thread's: ${mainRatios.join(', ')}`);
  }
}
console.log(`load average after: ${loadavg()[0]!.toFixed(2)}`);
