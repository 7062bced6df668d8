import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

/**
 * TEST-ONLY: an OpenID Connect issuer on loopback, over real HTTPS. `openssl` makes a CA and a
 * certificate for 127.0.0.1 signed by it (Warden trusts the CA through `caFile`, as
 * WARDEN_OIDC_CA_FILE or NODE_EXTRA_CA_CERTS would have it); the server answers discovery and the
 * JWKS; keys come from jose.generateKeyPair and tokens from jose.SignJWT. Nothing is mocked.
 */
export interface TestIssuer {
  /** https://127.0.0.1:PORT/realms/NAME */
  readonly issuer: string;
  /** The issuer without https://, as a provider URL and condition key prefix. */
  readonly url: string;
  readonly caFile: string;
  /** Requests the server answered, by path. */
  readonly hits: Map<string, number>;
  sign(claims: JWTPayload, options?: { kid?: string; alg?: 'RS256' | 'ES256'; key?: 'current' | 'retired' }): Promise<string>;
  /** A new current key (published under a new kid), the old one kept for `retired` signatures but no longer published. */
  rotate(): Promise<void>;
  /** The public key's SPKI PEM: what an attacker signing with HS256 would use as the HMAC secret. */
  publicKeyPem(): Promise<string>;
  close(): Promise<void>;
}

interface KeyPair {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JWK;
}

async function newKey(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** A CA and a 127.0.0.1 server certificate it signed, made with the openssl CLI in a fresh directory. */
export function makeTestCertificates(): { directory: string; caFile: string; key: string; cert: string } {
  const directory = mkdtempSync(join(tmpdir(), 'warden-oidc-'));
  const at = (name: string) => join(directory, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=Warden test OIDC CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(at('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('server.pem'), '-days', '2', '-extfile', at('server.ext'));
  return { directory, caFile: at('ca.pem'), key: readFileSync(at('server.key'), 'utf8'), cert: readFileSync(at('server.pem'), 'utf8') };
}

export async function startTestIssuer(realm = 'test', certificates = makeTestCertificates()): Promise<TestIssuer> {
  let current = await newKey(`${realm}-1`);
  let retired: KeyPair | undefined;
  let generation = 1;
  const hits = new Map<string, number>();
  let issuer = '';
  // The chain as real providers present it: the server's certificate, then the CA that signed it.
  const server: Server = createServer({ key: certificates.key, cert: `${certificates.cert}${readFileSync(certificates.caFile, 'utf8')}` }, (req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === `/realms/${realm}/.well-known/openid-configuration`) return json({ issuer, jwks_uri: `${issuer}/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    if (path === `/realms/${realm}/keys`) return json({ keys: [current.jwk] });
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  issuer = `https://127.0.0.1:${port}/realms/${realm}`;
  return {
    issuer,
    url: issuer.slice('https://'.length),
    caFile: certificates.caFile,
    hits,
    async sign(claims, options = {}) {
      const key = options.key === 'retired' && retired ? retired : current;
      const now = Math.floor(Date.now() / 1000);
      // A jti, as real providers set one: RS256 is deterministic, so two tokens with the same claims in one second would be the same token.
      return new SignJWT({ iss: issuer, iat: now, exp: now + 600, jti: randomUUID(), ...claims })
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? key.kid, typ: 'JWT' })
        .sign(key.privateKey);
    },
    async rotate() {
      retired = current;
      generation++;
      current = await newKey(`${realm}-${generation}`);
    },
    publicKeyPem: () => exportSPKI(current.publicKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        rmSync(certificates.directory, { recursive: true, force: true });
      }),
  };
}
