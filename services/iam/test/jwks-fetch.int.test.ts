import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpsJsonFetcher, IDP_UNREACHABLE_MESSAGE, IdpCommunicationError, type IdpFetchFailure, JwksCache } from '../src/index.js';
import { makeTestCertificates } from './oidc-issuer.js';

/**
 * The identity provider fetcher's bounds, against a real HTTPS server on loopback: certificates
 * verified (an untrusted CA is refused), https only, no redirects, a size cap (declared or not) and
 * a time limit; discovery must name the issuer and an https jwks_uri; keys are cached for their
 * lifetime. Only public addresses are connected to unless the operator allows the host (the
 * loopback server is allowed by name here); whatever fails, the caller gets one message and the
 * log the reason.
 */
describe('fetching an identity provider’s documents', () => {
  const certificates = makeTestCertificates();
  let server: Server;
  let base = '';
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const hits = new Map<string, number>();
  beforeAll(async () => {
    // The chain as servers present it: the certificate, then the CA that signed it.
    server = createServer({ key: certificates.key, cert: `${certificates.cert}${readFileSync(certificates.caFile, 'utf8')}` }, (req, res) => {
      hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
      const route = routes.get(req.url ?? '');
      if (route) route(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(certificates.directory, { recursive: true, force: true });
  });
  const json = (body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const failures: IdpFetchFailure[] = [];
  // Generous, so that a fetch meant to succeed does so on a loaded machine; the test of the timeout itself gives a short one.
  const fetcher = (allowedHosts = ['127.0.0.1'], timeoutMs = 10_000) =>
    new HttpsJsonFetcher({ extraCaFile: certificates.caFile, timeoutMs, allowedHosts, onFailure: (failure) => failures.push(failure) });
  /** The reason logged for a fetch that failed, once the caller was told no more than IDP_UNREACHABLE_MESSAGE. */
  async function reasonOf(fetching: () => Promise<unknown>): Promise<string> {
    const logged = failures.length;
    const error = await fetching().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(IdpCommunicationError);
    expect((error as Error).message).toBe(IDP_UNREACHABLE_MESSAGE);
    expect(failures).toHaveLength(logged + 1);
    return failures[logged]!.reason;
  }

  it('reads JSON from a server whose certificate the configured CA signed, and refuses it without that CA', async () => {
    routes.set('/ok', json({ hello: 'world' }));
    expect(await fetcher().fetchJson(`${base}/ok`, 1024)).toEqual({ hello: 'world' });
    await expect(new HttpsJsonFetcher({ timeoutMs: 300, allowedHosts: ['127.0.0.1'] }).fetchJson(`${base}/ok`, 1024)).rejects.toThrow(IdpCommunicationError);
  });

  it('refuses http, redirects, other statuses and bodies that are not JSON', async () => {
    expect(await reasonOf(() => fetcher().fetchJson(`http://127.0.0.1:1/x`, 1024))).toMatch(/https only/);
    routes.set('/moved', (_req, res) => res.writeHead(302, { location: '/ok' }).end());
    expect(await reasonOf(() => fetcher().fetchJson(`${base}/moved`, 1024))).toMatch(/HTTP 302 \(redirects are not followed\)/);
    expect(await reasonOf(() => fetcher().fetchJson(`${base}/missing`, 1024))).toMatch(/HTTP 404/);
    routes.set('/html', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    expect(await reasonOf(() => fetcher().fetchJson(`${base}/html`, 1024))).toMatch(/not JSON/);
  });

  it('stops reading past the size cap, whether the length is declared or not', async () => {
    routes.set('/big', json({ padding: 'x'.repeat(5000) }));
    expect(await reasonOf(() => fetcher().fetchJson(`${base}/big`, 1024))).toMatch(/larger than 1024 bytes/);
    routes.set('/chunked', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const write = (left: number) => {
        if (left === 0 || res.destroyed) return res.end();
        res.write(' '.repeat(512));
        setImmediate(() => write(left - 1));
      };
      write(100);
    });
    expect(await reasonOf(() => fetcher().fetchJson(`${base}/chunked`, 1024))).toMatch(/larger than 1024 bytes/);
  });

  it('gives up on a server that does not answer in time', async () => {
    routes.set('/silent', () => undefined);
    // The reason is the fetcher's own timeout: it gave up, rather than the server closing or the test timing out.
    expect(await reasonOf(() => fetcher(['127.0.0.1'], 300).fetchJson(`${base}/silent`, 1024))).toMatch(/no answer within 300 ms/);
  });

  it('requires discovery to name the issuer and an https jwks_uri, and keeps the keys for their lifetime', async () => {
    let now = Date.now();
    const cache = new JwksCache({ fetcher: fetcher(), clock: { now: () => new Date(now) }, ttlMs: 60_000, minRefreshMs: 10_000 });
    routes.set('/liar/.well-known/openid-configuration', json({ issuer: 'https://elsewhere.example.com', jwks_uri: `${base}/keys` }));
    await expect(cache.keys(`${base}/liar`)).rejects.toThrow(/names another issuer/);
    routes.set('/plain/.well-known/openid-configuration', json({ issuer: `${base}/plain`, jwks_uri: `http://127.0.0.1/keys` }));
    await expect(cache.keys(`${base}/plain`)).rejects.toThrow(/no https jwks_uri/);
    routes.set('/good/.well-known/openid-configuration', json({ issuer: `${base}/good`, jwks_uri: `${base}/good/keys` }));
    routes.set('/good/keys', json({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'a' }] }));
    expect((await cache.keys(`${base}/good`)).keys).toHaveLength(1);
    await cache.keys(`${base}/good`);
    // A refresh (an unknown kid) within minRefreshMs is not a fetch; after it, it is.
    await cache.keys(`${base}/good`, { refresh: true });
    expect(hits.get('/good/keys')).toBe(1);
    now += 11_000;
    await cache.keys(`${base}/good`, { refresh: true });
    expect(hits.get('/good/keys')).toBe(2);
    now += 61_000;
    await cache.keys(`${base}/good`);
    expect(hits.get('/good/keys')).toBe(3);
  });

  it('uses the last keys for a bounded time while the provider is down, but not for an unknown kid', async () => {
    let now = Date.now();
    const cache = new JwksCache({ fetcher: fetcher(), clock: { now: () => new Date(now) }, ttlMs: 60_000, minRefreshMs: 10_000, staleMs: 120_000 });
    routes.set('/flaky/.well-known/openid-configuration', json({ issuer: `${base}/flaky`, jwks_uri: `${base}/flaky/keys` }));
    routes.set('/flaky/keys', json({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'a' }] }));
    await cache.keys(`${base}/flaky`);
    routes.set('/flaky/keys', (_req, res) => res.writeHead(503).end());
    now += 61_000;
    expect((await cache.keys(`${base}/flaky`)).keys).toHaveLength(1);
    expect(await reasonOf(() => cache.keys(`${base}/flaky`, { refresh: true }))).toMatch(/HTTP 503/);
    now += 120_000;
    await expect(cache.keys(`${base}/flaky`)).rejects.toThrow(IdpCommunicationError);
  });
  // The issuer URL is a tenant's choice and the jwks_uri the discovery document's: Warden must not
  // be made to request its own network (server-side request forgery).
  it('refuses every address that is not public, IPv4-mapped forms included, before connecting', async () => {
    const port = (server.address() as AddressInfo).port;
    const before = hits.get('/ok') ?? 0;
    routes.set('/ok', json({ hello: 'world' }));
    const literals = [
      '127.0.0.1', // loopback
      '10.1.2.3', // RFC 1918
      '172.16.0.1',
      '172.31.255.254',
      '192.168.1.1',
      '100.64.0.1', // CGNAT
      '169.254.169.254', // link-local: the cloud metadata service
      '0.0.0.0', // unspecified
      '224.0.0.1', // multicast
      '[::1]',
      '[::]',
      '[fd00::1]', // RFC 4193
      '[fe80::1]', // link-local
      '[ff02::1]', // multicast
      '[::ffff:127.0.0.1]', // IPv4-mapped loopback
      '[::ffff:a9fe:a9fe]', // IPv4-mapped 169.254.169.254
      '[::ffff:10.0.0.1]',
      '2130706433', // 127.0.0.1 as one number, which URL parsing normalizes
      '0x7f.1', // and in hexadecimal
    ];
    for (const host of literals) expect(await reasonOf(() => fetcher([]).fetchJson(`https://${host}:${port}/ok`, 1024)), host).toMatch(/is not a public address/);
    expect(hits.get('/ok') ?? 0).toBe(before);
  });

  it('refuses a host name that resolves to loopback, checking the address connected to', async () => {
    const port = (server.address() as AddressInfo).port;
    routes.set('/named', json({ hello: 'world' }));
    expect(await reasonOf(() => fetcher([]).fetchJson(`https://localhost:${port}/named`, 1024))).toMatch(/localhost resolves to (127\.0\.0\.1|::1), which is not a public address/);
    expect(hits.get('/named')).toBeUndefined();
    // The operator's allow-list admits it (the certificate names localhost too), by name, in any case.
    expect(await fetcher(['LocalHost']).fetchJson(`https://localhost:${port}/named`, 1024)).toEqual({ hello: 'world' });
    expect(hits.get('/named')).toBe(1);
  });

  it('refuses a discovery document whose jwks_uri points at the cloud metadata address', async () => {
    const cache = new JwksCache({ fetcher: fetcher(['127.0.0.1']), clock: { now: () => new Date() } });
    routes.set('/metadata/.well-known/openid-configuration', json({ issuer: `${base}/metadata`, jwks_uri: 'https://169.254.169.254/latest/meta-data/iam/security-credentials/' }));
    expect(await reasonOf(() => cache.keys(`${base}/metadata`))).toMatch(/169\.254\.169\.254 is not a public address/);
    expect(failures.at(-1)!.url).toBe('https://169.254.169.254/latest/meta-data/iam/security-credentials/');
  });
  // AWS: thumbprints are ignored for a provider whose certificate chains to a trusted root and used
  // otherwise; a thumbprint is the SHA-1 of the top intermediate or root CA certificate the server presents.
  it('admits a server whose chain does not verify only by the thumbprint of the top certificate it presents', async () => {
    routes.set('/pinned', json({ pinned: true }));
    const thumbprintOf = (pem: string) => new X509Certificate(pem).fingerprint.replaceAll(':', '');
    const caThumbprint = thumbprintOf(readFileSync(certificates.caFile, 'utf8'));
    const leafThumbprint = thumbprintOf(certificates.cert);
    const untrusting = new HttpsJsonFetcher({ timeoutMs: 10_000, allowedHosts: ['127.0.0.1'], onFailure: (failure) => failures.push(failure) });
    expect(await untrusting.fetchJson(`${base}/pinned`, 1024, [caThumbprint.toLowerCase()])).toEqual({ pinned: true });
    expect(await untrusting.fetchJson(`${base}/pinned`, 1024, ['0'.repeat(40), caThumbprint])).toEqual({ pinned: true });
    // Not the leaf's: the top of the chain is what is pinned.
    expect(await reasonOf(() => untrusting.fetchJson(`${base}/pinned`, 1024, [leafThumbprint]))).toMatch(/is not one of the provider's/);
    expect(await reasonOf(() => untrusting.fetchJson(`${base}/pinned`, 1024, []))).toMatch(/certificate/);
    // A chain that verifies needs no thumbprint, and a wrong one does not stop it.
    expect(await fetcher().fetchJson(`${base}/pinned`, 1024, ['0'.repeat(40)])).toEqual({ pinned: true });
  });

  it('keeps keys fetched by thumbprint apart from keys fetched with a verified chain', async () => {
    const caThumbprint = new X509Certificate(readFileSync(certificates.caFile, 'utf8')).fingerprint.replaceAll(':', '');
    const cache = new JwksCache({
      fetcher: new HttpsJsonFetcher({ timeoutMs: 10_000, allowedHosts: ['127.0.0.1'], onFailure: (failure) => failures.push(failure) }),
      clock: { now: () => new Date() },
    });
    routes.set('/pin/.well-known/openid-configuration', json({ issuer: `${base}/pin`, jwks_uri: `${base}/pin/keys` }));
    routes.set('/pin/keys', json({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'a' }] }));
    expect((await cache.keys(`${base}/pin`, { thumbprints: [caThumbprint] })).keys).toHaveLength(1);
    // Another provider of the same issuer without the thumbprint does not get them from the cache.
    expect(await reasonOf(() => cache.keys(`${base}/pin`))).toMatch(/certificate/);
  });
});
