import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { DatabaseUnavailableError } from '@warden/db';
import { type CredentialResolver, type CurrentCredential, type IamService, tokenHash } from '@warden/iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessLogEntry } from '../access-log.js';
import { ClientAddress } from '../client-address.js';
import { exchangeOf } from '../http-exchange.js';
import { createLogger } from '../logger.js';
import { serveAwsQuery } from './query-endpoint.js';

/**
 * The Query front's answers where the end-to-end suites cannot easily lead it: an expired session
 * (the server's clock is injected here), malformed signatures, the wrong method or media type, a
 * body over the limit, a database outage and an unexpected error. The credential store and the
 * service are stand-ins; the signing is @smithy/signature-v4's, as the SDKs sign.
 */
const NOW = new Date('2026-12-01T12:00:00Z');
const LONG_TERM = { accessKeyId: 'AKIAQUERYTEST0000001', secretAccessKey: 'q'.repeat(40) };
const TEMPORARY = { accessKeyId: 'ASIAQUERYTEST0000001', secretAccessKey: 't'.repeat(40), sessionToken: 'session-token' };
const ACCOUNT = '123456789012';

const CREDENTIALS = new Map<string, CurrentCredential>([
  [
    LONG_TERM.accessKeyId,
    {
      ...LONG_TERM,
      active: true,
      accountEpoch: '1',
      caller: { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ann`, kind: 'user', userName: 'ann', userId: 'AIDAQUERYTEST0000001', accessKeyId: LONG_TERM.accessKeyId },
    },
  ],
  [
    TEMPORARY.accessKeyId,
    {
      accessKeyId: TEMPORARY.accessKeyId,
      secretAccessKey: TEMPORARY.secretAccessKey,
      active: true,
      accountEpoch: '1',
      sessionTokenHash: tokenHash(TEMPORARY.sessionToken),
      caller: {
        accountId: ACCOUNT,
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/r/s`,
        kind: 'assumed-role',
        accessKeyId: TEMPORARY.accessKeyId,
        session: {
          sessionId: 's1',
          kind: 'assumed-role',
          roleId: 'AROAQUERYTEST0000001',
          roleArn: null,
          userId: null,
          sessionName: 's',
          tags: [],
          sessionPolicies: [],
          sourceIdentity: null,
          mfaAuthenticated: false,
          mfaAuthenticatedAt: null,
          chained: false,
          originAccountId: null,
          issuedAt: new Date(NOW.getTime() - 3_600_000),
          // Expired a second before the server's now.
          expiresAt: new Date(NOW.getTime() - 1_000),
        },
      },
    },
  ],
]);

/** GetUser's stand-in: the user name says what it does. */
const iam = {
  users: {
    get: (_caller: unknown, userName: string | undefined) => {
      if (userName === 'outage') return Promise.reject(new DatabaseUnavailableError('connection refused'));
      // A library's error may carry the values it was given (PGlite's carry the query's parameters).
      return Promise.reject(Object.assign(new Error(`unexpected failure for ${userName ?? 'the caller'}`), { params: ['secret-parameter-value'] }));
    },
  },
} as unknown as IamService;

