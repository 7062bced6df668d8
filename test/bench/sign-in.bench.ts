/**
 * Console sign-in under load, on a real Warden server (a child process; embedded PGlite, or a
 * fresh `warden_bench` database on the DATABASE_URL Postgres). Reports the argon2id parameters and
 * the time per hash and per verification, sign-ins per second, and whether the server stays
 * responsive to `authorize` while sign-ins flood it: authorize's p99 during the flood next to its
 * p99 alone, measured in the same run.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARGON2ID, hashPassword, verifyPassword } from '@warden/iam';
import autocannon from 'autocannon';
import { type AccessKey, type CreatedAccount, freshBenchDatabaseUrl, graphql, signed, startProcess, wardenServerEnv } from './bench-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);

// argon2id at Warden's cost, in this process, one at a time: the price of one sign-in's hash.
const samples = 20;
let started = performance.now();
const hash = await hashPassword('Correct-Horse-Battery-1');
for (let i = 1; i < samples; i++) await hashPassword('Correct-Horse-Battery-1');
const hashMs = (performance.now() - started) / samples;
started = performance.now();
for (let i = 0; i < samples; i++) await verifyPassword(hash, 'Correct-Horse-Battery-1');
const verifyMs = (performance.now() - started) / samples;
console.log(
  `argon2id: memory ${ARGON2ID.memoryCost} KiB, ${ARGON2ID.timeCost} passes, ${ARGON2ID.parallelism} lane: ${hashMs.toFixed(1)} ms per hash, ${verifyMs.toFixed(1)} ms per verification (mean of ${samples}, one at a time)`,
);

type Run = { perSecond: number; p50: number; p99: number; non2xx: number };
const summary = (result: autocannon.Result): Run => ({ perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx });

/** A fresh store (a new data directory, or a fresh `warden_bench` database) and a server on it. */
async function freshWarden(extraEnv: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-bench-signin-'));
  const benchDatabaseUrl = await freshBenchDatabaseUrl();
  const env = {
    ...wardenServerEnv({ dataDir, databaseUrl: benchDatabaseUrl, logLevel: 'info' }),
    WARDEN_TRUSTED_PROXIES: '127.0.0.1,::1',
    ...extraEnv,
  };
  const started = await startProcess(process.execPath, [join(root, 'services', 'api', 'bin', 'warden.js'), 'serve'], env, /"url":"(http:\/\/[^"]+)"/, join(env['WARDEN_DATA_DIR'], 'warden.log'));
  return { child: started.child, url: started.match[1]!, managementKey: JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8')) as AccessKey };
}

async function measure(label: string, extraEnv: Record<string, string>) {
  const warden = await freshWarden(extraEnv);
  const url = warden.url;
  try {
    const tenant = await graphql<CreatedAccount>(
      url,
      warden.managementKey,
      'mutation { createAccount(input: { name: "bench", alias: "bench-corp" }) { ... on CreateAccountSuccess { data { account { accountId } rootAccessKey { accessKeyId secretAccessKey } } } } }',
    );
    const accountId = tenant.createAccount.data.account.accountId;
    const tenantRoot = tenant.createAccount.data.rootAccessKey;
    await graphql(url, tenantRoot, 'mutation { createUser(input: { userName: "reader" }) { __typename } }');
    await graphql(url, tenantRoot, 'mutation { attachUserPolicy(input: { userName: "reader", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }) { __typename } }');
    const people = 20;
    for (let i = 0; i < people; i++) {
      await graphql(url, tenantRoot, 'mutation($n: String!) { createUser(input: { userName: $n }) { __typename } }', { n: `person${i}` });
      await graphql(url, tenantRoot, 'mutation($n: String!) { createLoginProfile(input: { userName: $n, password: "Correct-Horse-Battery-1" }) { __typename } }', { n: `person${i}` });
    }
    const authorizeBody = JSON.stringify({
      query: 'query($input: AuthorizeInput!) { authorize(input: $input) { ... on AuthorizeSuccess { data { decision } } } }',
      variables: { input: { principal: `arn:aws:iam::${accountId}:user/reader`, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.pdf' } },
    });
    const authorizeHeaders = await signed(url, tenantRoot, authorizeBody);
    const signInQuery = 'mutation($input: SignInInput!) { signIn(input: $input) { __typename ... on SignInSuccess { data { __typename } } } }';
    // Sign-ins spread over the people (and all succeed: only failures count towards throttling).
    const signInRequests = Array.from({ length: people }, (_, i) => ({
      method: 'POST' as const,
      // As if through a trusted proxy from 20 clients (the path a proxied deployment takes).
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i + 1}` },
      body: JSON.stringify({ query: signInQuery, variables: { input: { account: 'bench-corp', userName: `person${i}`, password: 'Correct-Horse-Battery-1' } } }),
    }));
    const checked = JSON.stringify(await (await fetch(url, signInRequests[0])).json());
    if (!checked.includes('SignedIn')) throw new Error(`sign-in does not succeed: ${checked}`);

    const authorizeLoad = () => autocannon({ url, method: 'POST', headers: authorizeHeaders, body: authorizeBody, connections: 10, duration: SECONDS });
    const signInLoad = () => autocannon({ url, requests: signInRequests, connections: 16, duration: SECONDS });
    const alone = summary(await authorizeLoad());
    const signInsAlone = summary(await signInLoad());
    const [during, flood] = (await Promise.all([authorizeLoad(), signInLoad()])).map(summary) as [Run, Run];
    for (const [name, run] of Object.entries({ alone, signInsAlone, during, flood })) if (run.non2xx > 0) throw new Error(`${name}: ${run.non2xx} non-2xx answers`);
    console.log(`${label}:`);
    console.log(`  sign-ins alone, 16 connections, ${SECONDS}s: ${signInsAlone.perSecond.toFixed(0)}/s (p50 ${signInsAlone.p50} ms, p99 ${signInsAlone.p99} ms)`);
    console.log(`  authorize alone, 10 connections: ${alone.perSecond.toFixed(0)} req/s, p50 ${alone.p50} ms, p99 ${alone.p99} ms`);
    console.log(
      `  authorize during the sign-in flood: ${during.perSecond.toFixed(0)} req/s, p50 ${during.p50} ms, p99 ${during.p99} ms (p99 during/alone ${(during.p99 / Math.max(alone.p99, 1)).toFixed(2)}); sign-ins meanwhile ${flood.perSecond.toFixed(0)}/s`,
    );
  } finally {
    warden.child.kill('SIGTERM');
    await new Promise((resolve) => warden.child.once('exit', resolve));
  }
}

console.log(`sign-in benchmark on ${process.env['DATABASE_URL'] ? 'Postgres' : 'embedded PGlite'}, ${availableParallelism()} cores`);
// Warden's default (argon2 on at most cores − 1 at once) next to no practical limit (libuv's 4 threads).
await measure('argon2 concurrency: default (cores - 1)', {});
await measure('argon2 concurrency: 4 (unlimited on this machine: the libuv pool has 4 threads)', { WARDEN_PASSWORD_HASH_CONCURRENCY: '4' });
