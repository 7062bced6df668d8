import { createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it, vi } from 'vitest';
import { SigningKeyCache, deriveSigningKey } from './signing-key-cache.js';
import { SigV4Error, verifySigV4 } from './index.js';
import type { SigV4FailureReason, SignedRequest, SigningKeyMaterial, VerifyOptions } from './index.js';

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

const ACCESS_KEY_ID = 'AKIAWARDENTEST0000001';
const SECRET = 'wardenSecret/K7MDENG+bPxRfiCYEXAMPLEKEY';
const INACTIVE_KEY_ID = 'AKIAWARDENINACTIVE01';
const INACTIVE_SECRET = 'inactiveSecret/abcdefghijklmnopqrstuvwxyz01';
const SIGNING_DATE = new Date('2026-11-28T10:10:10Z');

const KEYS = new Map<string, SigningKeyMaterial>([
  [ACCESS_KEY_ID, { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET }],
  [INACTIVE_KEY_ID, { accessKeyId: INACTIVE_KEY_ID, secretAccessKey: INACTIVE_SECRET }],
]);

/** The shape of the smithy `HttpRequest` the SDK signs and then hands to its HTTP handler. */
interface SdkRequest {
  method: string;
  protocol: string;
  hostname: string;
  port: number;
  path: string;
  query: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

function sdkRequest(overrides: Partial<SdkRequest> = {}): SdkRequest {
  return {
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4000,
    path: '/graphql',
    query: {},
    headers: { host: '127.0.0.1:4000', 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ me { id } }' }),
    ...overrides,
  };
}

interface SignerSettings {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  region?: string;
  service?: string;
  applyChecksum?: boolean;
}

function signer(settings: SignerSettings = {}): SignatureV4 {
  return new SignatureV4({
    service: settings.service ?? 'warden',
    region: settings.region ?? 'us-east-1',
    credentials: {
      accessKeyId: settings.accessKeyId ?? ACCESS_KEY_ID,
      secretAccessKey: settings.secretAccessKey ?? SECRET,
      ...(settings.sessionToken === undefined ? {} : { sessionToken: settings.sessionToken }),
    },
    sha256: Sha256,
    ...(settings.applyChecksum === undefined ? {} : { applyChecksum: settings.applyChecksum }),
  });
}

interface SignOptions {
  signingDate?: Date;
  unsignableHeaders?: Set<string>;
}

async function sign(request: SdkRequest, settings: SignerSettings = {}, options: SignOptions = {}): Promise<SdkRequest> {
  const signed = await signer(settings).sign(request, {
    signingDate: options.signingDate ?? SIGNING_DATE,
    ...(options.unsignableHeaders === undefined ? {} : { unsignableHeaders: options.unsignableHeaders }),
  });
  return signed as SdkRequest;
}

async function presign(request: SdkRequest, settings: SignerSettings = {}, options: { signingDate?: Date; expiresIn?: number } = {}): Promise<SdkRequest> {
  const signed = await signer(settings).presign(request, {
    signingDate: options.signingDate ?? SIGNING_DATE,
    expiresIn: options.expiresIn ?? 900,
  });
  return signed as SdkRequest;
}

/** Percent-encoding the SDK's HTTP handler applies to query names and values on the wire. */
function wireEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The query string the SDK's HTTP handler puts on the wire for a smithy query bag. */
function wireQuery(query: SdkRequest['query']): string {
  const parts: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const value = query[name];
    if (Array.isArray(value)) {
      for (const item of value) parts.push(`${wireEscape(name)}=${wireEscape(item)}`);
    } else if (value === null || value === undefined) {
      parts.push(wireEscape(name));
    } else {
      parts.push(`${wireEscape(name)}=${wireEscape(value)}`);
    }
  }
  return parts.join('&');
}

/**
 * What a node:http server sees for a request the SDK sent: header names
 * lower-cased (repeated names joined with ", "), values trimmed, `host` as
 * sent, plus the headers node's client adds on its own (`connection`, and
 * `content-length` for a body written with `end(body)`); the body as a Buffer.
 */
function asReceivedByNode(request: SdkRequest): SignedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    const existing = headers[lower];
    headers[lower] = existing === undefined ? value.trim() : `${existing}, ${value.trim()}`;
  }
  const body = Buffer.from(request.body ?? '');
  headers['connection'] ??= 'keep-alive';
  if (body.length > 0) headers['content-length'] ??= String(body.length);
  return { method: request.method, path: request.path, query: wireQuery(request.query), headers, body };
}

function verifyOptions(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    service: 'warden',
    region: 'us-east-1',
    now: new Date(SIGNING_DATE.getTime() + 2_000),
    lookupKey: (accessKeyId) => Promise.resolve(KEYS.get(accessKeyId)),
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>, reason: SigV4FailureReason): Promise<SigV4Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SigV4Error);
    const sigv4Error = error as SigV4Error;
    expect({ reason: sigv4Error.reason, message: sigv4Error.message }).toMatchObject({ reason });
    return sigv4Error;
  }
  throw new Error(`expected verification to fail with ${reason}, but it succeeded`);
}

function withHeaders(request: SignedRequest, headers: Record<string, string | undefined>): SignedRequest {
  return { ...request, headers: { ...request.headers, ...headers } };
}

function header(request: SignedRequest, name: string): string {
  const value = request.headers[name];
  if (typeof value !== 'string') throw new Error(`test request has no ${name} header`);
  return value;
}

