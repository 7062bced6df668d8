import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpsJsonFetcher, IdpCommunicationError, JwksCache } from '../src/index.js';
import { makeTestCertificates } from './oidc-issuer.js';

/**
 * The identity provider fetcher's bounds, against a real HTTPS server on loopback: certificates
 * verified (an untrusted CA is refused), https only, no redirects, a size cap (declared or not) and
 * a time limit; discovery must name the issuer and an https jwks_uri; keys are cached for their
 * lifetime.
 */
describe('fetching an identity provider’s documents', () => {
  const certificates = makeTestCertificates();
  let server: Server;
  let base = '';
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const hits = new Map<string, number>();
  beforeAll(async () => {
    server = createServer({ key: certificates.key, cert: certificates.cert }, (req, res) => {
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
  const fetcher = () => new HttpsJsonFetcher({ extraCaFile: certificates.caFile, timeoutMs: 300 });

  it('reads JSON from a server whose certificate the configured CA signed, and refuses it without that CA', async () => {
    routes.set('/ok', json({ hello: 'world' }));
    expect(await fetcher().fetchJson(`${base}/ok`, 1024)).toEqual({ hello: 'world' });
    await expect(new HttpsJsonFetcher({ timeoutMs: 300 }).fetchJson(`${base}/ok`, 1024)).rejects.toThrow(IdpCommunicationError);
  });

  it('refuses http, redirects, other statuses and bodies that are not JSON', async () => {
    await expect(fetcher().fetchJson(`http://127.0.0.1:1/x`, 1024)).rejects.toThrow(/https only/);
    routes.set('/moved', (_req, res) => res.writeHead(302, { location: '/ok' }).end());
    await expect(fetcher().fetchJson(`${base}/moved`, 1024)).rejects.toThrow(/HTTP 302 \(redirects are not followed\)/);
    await expect(fetcher().fetchJson(`${base}/missing`, 1024)).rejects.toThrow(/HTTP 404/);
    routes.set('/html', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    await expect(fetcher().fetchJson(`${base}/html`, 1024)).rejects.toThrow(/not JSON/);
  });

  it('stops reading past the size cap, whether the length is declared or not', async () => {
    routes.set('/big', json({ padding: 'x'.repeat(5000) }));
    await expect(fetcher().fetchJson(`${base}/big`, 1024)).rejects.toThrow(/larger than 1024 bytes/);
    routes.set('/chunked', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const write = (left: number) => {
        if (left === 0 || res.destroyed) return res.end();
        res.write(' '.repeat(512));
        setImmediate(() => write(left - 1));
      };
      write(100);
    });
    await expect(fetcher().fetchJson(`${base}/chunked`, 1024)).rejects.toThrow(/larger than 1024 bytes/);
  });

  it('gives up on a server that does not answer in time', async () => {
    routes.set('/silent', () => undefined);
    const started = Date.now();
    await expect(fetcher().fetchJson(`${base}/silent`, 1024)).rejects.toThrow(/no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
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
    await expect(cache.keys(`${base}/flaky`, { refresh: true })).rejects.toThrow(/HTTP 503/);
    now += 120_000;
    await expect(cache.keys(`${base}/flaky`)).rejects.toThrow(IdpCommunicationError);
  });
});