describe('the Query front over HTTP', () => {
  let server: Server;
  let port: number;
  const accessLog: AccessLogEntry[] = [];
  const logged: string[] = [];

  beforeAll(async () => {
    const logger = createLogger('error', { write: (line: string) => logged.push(line) } as unknown as NodeJS.WritableStream);
    const options = {
      requestContext: {
        iam,
        authentication: { credentials: { resolve: (id: string) => Promise.resolve(CREDENTIALS.get(id)) } as unknown as CredentialResolver, region: 'us-east-1' },
        logger,
        clientAddress: new ClientAddress(),
        now: () => NOW,
      },
      maxBodyBytes: 1024,
      accessLog: { request: (entry: AccessLogEntry) => accessLog.push(entry) },
    };
    server = createServer((request, response) => void serveAwsQuery(exchangeOf(request, response, performance.now(), 0), options));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function post(
    body: string,
    options: { service?: string; credentials?: typeof LONG_TERM & { sessionToken?: string }; headers?: Record<string, string>; tamper?: (headers: Record<string, string>) => void } = {},
  ) {
    const signer = new SignatureV4({ service: options.service ?? 'sts', region: 'us-east-1', credentials: options.credentials ?? LONG_TERM, sha256: Sha256 });
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port,
        path: '/',
        query: {},
        headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
        body,
      },
      { signingDate: NOW },
    );
    const headers = signed.headers as Record<string, string>;
    options.tamper?.(headers);
    const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], text, requestId: response.headers.get('x-amzn-requestid') };
  }

  it('an expired session is ExpiredToken (400)', async () => {
    const answer = await post('Action=GetCallerIdentity&Version=2011-06-15', { credentials: TEMPORARY });
    expect([answer.status, answer.code]).toEqual([400, 'ExpiredToken']);
    expect(answer.text).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
  });

  it('a long-term key answers GetCallerIdentity, in STS XML with the request id', async () => {
    const answer = await post('Action=GetCallerIdentity&Version=2011-06-15');
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(
      `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>AIDAQUERYTEST0000001</UserId><Account>${ACCOUNT}</Account><Arn>arn:aws:iam::${ACCOUNT}:user/ann</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>${answer.requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    );
    expect(accessLog.at(-1)).toMatchObject({ requestId: answer.requestId, path: '/', status: 200, accessKeyId: LONG_TERM.accessKeyId });
  });

  it('a malformed Authorization is IncompleteSignature (400), a signature for another service SignatureDoesNotMatch (403)', async () => {
    const malformed = await post('Action=GetCallerIdentity&Version=2011-06-15', { tamper: (headers) => (headers['authorization'] = headers['authorization']!.replace(/SignedHeaders=[^,]*, /, '')) });
    expect([malformed.status, malformed.code]).toEqual([400, 'IncompleteSignature']);
    const elsewhere = await post('Action=GetCallerIdentity&Version=2011-06-15', { service: 'ec2' });
    expect([elsewhere.status, elsewhere.code]).toEqual([403, 'SignatureDoesNotMatch']);
  });

  it('the wrong media type (415), a body over the limit (413), another method (405) answer AWS error XML', async () => {
    const json = await post('{"Action":"GetCallerIdentity"}', { headers: { 'content-type': 'application/json' } });
    expect([json.status, json.code]).toEqual([415, 'InvalidHttpRequest']);
    const large = await post(`Action=GetCallerIdentity&Version=2011-06-15&Pad=${'x'.repeat(2000)}`);
    expect([large.status, large.code]).toEqual([413, 'RequestEntityTooLarge']);
    const put = await fetch(`http://127.0.0.1:${port}/`, { method: 'PUT', body: 'x' });
    expect([put.status, /<Code>([^<]*)<\/Code>/.exec(await put.text())?.[1]]).toEqual([405, 'InvalidHttpRequest']);
  });

  it('a database outage is ServiceUnavailable (503, retried by the SDKs); anything unexpected InternalFailure (500), logged with its request id and not told', async () => {
    const outage = await post('Action=GetUser&Version=2010-05-08&UserName=outage', { service: 'iam' });
    expect([outage.status, outage.code]).toEqual([503, 'ServiceUnavailable']);
    const unexpected = await post('Action=GetUser&Version=2010-05-08&UserName=boom', { service: 'iam' });
    expect([unexpected.status, unexpected.code]).toEqual([500, 'InternalFailure']);
    expect(unexpected.text).not.toContain('unexpected failure');
    expect(logged.some((line) => line.includes(unexpected.requestId!) && line.includes('unexpected failure for boom'))).toBe(true);
    expect(logged.join('\n')).not.toContain('secret-parameter-value');
  });
});