function signatureOf(request: SignedRequest): string {
  const match = /Signature=([0-9a-f]{64})/.exec(header(request, 'authorization'));
  if (match?.[1] === undefined) throw new Error('no signature in Authorization');
  return match[1];
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

// ---------------------------------------------------------------------------
// Valid requests
// ---------------------------------------------------------------------------

describe('verifySigV4: requests signed by @smithy/signature-v4', () => {
  it('accepts a header-signed POST with a JSON body', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    const verified = await verifySigV4(request, verifyOptions());
    expect(verified).toEqual({
      accessKeyId: ACCESS_KEY_ID,
      signedAt: SIGNING_DATE,
      securityToken: undefined,
      signedHeaders: ['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date'],
      service: 'warden',
      region: 'us-east-1',
    });
  });

  it('returns the key it verified with, as lookupKey returned it, and keeps it out of what is serialized', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    const resolved = { ...KEYS.get(ACCESS_KEY_ID)!, owner: 'alice' };
    const verified = await verifySigV4(request, { ...verifyOptions(), lookupKey: () => Promise.resolve(resolved) });
    expect(verified.key).toBe(resolved);
    expect(verified.key.owner).toBe('alice');
    expect(JSON.stringify(verified)).not.toContain(SECRET);
    expect({ ...verified }).not.toHaveProperty('key');
  });

  it('accepts the body given as a string or as bytes', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    const asString = { ...request, body: Buffer.from(request.body).toString('utf8') };
    await expect(verifySigV4(asString, verifyOptions())).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
    const asUint8Array = { ...request, body: new Uint8Array(Buffer.from(request.body)) };
    await expect(verifySigV4(asUint8Array, verifyOptions())).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
  });

  it('accepts header auth with x-amz-content-sha256 sent by the client', async () => {
    const body = JSON.stringify({ query: 'mutation { createUser(name: "zoë") { id } }' });
    const request = asReceivedByNode(await sign(sdkRequest({ body, headers: { ...sdkRequest().headers, 'x-amz-content-sha256': sha256(body) } })));
    expect(header(request, 'x-amz-content-sha256')).toBe(sha256(body));
    const verified = await verifySigV4(request, verifyOptions());
    expect(verified.signedHeaders).toContain('x-amz-content-sha256');
  });

  it('accepts header auth without x-amz-content-sha256 (payload hashed from the body)', async () => {
    const request = asReceivedByNode(await sign(sdkRequest(), { applyChecksum: false }));
    expect(request.headers['x-amz-content-sha256']).toBeUndefined();
    const verified = await verifySigV4(request, verifyOptions());
    expect(verified.signedHeaders).toEqual(['content-type', 'host', 'x-amz-date']);
  });

  it('accepts a GET with no body', async () => {
    const request = asReceivedByNode(await sign(sdkRequest({ method: 'GET', body: '', headers: { host: '127.0.0.1:4000' } })));
    await expect(verifySigV4(request, verifyOptions())).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
  });

  it('accepts a presigned GET', async () => {
    const presigned = await presign(sdkRequest({ method: 'GET', body: '', headers: { host: '127.0.0.1:4000' }, query: { operation: 'me' } }), {}, { expiresIn: 3600 });
    const request = asReceivedByNode(presigned);
    expect(request.query).toContain('X-Amz-Signature=');
    expect(request.headers['authorization']).toBeUndefined();
    const verified = await verifySigV4(request, verifyOptions({ now: new Date(SIGNING_DATE.getTime() + 3_000_000) }));
    expect(verified).toEqual({
      accessKeyId: ACCESS_KEY_ID,
      signedAt: SIGNING_DATE,
      securityToken: undefined,
      signedHeaders: ['host'],
      service: 'warden',
      region: 'us-east-1',
    });
  });

  it('accepts a presigned URL whose query parameters arrive in a different order and encoding', async () => {
    const request = asReceivedByNode(await presign(sdkRequest({ method: 'GET', body: '', headers: { host: '127.0.0.1:4000' }, query: { name: 'a~b c' } })));
    const reordered = request.query
      .split('&')
      .reverse()
      .map((pair) => pair.replace('~', '%7e'))
      .join('&');
    expect(reordered).not.toBe(request.query);
    await expect(verifySigV4({ ...request, query: reordered }, verifyOptions())).resolves.toMatchObject({
      accessKeyId: ACCESS_KEY_ID,
    });
  });

  it.each(['GET', 'HEAD'])('accepts a presigned %s without a body whose payload is UNSIGNED-PAYLOAD (its operation is in the signed URL)', async (method) => {
    const presigned = await presign(
      sdkRequest({
        method,
        body: '',
        query: { query: '{ me { id } }' },
        headers: { host: '127.0.0.1:4000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      }),
    );
    const request = asReceivedByNode(presigned);
    expect(request.query).toContain('x-amz-content-sha256=UNSIGNED-PAYLOAD');
    await expect(verifySigV4(request, verifyOptions())).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
  });

  it('accepts a query string with several parameters, repeated names and special characters', async () => {
    const query = {
      operationName: 'GetUser',
      'variables[id]': 'user/42?x=1&y=2',
      q: "a b+c!*'()~;:@$,",
      ünïcødé: '☃ 😀 é',
      tag: ['zeta', 'alpha', 'Beta'],
      empty: '',
    };
    const request = asReceivedByNode(await sign(sdkRequest({ method: 'GET', body: '', query })));
    expect(request.query).toContain('q=a%20b%2Bc%21%2A%27%28%29~%3B%3A%40%24%2C');
    await expect(verifySigV4(request, verifyOptions())).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
    // Reordering on the wire does not matter: the canonical query string is sorted.
    const shuffled = { ...request, query: request.query.split('&').reverse().join('&') };
    await expect(verifySigV4(shuffled, verifyOptions())).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
  });

  it('accepts a path with spaces, unicode and an encoded slash (SDK paths are percent-encoded)', async () => {
    const path = `/graphql/${encodeURIComponent('my doc')}/${encodeURIComponent('été ☃')}/${encodeURIComponent('a/b')}`;
    expect(path).toBe('/graphql/my%20doc/%C3%A9t%C3%A9%20%E2%98%83/a%2Fb');
    const request = asReceivedByNode(await sign(sdkRequest({ path })));
    await expect(verifySigV4(request, verifyOptions())).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
  });

  it('accepts a path with empty, "." and ".." segments (normalized as the SDK does)', async () => {
    const request = asReceivedByNode(await sign(sdkRequest({ path: '/api//v1/./old/../graphql/' })));
    await expect(verifySigV4(request, verifyOptions())).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
  });

  it.each(['/graphql', '/a/.well-known/b', '/a/.../b', '/a.b/c~d_e-f', '/', '/a/', '/a/.', '/a/..', '/./a', '/a/b/../../c'])('accepts the path %s, whether already canonical or not', async (path) => {
    const request = asReceivedByNode(await sign(sdkRequest({ path })));
    await expect(verifySigV4(request, verifyOptions())).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
  });

  it('accepts header values with runs of spaces, tabs and surrounding spaces (canonicalized as the SDK does)', async () => {
    const request = asReceivedByNode(await sign(sdkRequest({ headers: { host: '127.0.0.1:4000', 'content-type': 'application/json', 'x-note': '  a  b\tc ' } })));
    await expect(verifySigV4(request, verifyOptions())).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
  });

  it('passes a security token (X-Amz-Security-Token header) through', async () => {
    const sessionToken = 'FwoGZXIvYXdzEXAMPLE//token+with/special=chars';
    const request = asReceivedByNode(await sign(sdkRequest(), { sessionToken }));
    const verified = await verifySigV4(request, verifyOptions());
    expect(verified.securityToken).toBe(sessionToken);
    expect(verified.signedHeaders).toContain('x-amz-security-token');
  });

  it('passes a security token (X-Amz-Security-Token query parameter) of a presigned URL through', async () => {
    const sessionToken = 'FwoGZXIvYXdzEXAMPLE//token+with/special=chars';
    const request = asReceivedByNode(await presign(sdkRequest({ method: 'GET', body: '', headers: { host: '127.0.0.1:4000' } }), { sessionToken }));
    expect(request.query).toContain('X-Amz-Security-Token=');
    const verified = await verifySigV4(request, verifyOptions());
    expect(verified.securityToken).toBe(sessionToken);
  });

  it('ignores unsigned extra headers added after signing', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    const withExtras = withHeaders(request, {
      'user-agent': 'aws-sdk-js/3.0.0',
      'x-forwarded-for': '10.0.0.1',
      'x-amzn-trace-id': 'Root=1-5759e988-bd862e3fe1be46a994272793',
      'accept-encoding': 'gzip, deflate',
      'x-unsigned-custom': 'whatever',
    });
    await expect(verifySigV4(withExtras, verifyOptions())).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
  });

  it('verifies headers the SDK declines to sign (user-agent) and mixed-case names with inner whitespace', async () => {
    const request = asReceivedByNode(
      await sign(
        sdkRequest({
          headers: {
            host: '127.0.0.1:4000',
            'content-type': 'application/json',
            'User-Agent': 'aws-sdk-js/3.0.0',
            'X-Warden-Client': '  cli   version\t2  ',
          },
        }),
      ),
    );
    expect(header(request, 'x-warden-client')).toBe('cli   version\t2');
    const verified = await verifySigV4(request, verifyOptions());
    expect(verified.signedHeaders).toContain('x-warden-client');
    expect(verified.signedHeaders).not.toContain('user-agent');
  });

  it('accepts a request signed up to maxSkewSeconds before or after now', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    for (const offset of [-300_000, -299_000, 0, 299_000, 300_000]) {
      await expect(verifySigV4(request, verifyOptions({ now: new Date(SIGNING_DATE.getTime() + offset) }))).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
    }
  });

  it('accepts many verifications with different keys (signing keys are cached per secret)', async () => {
    const secrets = Array.from({ length: 5 }, (_, i) => `secret-number-${i}`);
    const lookupKey = (id: string): Promise<SigningKeyMaterial | undefined> => {
      const index = Number(id.slice('AKIAMANY'.length));
      const secret = secrets[index];
      return Promise.resolve(secret === undefined ? undefined : { accessKeyId: id, secretAccessKey: secret });
    };
    for (let round = 0; round < 2; round++) {
      for (const [index, secret] of secrets.entries()) {
        const request = asReceivedByNode(await sign(sdkRequest(), { accessKeyId: `AKIAMANY${index}`, secretAccessKey: secret }));
        await expect(verifySigV4(request, verifyOptions({ lookupKey }))).resolves.toMatchObject({
          accessKeyId: `AKIAMANY${index}`,
        });
        // The same request claimed by another key (whose cached signing key differs) fails.
        const otherIndex = (index + 1) % secrets.length;
        const forged = withHeaders(request, {
          authorization: header(request, 'authorization').replace(`AKIAMANY${index}/`, `AKIAMANY${otherIndex}/`),
        });
        await failure(verifySigV4(forged, verifyOptions({ lookupKey })), 'SIGNATURE_MISMATCH');
      }
    }
  });
});

