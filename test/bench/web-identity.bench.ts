/**
 * assumeRoleWithWebIdentity against assumeRole, on a real Warden server (a child process; embedded
 * PGlite, or a fresh `warden_bench` database on the DATABASE_URL Postgres), measured in the same
 * run, in alternating rounds. The issuer is an HTTPS server on loopback with a CA made here with
 * openssl (the server trusts it through WARDEN_OIDC_CA_FILE); its keys stay cached in Warden after
 * the first token, which is the case the target is about: web identity at least 70% of
 * assumeRole's throughput. Every web identity request carries a token of its own (a token is
 * accepted once), signed beforehand with jose so the load generator only sends.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { type AccessKey, type CreatedAccount, freshBenchDatabaseUrl, graphql, signed, startProcess, wardenServerEnv } from './bench-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const PER_ROUND = Number(process.env['BENCH_REQUESTS'] ?? 600);
const ROUNDS = 3;
const CONCURRENCY = 8;

// The issuer: a CA and a 127.0.0.1 certificate from openssl, discovery and JWKS over node:https.
const dir = mkdtempSync(join(tmpdir(), 'warden-bench-oidc-'));
const at = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '1', '-subj', '/CN=bench CA');
openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=127.0.0.1');
writeFileSync(at('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
openssl('x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('server.pem'), '-days', '1', '-extfile', at('server.ext'));
const { privateKey, publicKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' };
let issuer = '';
const idp = createServer({ key: readFileSync(at('server.key')), cert: readFileSync(at('server.pem')) }, (req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(req.url?.endsWith('/keys') ? { keys: [jwk] } : { issuer, jwks_uri: `${issuer}/keys` }));
});
await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
issuer = `https://127.0.0.1:${(idp.address() as AddressInfo).port}/bench`;
const providerUrl = issuer.slice('https://'.length);

const dataDir = mkdtempSync(join(tmpdir(), 'warden-bench-wi-'));
const env = {
  ...wardenServerEnv({ dataDir, databaseUrl: await freshBenchDatabaseUrl(), logLevel: 'info' }),
  WARDEN_OIDC_CA_FILE: at('ca.pem'),
  WARDEN_OIDC_ALLOWED_HOSTS: '127.0.0.1',
  // The load comes from one address, far above the per-address ceiling a deployment wants.
  WARDEN_UNSIGNED_EXCHANGES_PER_MINUTE: '0',
};
const started = await startProcess(process.execPath, [join(root, 'services', 'api', 'bin', 'warden.js'), 'serve'], env, /"url":"(http:\/\/[^"]+)"/, join(dataDir, 'warden.log'));
const url = started.match[1]!;
const managementKey = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8')) as AccessKey;

try {
  const tenant = await graphql<CreatedAccount>(
    url,
    managementKey,
    'mutation { createAccount(input: { name: "bench" }) { ... on CreateAccountSuccess { data { account { accountId } rootAccessKey { accessKeyId secretAccessKey } } } } }',
  );
  const accountId = tenant.createAccount.data.account.accountId;
  const tenantRoot = tenant.createAccount.data.rootAccessKey;
  const provider = await graphql<{ createOpenIDConnectProvider: { data: { arn: string } } }>(
    url,
    tenantRoot,
    'mutation($i: CreateOpenIDConnectProviderInput!) { createOpenIDConnectProvider(input: $i) { ... on CreateOpenIDConnectProviderSuccess { data { arn } } } }',
    { i: { url: issuer, clientIdList: ['sts.amazonaws.com'] } },
  );
  await graphql(url, tenantRoot, 'mutation { createUser(input: { userName: "caller" }) { __typename } }');
  const key = await graphql<{ createAccessKey: { data: AccessKey } }>(
    url,
    tenantRoot,
    'mutation { createAccessKey(input: { userName: "caller" }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
  );
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:user/caller` }, Action: 'sts:AssumeRole' },
      {
        Effect: 'Allow',
        Principal: { Federated: provider.createOpenIDConnectProvider.data.arn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${providerUrl}:aud`]: 'sts.amazonaws.com' } },
      },
    ],
  });
  await graphql(url, tenantRoot, 'mutation($i: CreateRoleInput!) { createRole(input: $i) { __typename } }', { i: { roleName: 'bench', assumeRolePolicyDocument: trust } });
  const roleArn = `arn:aws:iam::${accountId}:role/bench`;

  const assumeBody = JSON.stringify({
    query: 'mutation($i: AssumeRoleInput!) { assumeRole(input: $i) { __typename ... on AssumeRoleSuccess { data { credentials { accessKeyId } } } } }',
    variables: { i: { roleArn, roleSessionName: 'bench' } },
  });
  const assumeHeaders = await signed(url, key.createAccessKey.data, assumeBody);
  const webQuery =
    'mutation($i: AssumeRoleWithWebIdentityInput!) { assumeRoleWithWebIdentity(input: $i) { __typename ... on AssumeRoleWithWebIdentitySuccess { data { credentials { accessKeyId } } } } }';
  const now = Math.floor(Date.now() / 1000);
  const webBodies: string[] = [];
  for (let i = 0; i < PER_ROUND * (ROUNDS + 1); i++) {
    const token = await new SignJWT({ iss: issuer, sub: `workload-${i % 50}`, aud: 'sts.amazonaws.com', iat: now, exp: now + 3600, jti: randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench-1' })
      .sign(privateKey);
    webBodies.push(JSON.stringify({ query: webQuery, variables: { i: { roleArn, roleSessionName: 'bench', webIdentityToken: token } } }));
  }

  /** Sends `count` requests, CONCURRENCY at a time; returns requests per second, and fails on any that did not succeed. */
  async function run(count: number, send: (i: number) => Promise<Response>, success: string): Promise<number> {
    let next = 0;
    const begun = performance.now();
    const worker = async () => {
      while (next < count) {
        const response = await send(next++);
        const text = await response.text();
        if (!text.includes(success)) throw new Error(`unexpected answer: ${text.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return count / ((performance.now() - begun) / 1000);
  }
  let web = 0;
  const assumeRole = () => run(PER_ROUND, () => fetch(url, { method: 'POST', headers: assumeHeaders, body: assumeBody }), 'AssumeRoleSuccess');
  const webIdentity = () => {
    const offset = web;
    web += PER_ROUND;
    return run(PER_ROUND, (i) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: webBodies[offset + i]! }), 'AssumeRoleWithWebIdentitySuccess');
  };
  // Warm-up (the first web identity request fetches discovery and keys; every later one finds them cached).
  await assumeRole();
  await webIdentity();
  const results = { assumeRole: [] as number[], webIdentity: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    results.assumeRole.push(await assumeRole());
    results.webIdentity.push(await webIdentity());
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratio = median(results.webIdentity) / median(results.assumeRole);
  console.log(`store: ${env.DATABASE_URL ? 'postgres' : 'pglite'}; ${ROUNDS} alternating rounds of ${PER_ROUND} requests, ${CONCURRENCY} at a time`);
  console.log(`assumeRole:                ${results.assumeRole.map((value) => value.toFixed(0)).join(', ')} /s (median ${median(results.assumeRole).toFixed(0)})`);
  console.log(`assumeRoleWithWebIdentity: ${results.webIdentity.map((value) => value.toFixed(0)).join(', ')} /s (median ${median(results.webIdentity).toFixed(0)})`);
  console.log(`ratio: ${(ratio * 100).toFixed(0)}% of assumeRole's throughput (target: at least 70%) ${ratio >= 0.7 ? 'MET' : 'NOT MET'}`);
} finally {
  started.child.kill('SIGTERM');
  idp.close();
  idp.closeAllConnections();
}