// ---------------------------------------------------------------------------
// Known-answer tests from the AWS documentation and SigV4 test suite
// ---------------------------------------------------------------------------

describe('verifySigV4: AWS published examples', () => {
  const awsKeys = (id: string): Promise<SigningKeyMaterial | undefined> =>
    Promise.resolve(id === 'AKIDEXAMPLE' ? { accessKeyId: id, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' } : undefined);
  const awsOptions = (service: string): VerifyOptions => ({
    service,
    region: 'us-east-1',
    now: new Date('2015-08-30T12:36:00Z'),
    lookupKey: awsKeys,
  });

  it.each([
    ['get-vanilla', '/', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['get-slashes (normalized)', '//example//', '9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84'],
    ['get-space', '/example space/', '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741'],
  ])('test suite %s', async (_name, path, signature) => {
    const request: SignedRequest = {
      method: 'GET',
      path,
      query: '',
      headers: {
        host: 'example.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
        authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
      },
      body: '',
    };
    await expect(verifySigV4(request, awsOptions('service'))).resolves.toMatchObject({ accessKeyId: 'AKIDEXAMPLE' });
  });

  it('IAM ListUsers example', async () => {
    const request: SignedRequest = {
      method: 'GET',
      path: '/',
      query: 'Action=ListUsers&Version=2010-05-08',
      headers: {
        host: 'iam.amazonaws.com',
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'x-amz-date': '20150830T123600Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, ' +
          'SignedHeaders=content-type;host;x-amz-date, ' +
          'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
      },
      body: '',
    };
    await expect(verifySigV4(request, awsOptions('iam'))).resolves.toMatchObject({ accessKeyId: 'AKIDEXAMPLE' });
  });

  it('derives the documented signing key', () => {
    const key = deriveSigningKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'iam');
    expect(key.toString('hex')).toBe('c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  });
});

// ---------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------

describe('verifySigV4: failures', () => {
  it('MISSING_AUTHENTICATION without Authorization header or presign parameters', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    const error = await failure(verifySigV4(withHeaders(request, { authorization: undefined }), verifyOptions()), 'MISSING_AUTHENTICATION');
    expect(error.message).toMatch(/Authorization header/);
  });

  it('BODY_HASH_MISMATCH when the body was tampered with (x-amz-content-sha256 still signed)', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    const error = await failure(verifySigV4({ ...request, body: JSON.stringify({ query: '{ users { id } }' }) }, verifyOptions()), 'BODY_HASH_MISMATCH');
    expect(error.message).toMatch(/^x-amz-content-sha256 does not match the body/);
  });

  it('SIGNATURE_MISMATCH when the body was tampered with and no x-amz-content-sha256 was sent', async () => {
    const request = asReceivedByNode(await sign(sdkRequest(), { applyChecksum: false }));
    await failure(verifySigV4({ ...request, body: '{"query":"{ users { id } }"}' }, verifyOptions()), 'SIGNATURE_MISMATCH');
  });

  it('SIGNATURE_MISMATCH when body and x-amz-content-sha256 were both replaced', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    const body = '{"query":"{ users { id } }"}';
    await failure(verifySigV4(withHeaders({ ...request, body }, { 'x-amz-content-sha256': sha256(body) }), verifyOptions()), 'SIGNATURE_MISMATCH');
  });

  it('BODY_HASH_MISMATCH for UNSIGNED-PAYLOAD with header auth', async () => {
    const request = asReceivedByNode(await sign(sdkRequest({ headers: { ...sdkRequest().headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })));
    const lookupKey = vi.fn((id: string) => Promise.resolve(KEYS.get(id)));
    const error = await failure(verifySigV4(request, verifyOptions({ lookupKey })), 'BODY_HASH_MISMATCH');
    expect(error.message).toMatch(/UNSIGNED-PAYLOAD/);
    expect(lookupKey).not.toHaveBeenCalled();
  });

  it.each([
    ['a POST', 'POST', '{"query":"mutation { deleteUser(input: { userName: \\"x\\" }) { __typename } }"}'],
    ['a PUT', 'PUT', 'any body at all'],
    ['a POST with an empty body', 'POST', ''],
    ['a GET with a body', 'GET', '{"query":"{ me { id } }"}'],
  ])('BODY_HASH_MISMATCH for a presigned URL with UNSIGNED-PAYLOAD on %s: its body would not be signed', async (_label, method, body) => {
    const request = asReceivedByNode(await presign(sdkRequest({ method, body, headers: { host: '127.0.0.1:4000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })));
    expect(request.query).toContain('x-amz-content-sha256=UNSIGNED-PAYLOAD');
    const lookupKey = vi.fn((id: string) => Promise.resolve(KEYS.get(id)));
    const error = await failure(verifySigV4(request, verifyOptions({ lookupKey })), 'BODY_HASH_MISMATCH');
    expect(error.message).toContain('UNSIGNED-PAYLOAD is accepted in a presigned URL only for a GET or HEAD without a body');
    expect(error.message).toContain(`the "${method}" request's body would not be covered by the signature`);
    expect(lookupKey).not.toHaveBeenCalled();
  });

  it('BODY_HASH_MISMATCH for a presigned request whose body does not match the hoisted x-amz-content-sha256', async () => {
    const body = 'signed body';
    const request = asReceivedByNode(await presign(sdkRequest({ method: 'PUT', body, headers: { host: '127.0.0.1:4000', 'x-amz-content-sha256': sha256(body) } })));
    await expect(verifySigV4(request, verifyOptions())).resolves.toBeDefined();
    await failure(verifySigV4({ ...request, body: 'other body' }, verifyOptions()), 'BODY_HASH_MISMATCH');
  });

  it('SIGNATURE_MISMATCH for a valueless query parameter the SDK left out of its signature', async () => {
    // AWS canonicalizes `?flag` as `flag=`; smithy drops null-valued parameters from the canonical
    // query (leaving them unsigned), so such a request is refused rather than trusted.
    const request = asReceivedByNode(await sign(sdkRequest({ query: { flag: null, a: '1' } })));
    expect(request.query).toBe('a=1&flag');
    await failure(verifySigV4(request, verifyOptions()), 'SIGNATURE_MISMATCH');
  });

  it('SIGNATURE_MISMATCH when a signed header was changed', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    await failure(verifySigV4(withHeaders(request, { 'content-type': 'text/plain' }), verifyOptions()), 'SIGNATURE_MISMATCH');
    await failure(verifySigV4(withHeaders(request, { host: 'evil.example:4000' }), verifyOptions()), 'SIGNATURE_MISMATCH');
  });

  it('SIGNATURE_MISMATCH when method, path or query was changed', async () => {
    const request = asReceivedByNode(await sign(sdkRequest({ query: { a: '1' } })));
    await failure(verifySigV4({ ...request, method: 'PUT' }, verifyOptions()), 'SIGNATURE_MISMATCH');
    await failure(verifySigV4({ ...request, path: '/graphql2' }, verifyOptions()), 'SIGNATURE_MISMATCH');
    await failure(verifySigV4({ ...request, query: 'a=2' }, verifyOptions()), 'SIGNATURE_MISMATCH');
    await failure(verifySigV4({ ...request, query: 'a=1&b=2' }, verifyOptions()), 'SIGNATURE_MISMATCH');
    await failure(verifySigV4({ ...request, query: 'a=1&flag' }, verifyOptions()), 'SIGNATURE_MISMATCH');
  });

  it('SIGNATURE_MISMATCH for a wrong secret, without leaking the secret or the computed signature', async () => {
    const wrongSecret = 'totallyWrongSecret/0123456789abcdefghijklmn';
    const request = asReceivedByNode(await sign(sdkRequest(), { secretAccessKey: wrongSecret }));
    // What the server computes is exactly what a client holding the right secret would have sent.
    const computed = signatureOf(asReceivedByNode(await sign(sdkRequest())));
    expect(computed).not.toBe(signatureOf(request));
    const error = await failure(verifySigV4(request, verifyOptions()), 'SIGNATURE_MISMATCH');
    expect(error.message).toBe('The request signature we calculated does not match the signature you provided. Check your secret access key and signing method.');
    for (const secretish of [SECRET, wrongSecret, computed, computed.toUpperCase()]) {
      expect(error.message).not.toContain(secretish);
      expect(String(error.stack)).not.toContain(secretish);
      expect(JSON.stringify(error)).not.toContain(secretish);
    }
  });

  it('SIGNATURE_MISMATCH for a presigned URL with a tampered query parameter', async () => {
    const request = asReceivedByNode(await presign(sdkRequest({ method: 'GET', body: '', headers: { host: '127.0.0.1:4000' }, query: { id: '1' } })));
    await failure(verifySigV4({ ...request, query: request.query.replace('id=1', 'id=2') }, verifyOptions()), 'SIGNATURE_MISMATCH');
    await failure(verifySigV4({ ...request, query: request.query.replace('X-Amz-Expires=900', 'X-Amz-Expires=9000') }, verifyOptions()), 'SIGNATURE_MISMATCH');
  });

  it('UNKNOWN_ACCESS_KEY for a key that does not exist', async () => {
    const request = asReceivedByNode(await sign(sdkRequest(), { accessKeyId: 'AKIADOESNOTEXIST0001' }));
    const error = await failure(verifySigV4(request, verifyOptions()), 'UNKNOWN_ACCESS_KEY');
    expect(error.message).toBe('The security token included in the request is invalid');
  });

  it("verifies an inactive key's signature like any other: whether a key is in force is asked after, by authenticate (credentialStanding)", async () => {
    const request = asReceivedByNode(await sign(sdkRequest(), { accessKeyId: INACTIVE_KEY_ID, secretAccessKey: INACTIVE_SECRET }));
    await expect(verifySigV4(request, verifyOptions())).resolves.toMatchObject({ accessKeyId: INACTIVE_KEY_ID });
    // Without the secret, a prober gets no further than the signature.
    const wronglySigned = asReceivedByNode(await sign(sdkRequest(), { accessKeyId: INACTIVE_KEY_ID }));
    await failure(verifySigV4(wronglySigned, verifyOptions()), 'SIGNATURE_MISMATCH');
  });

  it('REQUEST_TIME_TOO_SKEWED when signed more than 5 minutes in the past', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    await failure(verifySigV4(request, verifyOptions({ now: new Date(SIGNING_DATE.getTime() + 6 * 60_000) })), 'REQUEST_TIME_TOO_SKEWED');
    const error = await failure(verifySigV4(request, verifyOptions({ now: new Date('2026-11-28T10:40:10Z') })), 'REQUEST_TIME_TOO_SKEWED');
    expect(error.message).toMatch(/^Signature expired: 20261128T101010Z is now earlier than 20261128T103510Z \(20261128T104010Z - 5 min\.\)/);
  });

  it('REQUEST_TIME_TOO_SKEWED when signed more than 5 minutes in the future', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    const error = await failure(verifySigV4(request, verifyOptions({ now: new Date(SIGNING_DATE.getTime() - 6 * 60_000) })), 'REQUEST_TIME_TOO_SKEWED');
    expect(error.message).toMatch(/^Signature not yet current: 20261128T101010Z is still later than 20261128T100910Z \(20261128T100410Z \+ 5 min\.\)/);
  });

  it('REQUEST_TIME_TOO_SKEWED honours maxSkewSeconds', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    const now = new Date(SIGNING_DATE.getTime() + 90_000);
    await expect(verifySigV4(request, verifyOptions({ now }))).resolves.toBeDefined();
    const error = await failure(verifySigV4(request, verifyOptions({ now, maxSkewSeconds: 60 })), 'REQUEST_TIME_TOO_SKEWED');
    expect(error.message).toContain('- 1 min.');
  });

  it('REQUEST_EXPIRED for a presigned URL used after X-Amz-Expires', async () => {
    const request = asReceivedByNode(await presign(sdkRequest({ method: 'GET', body: '', headers: { host: '127.0.0.1:4000' } }), {}, { expiresIn: 600 }));
    await expect(verifySigV4(request, verifyOptions({ now: new Date(SIGNING_DATE.getTime() + 600_000) }))).resolves.toBeDefined();
    const error = await failure(verifySigV4(request, verifyOptions({ now: new Date(SIGNING_DATE.getTime() + 601_000) })), 'REQUEST_EXPIRED');
    expect(error.message).toContain('20261128T102010Z');
  });

  it('REQUEST_TIME_TOO_SKEWED for a presigned URL dated more than 5 minutes in the future', async () => {
    const request = asReceivedByNode(await presign(sdkRequest({ method: 'GET', body: '', headers: { host: '127.0.0.1:4000' } })));
    await failure(verifySigV4(request, verifyOptions({ now: new Date(SIGNING_DATE.getTime() - 6 * 60_000) })), 'REQUEST_TIME_TOO_SKEWED');
  });

  it('MALFORMED_AUTHORIZATION for X-Amz-Expires above one week', async () => {
    const request = asReceivedByNode(await presign(sdkRequest({ method: 'GET', body: '', headers: { host: '127.0.0.1:4000' } })));
    const error = await failure(verifySigV4({ ...request, query: request.query.replace('X-Amz-Expires=900', 'X-Amz-Expires=604801') }, verifyOptions()), 'MALFORMED_AUTHORIZATION');
    expect(error.message).toContain('604800');
  });

  it('INVALID_CREDENTIAL_SCOPE for a wrong region, service, date or terminator', async () => {
    const wrongRegion = asReceivedByNode(await sign(sdkRequest(), { region: 'eu-west-1' }));
    const error = await failure(verifySigV4(wrongRegion, verifyOptions()), 'INVALID_CREDENTIAL_SCOPE');
    expect(error.message).toMatch(/^The credential scope must be 20261128\/us-east-1\/warden\/aws4_request/);

    const wrongService = asReceivedByNode(await sign(sdkRequest(), { service: 'iam' }));
    await failure(verifySigV4(wrongService, verifyOptions()), 'INVALID_CREDENTIAL_SCOPE');

    const wrongServicePresigned = asReceivedByNode(await presign(sdkRequest({ method: 'GET', body: '', headers: { host: '127.0.0.1:4000' } }), { service: 's3' }));
    await failure(verifySigV4(wrongServicePresigned, verifyOptions()), 'INVALID_CREDENTIAL_SCOPE');

    const request = asReceivedByNode(await sign(sdkRequest()));
    const authorization = header(request, 'authorization');
    await failure(verifySigV4(withHeaders(request, { authorization: authorization.replace('/20261128/', '/20261127/') }), verifyOptions()), 'INVALID_CREDENTIAL_SCOPE');
    await failure(verifySigV4(withHeaders(request, { authorization: authorization.replace('/aws4_request', '/aws4_other') }), verifyOptions()), 'INVALID_CREDENTIAL_SCOPE');
  });

  it('with scopes, the signing name picks the region rule and is reported: iam in us-east-1 only, sts in any region', async () => {
    const scopes = [
      { service: 'iam', region: 'us-east-1' },
      { service: 'sts', region: '*' },
    ];
    const iam = await verifySigV4(asReceivedByNode(await sign(sdkRequest(), { service: 'iam' })), { ...verifyOptions(), scopes });
    expect([iam.service, iam.region]).toEqual(['iam', 'us-east-1']);
    const sts = await verifySigV4(asReceivedByNode(await sign(sdkRequest(), { service: 'sts', region: 'eu-west-3' })), { ...verifyOptions(), scopes });
    expect([sts.service, sts.region]).toEqual(['sts', 'eu-west-3']);

    const iamElsewhere = await failure(verifySigV4(asReceivedByNode(await sign(sdkRequest(), { service: 'iam', region: 'eu-west-1' })), { ...verifyOptions(), scopes }), 'INVALID_CREDENTIAL_SCOPE');
    expect(iamElsewhere.message).toMatch(/^The credential scope must be 20261128\/us-east-1\/iam\/aws4_request/);
    const warden = await failure(verifySigV4(asReceivedByNode(await sign(sdkRequest())), { ...verifyOptions(), scopes }), 'INVALID_CREDENTIAL_SCOPE');
    expect(warden.message).toMatch(/^The credential scope must be 20261128\/us-east-1\/iam or sts\/aws4_request/);
  });

  it('UNSUPPORTED_ALGORITHM for other signing algorithms', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    const authorization = header(request, 'authorization');
    for (const replaced of [
      authorization.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256'),
      authorization.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512'),
      `AWS ${ACCESS_KEY_ID}:frJIUN8DYpKDtOLCwo//yllqDzg=`,
      'Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc',
    ]) {
      const error = await failure(verifySigV4(withHeaders(request, { authorization: replaced }), verifyOptions()), 'UNSUPPORTED_ALGORITHM');
      expect(error.message).toContain('AWS4-HMAC-SHA256');
    }
    const presigned = asReceivedByNode(await presign(sdkRequest({ method: 'GET', body: '', headers: { host: '127.0.0.1:4000' } })));
    await failure(verifySigV4({ ...presigned, query: presigned.query.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1') }, verifyOptions()), 'UNSUPPORTED_ALGORITHM');
  });

  describe('MALFORMED_AUTHORIZATION for a malformed Authorization header', () => {
    const cases: ReadonlyArray<readonly [string, (authorization: string) => string]> = [
      ['empty', () => ''],
      ['algorithm only', () => 'AWS4-HMAC-SHA256'],
      ['missing Signature', (a) => a.replace(/, Signature=[0-9a-f]+/, '')],
      ['missing Credential', (a) => a.replace(/Credential=[^,]+, /, '')],
      ['missing SignedHeaders', (a) => a.replace(/SignedHeaders=[^,]+, /, '')],
      ['duplicate component', (a) => `${a}, Signature=${'0'.repeat(64)}`],
      ['unknown component', (a) => `${a}, Foo=bar`],
      ['component without "="', (a) => a.replace('Credential=', 'Credential ')],
      ['short Signature', (a) => a.replace(/Signature=([0-9a-f]+)/, 'Signature=abc123')],
      ['non-hex Signature', (a) => a.replace(/Signature=([0-9a-f]{4})/, 'Signature=zzzz')],
      ['Credential with too few parts', (a) => a.replace('/us-east-1/warden/', '/us-east-1/')],
      ['Credential with an empty access key id', (a) => a.replace(`Credential=${ACCESS_KEY_ID}`, 'Credential=')],
      ['unsorted SignedHeaders', (a) => a.replace('content-type;host', 'host;content-type')],
      ['upper-case SignedHeaders', (a) => a.replace('content-type;host', 'Content-Type;host')],
      ['duplicate SignedHeaders', (a) => a.replace('content-type;host', 'content-type;content-type;host')],
      ['empty SignedHeaders entry', (a) => a.replace('content-type;host', 'content-type;;host')],
    ];
    it.each(cases)('%s', async (_name, mutate) => {
      const request = asReceivedByNode(await sign(sdkRequest()));
      const lookupKey = vi.fn((id: string) => Promise.resolve(KEYS.get(id)));
      await failure(verifySigV4(withHeaders(request, { authorization: mutate(header(request, 'authorization')) }), verifyOptions({ lookupKey })), 'MALFORMED_AUTHORIZATION');
      expect(lookupKey).not.toHaveBeenCalled();
    });

    it('a header whose text before the signature was seen before is still checked in full', async () => {
      const request = asReceivedByNode(await sign(sdkRequest()));
      const authorization = header(request, 'authorization');
      // Verified once: its Credential and SignedHeaders are remembered by the text before the signature.
      await verifySigV4(request, verifyOptions());
      const withSignature = (signature: string) => withHeaders(request, { authorization: authorization.replace(/Signature=[0-9a-f]{64}$/, `Signature=${signature}`) });
      await failure(verifySigV4(withSignature('g'.repeat(64)), verifyOptions()), 'MALFORMED_AUTHORIZATION');
      await failure(verifySigV4(withSignature(`${'0'.repeat(31)},${'0'.repeat(32)}`), verifyOptions()), 'MALFORMED_AUTHORIZATION');
      await failure(verifySigV4(withSignature('0'.repeat(64)), verifyOptions()), 'SIGNATURE_MISMATCH');
      // Hex digits in either case, as the full parse reads them.
      const upper = authorization.slice(-64).toUpperCase();
      await expect(verifySigV4(withSignature(upper), verifyOptions())).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
    });

    it('a malformed X-Amz-Date', async () => {
      const request = asReceivedByNode(await sign(sdkRequest()));
      for (const date of ['2026-11-28T10:10:10Z', '20261328T101010Z', '20261128T101010', '']) {
        await failure(verifySigV4(withHeaders(request, { 'x-amz-date': date }), verifyOptions()), 'MALFORMED_AUTHORIZATION');
      }
    });

    it('both an Authorization header and presign parameters', async () => {
      const request = asReceivedByNode(await sign(sdkRequest()));
      await failure(verifySigV4({ ...request, query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256' }, verifyOptions()), 'MALFORMED_AUTHORIZATION');
    });

    it('two Authorization headers', async () => {
      const request = asReceivedByNode(await sign(sdkRequest()));
      const authorization = header(request, 'authorization');
      await failure(verifySigV4({ ...request, headers: { ...request.headers, authorization: [authorization, authorization] } }, verifyOptions()), 'MALFORMED_AUTHORIZATION');
    });

    it('a presigned URL missing a required parameter', async () => {
      const request = asReceivedByNode(await presign(sdkRequest({ method: 'GET', body: '', headers: { host: '127.0.0.1:4000' } })));
      for (const name of ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature']) {
        const query = request.query
          .split('&')
          .filter((pair) => !pair.startsWith(`${name}=`))
          .join('&');
        const error = await failure(verifySigV4({ ...request, query }, verifyOptions()), 'MALFORMED_AUTHORIZATION');
        expect(error.message).toContain(name);
      }
    });
  });

  it('MISSING_SIGNED_HEADER when host is not signed', async () => {
    const request = asReceivedByNode(await sign(sdkRequest(), {}, { unsignableHeaders: new Set(['host']) }));
    expect(signatureOf(request)).toMatch(/^[0-9a-f]{64}$/);
    const error = await failure(verifySigV4(request, verifyOptions()), 'MISSING_SIGNED_HEADER');
    expect(error.message).toContain("'host'");
  });

  it('MISSING_SIGNED_HEADER when x-amz-date is not signed', async () => {
    const request = asReceivedByNode(await sign(sdkRequest(), {}, { unsignableHeaders: new Set(['x-amz-date']) }));
    const error = await failure(verifySigV4(request, verifyOptions()), 'MISSING_SIGNED_HEADER');
    expect(error.message).toContain("'x-amz-date'");
  });

  it('MISSING_SIGNED_HEADER when there is no date at all', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    await failure(verifySigV4(withHeaders(request, { 'x-amz-date': undefined }), verifyOptions()), 'MISSING_SIGNED_HEADER');
  });

  it('MISSING_SIGNED_HEADER when the security token header is not signed', async () => {
    const request = asReceivedByNode(await sign(sdkRequest(), { sessionToken: 'token' }, { unsignableHeaders: new Set(['x-amz-security-token']) }));
    const error = await failure(verifySigV4(request, verifyOptions()), 'MISSING_SIGNED_HEADER');
    expect(error.message).toContain("'x-amz-security-token'");
  });

  it('MISSING_SIGNED_HEADER when a signed header is absent from the request', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    const error = await failure(verifySigV4(withHeaders(request, { 'content-type': undefined }), verifyOptions()), 'MISSING_SIGNED_HEADER');
    expect(error.message).toContain("'content-type'");
  });

  it('propagates errors thrown by lookupKey unchanged', async () => {
    const request = asReceivedByNode(await sign(sdkRequest()));
    const boom = new Error('database unavailable');
    await expect(verifySigV4(request, verifyOptions({ lookupKey: () => Promise.reject(boom) }))).rejects.toBe(boom);
  });
});

describe('SigningKeyCache', () => {
  it('returns the derived key and stays within its bound, evicting the least recently used entry', () => {
    const cache = new SigningKeyCache(2);
    const a = cache.get({ secretAccessKey: 'secret-a' }, '20261128', 'us-east-1', 'warden');
    expect(a.equals(deriveSigningKey('secret-a', '20261128', 'us-east-1', 'warden'))).toBe(true);
    cache.get({ secretAccessKey: 'secret-b' }, '20261128', 'us-east-1', 'warden');
    expect(cache.get({ secretAccessKey: 'secret-a' }, '20261128', 'us-east-1', 'warden')).toBe(a); // hit, now most recent
    cache.get({ secretAccessKey: 'secret-c' }, '20261128', 'us-east-1', 'warden'); // evicts secret-b
    expect(cache.size).toBe(2);
    expect(cache.get({ secretAccessKey: 'secret-a' }, '20261128', 'us-east-1', 'warden')).toBe(a);
    const b = cache.get({ secretAccessKey: 'secret-b' }, '20261128', 'us-east-1', 'warden');
    expect(b.equals(deriveSigningKey('secret-b', '20261128', 'us-east-1', 'warden'))).toBe(true);
    expect(cache.size).toBe(2);
  });

  it('keys entries by date, region and service as well as secret', () => {
    const cache = new SigningKeyCache(10);
    const keys = [
      cache.get({ secretAccessKey: 's' }, '20261128', 'us-east-1', 'warden'),
      cache.get({ secretAccessKey: 's' }, '20261129', 'us-east-1', 'warden'),
      cache.get({ secretAccessKey: 's' }, '20261128', 'eu-west-1', 'warden'),
      cache.get({ secretAccessKey: 's' }, '20261128', 'us-east-1', 'iam'),
    ].map((key) => key.toString('hex'));
    expect(new Set(keys).size).toBe(4);
  });

  it('answers the same key-material object from its own entry, and follows a change of scope or secret', () => {
    // Room for one fingerprint entry only: after another secret's key evicts it, the same Buffer
    // can come back only from the material's own entry.
    const cache = new SigningKeyCache(1);
    const material = { secretAccessKey: 'secret-a' };
    const first = cache.get(material, '20261128', 'us-east-1', 'warden');
    cache.get({ secretAccessKey: 'secret-z' }, '20261128', 'us-east-1', 'warden');
    expect(cache.get(material, '20261128', 'us-east-1', 'warden')).toBe(first);
    expect(cache.get({ secretAccessKey: 'secret-a' }, '20261128', 'us-east-1', 'warden')).not.toBe(first);
    // Another day: another key, for the same object.
    expect(cache.get(material, '20261129', 'us-east-1', 'warden').equals(deriveSigningKey('secret-a', '20261129', 'us-east-1', 'warden'))).toBe(true);
    const changed = material;
    changed.secretAccessKey = 'secret-b';
    expect(cache.get(changed, '20261129', 'us-east-1', 'warden').equals(deriveSigningKey('secret-b', '20261129', 'us-east-1', 'warden'))).toBe(true);
  });
});
