import { Writable } from 'node:stream';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { RunningWarden } from '@warden/api';
import { inAccountTransaction } from '@warden/db';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Credentials } from './support/signed-client.js';
import { EXECUTION_PATH_NAMES as PATH_NAMES, type ExecutionPath, signAlong, signPost } from './support/execution-paths.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';
import type { GraphQLData } from './support/signed-client.js';

/**
 * Requests that fail, and what the client and the log see: a presigned URL that would leave its
 * body unsigned, an unexpected error (masked for the client, logged for the operator), a NUL
 * character in a string, and an unknown request parameter. Each operation is sent along the three
 * ways a request can take through the server: the compiled-operation path (a plain signed JSON
 * POST), yoga behind the HTTP layer's fast path (a JSON POST with extensions, which the compiled
 * path leaves to yoga) and yoga.fetch (a content type the fast path does not take).
 */
interface Answer {
  readonly status: number;
  readonly requestId: string | null;
  readonly retryAfter: string | null;
  readonly body: { data?: GraphQLData | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

const signerFor = (credentials: Credentials) => new SignatureV4({ service: 'warden', region: 'us-east-1', credentials, sha256: Sha256 });

/** Percent-encoding as the SDK's HTTP handler writes query names and values on the wire. */
const wireEscape = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, requestId: response.headers.get('x-amzn-requestid'), retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Answer['body'] };
}

/** Signs a POST with an Authorization header, as the SDK does, with any content type. */
async function sendSigned(url: string, credentials: Credentials, body: string, contentType: string): Promise<Answer> {
  const signed = await signPost(url, credentials, body, contentType);
  return answerOf(await fetch(signed.url, { method: 'POST', headers: signed.headers, body }));
}

/** Sends a request to a presigned URL (the SDK's presign), with the body given. */
async function sendPresigned(url: string, credentials: Credentials, options: { method: 'GET' | 'POST'; query?: Record<string, string>; body?: string; unsignedPayload: boolean }): Promise<Answer> {
  const target = new URL(url);
  const headers: Record<string, string> = {
    host: target.host,
    ...(options.unsignedPayload ? { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } : {}),
    ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  const presigned = await signerFor(credentials).presign(
    {
      method: options.method,
      protocol: target.protocol,
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      query: options.query ?? {},
      headers,
      ...(options.body === undefined ? {} : { body: options.body }),
    },
    { expiresIn: 3600 },
  );
  const query = Object.entries(presigned.query ?? {})
    .map(([name, value]) => `${wireEscape(name)}=${wireEscape(String(value))}`)
    .join('&');
  return answerOf(
    await fetch(`${target.origin}${target.pathname}?${query}`, {
      method: options.method,
      headers: presigned.headers as Record<string, string>,
      ...(options.body === undefined ? {} : { body: options.body }),
    }),
  );
}

describe.each([...DRIVERS])('request errors over HTTP (%s)', (driver) => {
  let warden: RunningWarden;
  let tenant: Awaited<ReturnType<typeof newTenant>>;
  const logLines: string[] = [];
  beforeAll(async () => {
    const logs = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(
          ...String(chunk)
            .split('\n')
            .filter((line) => line !== ''),
        );
        done();
      },
    });
    warden = await startTestWarden(driver, logs);
    tenant = await newTenant(warden);
  });
  afterAll(async () => {
    await warden.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const send = async (path: ExecutionPath, query: string, variables: Record<string, unknown> = {}) => {
    const signed = await signAlong(path, warden.url, tenant.credentials, query, variables);
    return answerOf(await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body }));
  };
  const linesOf = (requestId: string | null) => logLines.map((line) => JSON.parse(line) as GraphQLData).filter((line) => line['requestId'] === requestId);
  const errorLines = () => logLines.map((line) => JSON.parse(line) as GraphQLData).filter((line) => line['level'] >= 50);
  /** How many events the tenant's account has: what a refused request must leave unchanged. */
  const eventCount = async () => {
    const row = await inAccountTransaction(warden.wardenDb.db, tenant.accountId, (trx) =>
      trx
        .selectFrom('events')
        .select((e) => e.fn.countAll<string>().as('count'))
        .where('account_id', '=', tenant.accountId)
        .executeTakeFirstOrThrow(),
    );
    return Number(row.count);
  };

  describe('a presigned URL whose payload is UNSIGNED-PAYLOAD', () => {
    it('is refused for a POST, whose body the signature would not cover, and nothing runs', async () => {
      const body = JSON.stringify({ query: 'mutation { createUser(input: { userName: "presigned-anyone" }) { __typename } }' });
      const answer = await sendPresigned(warden.url, tenant.credentials, { method: 'POST', body, unsignedPayload: true });
      expect(answer.status).toBe(401);
      const error = answer.body.errors?.[0];
      expect(error?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'BODY_HASH_MISMATCH' });
      expect(error?.message).toContain('UNSIGNED-PAYLOAD');
      expect(error?.message).toMatch(/body would not be covered by the signature/);
      const user = await send('compiled operations', '{ user(userName: "presigned-anyone") { __typename } }');
      expect(user.body.data?.['user'].__typename).toBe('NoSuchEntityError');
    });

    it('is accepted for a GET, whose operation is in the signed URL; a presigned POST with its body signed still works', async () => {
      const get = await sendPresigned(warden.url, tenant.credentials, { method: 'GET', query: { query: '{ callerIdentity { account } }' }, unsignedPayload: true });
      expect(get.status).toBe(200);
      expect(get.body).toEqual({ data: { callerIdentity: { account: tenant.accountId } } });
      const post = await sendPresigned(warden.url, tenant.credentials, { method: 'POST', body: JSON.stringify({ query: '{ callerIdentity { account } }' }), unsignedPayload: false });
      expect(post.status).toBe(200);
      expect(post.body).toEqual({ data: { callerIdentity: { account: tenant.accountId } } });
    });
  });

  describe('an unexpected error', () => {
    const SECRET = 'Sentinel-Password-4c1d9e-never-logged';
    const CREATE_LOGIN_PROFILE = 'mutation($u: String!, $p: String!) { createLoginProfile(input: { userName: $u, password: $p }) { __typename } }';

    it.each(PATH_NAMES)('is masked for the client and logged once at error level, with the request id and the stack and without the variables (%s)', async (path) => {
      vi.spyOn(warden.iam.passwords, 'createLoginProfile').mockRejectedValue(new Error('stubbed failure in createLoginProfile'));
      const answer = await send(path, CREATE_LOGIN_PROFILE, { u: 'someone', p: SECRET });
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toEqual([{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
      expect(JSON.stringify(answer.body)).not.toContain('stubbed');
      expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const logged = linesOf(answer.requestId).filter((line) => line['level'] >= 50);
      expect(logged).toHaveLength(1);
      expect(logged[0]?.['level']).toBe(50);
      expect(logged[0]?.['err']?.['stack']).toMatch(/^Error: stubbed failure in createLoginProfile\n\s+at /);
      expect(JSON.stringify(linesOf(answer.requestId))).not.toContain(SECRET);
      expect(logLines.join('\n')).not.toContain(SECRET);
    });

    it('thrown by a query resolver is logged the same way on each path', async () => {
      vi.spyOn(warden.iam.users, 'get').mockImplementation(() => {
        throw new TypeError('stubbed synchronous failure in users.get');
      });
      for (const path of PATH_NAMES) {
        const answer = await send(path, 'query($n: String) { user(userName: $n) { __typename } }', { n: 'someone' });
        expect(answer.body.errors?.[0]?.message, path).toBe('Unexpected error.');
        const logged = linesOf(answer.requestId).filter((line) => line['level'] >= 50);
        expect(logged, path).toHaveLength(1);
        expect(logged[0]?.['err']?.['stack'], path).toMatch(/^TypeError: stubbed synchronous failure in users.get\n\s+at /);
      }
    });
  });

  describe('a database outage met while an operation runs', () => {
    it('answers 503 SERVICE_UNAVAILABLE with Retry-After on each path, and is not logged as an unexpected error', async () => {
      // What pg says when the connection dies under a query (the error maskError must recognize).
      vi.spyOn(warden.iam.users, 'get').mockRejectedValue(new Error('Connection terminated unexpectedly'));
      for (const path of PATH_NAMES) {
        const answer = await send(path, 'query($n: String) { user(userName: $n) { __typename } }', { n: 'someone' });
        expect(answer.status, path).toBe(503);
        expect(answer.retryAfter, path).toBe('1');
        expect(answer.body.errors?.[0]?.extensions, path).toEqual({ code: 'SERVICE_UNAVAILABLE' });
        expect(
          linesOf(answer.requestId).filter((line) => line['level'] >= 50),
          path,
        ).toEqual([]);
      }
    });
  });

  describe('a NUL character (U+0000) in a string', () => {
    const NUL = '\u0000';
    const cases = (accountId: string): [string, string, Record<string, unknown>][] => [
      ['createUser userName, in a variable', 'mutation($i: CreateUserInput!) { createUser(input: $i) { __typename } }', { i: { userName: `nul${NUL}user` } }],
      ['createUser userName, escaped in the document', 'mutation { createUser(input: { userName: "nul\\u0000user" }) { __typename } }', {}],
      ['createUser userName, raw in the document', `mutation { createUser(input: { userName: "nul${NUL}user" }) { __typename } }`, {}],
      ['createUser userName, in a block string', `mutation { createUser(input: { userName: """nul${NUL}user""" }) { __typename } }`, {}],
      ['createVirtualMFADevice name', 'mutation($i: CreateVirtualMFADeviceInput!) { createVirtualMFADevice(input: $i) { __typename } }', { i: { virtualMFADeviceName: `nul${NUL}device` } }],
      ['user(userName)', 'query($n: String) { user(userName: $n) { __typename } }', { n: `nul${NUL}` }],
      ['policy(policyArn)', 'query($a: String!) { policy(policyArn: $a) { __typename } }', { a: `arn:aws:iam::aws:policy/${NUL}` }],
      ['an auditEvents filter', 'query($f: AuditEventFilter) { auditEvents(filter: $f) { __typename } }', { f: { eventTypes: ['UserCreated', `User${NUL}`] } }],
      [
        'the authorize principal',
        'query($i: AuthorizeInput!) { authorize(input: $i) { __typename } }',
        { i: { principal: `arn:aws:iam::${accountId}:user/${NUL}`, action: 'iam:GetUser', resource: '*' } },
      ],
      [
        'a key of an authorize context',
        'query($i: AuthorizeInput!) { authorize(input: $i) { __typename } }',
        { i: { principal: `arn:aws:iam::${accountId}:root`, action: 'iam:GetUser', resource: '*', context: { [`aws:${NUL}`]: 'x' } } },
      ],
    ];
    const refused = (answer: Answer, label: string) => {
      expect(answer.status, label).toBe(400);
      expect(answer.body.data, label).toBeUndefined();
      expect(answer.body.errors, label).toHaveLength(1);
      expect(answer.body.errors?.[0]?.extensions, label).toEqual({ code: 'BAD_USER_INPUT' });
      expect(answer.body.errors?.[0]?.message, label).toContain('NUL character (U+0000)');
    };

    it.each(PATH_NAMES)('is refused with a 400 before anything runs, and nothing is written (%s)', async (path) => {
      const before = await eventCount();
      const errorsBefore = errorLines().length;
      for (const [label, query, variables] of cases(tenant.accountId)) refused(await send(path, query, variables), label);
      expect(await eventCount()).toBe(before);
      expect(errorLines()).toHaveLength(errorsBefore);
    });

    it('is refused in an unsigned signIn, and no failed attempt is recorded', async () => {
      const before = await eventCount();
      const signIn = 'mutation($i: SignInInput!) { signIn(input: $i) { __typename } }';
      const variables = { i: { account: tenant.accountId, userName: `nul${NUL}`, password: 'irrelevant-password' } };
      for (const [label, body, contentType] of [
        ['compiled operations', JSON.stringify({ query: signIn, variables }), 'application/json'],
        ['yoga behind the fast path', JSON.stringify({ query: signIn, variables, extensions: { path: 'yoga' } }), 'application/json'],
        [
          'escaped in the document',
          JSON.stringify({ query: `mutation { signIn(input: { account: "${tenant.accountId}", userName: "nul\\u0000", password: "irrelevant-password" }) { __typename } }` }),
          'application/json',
        ],
      ] as const) {
        refused(await answerOf(await fetch(warden.url, { method: 'POST', headers: { 'content-type': contentType }, body })), label);
      }
      expect(await eventCount()).toBe(before);
    });
  });

  describe('an unknown top-level request parameter', () => {
    const badParameter = (answer: Answer) => {
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0]?.message).toBe('Unexpected parameter "foo" in the request body.');
      expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_REQUEST' });
      const lines = linesOf(answer.requestId);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.filter((line) => line['level'] >= 50 || line['err'] !== undefined)).toEqual([]);
      expect(JSON.stringify(lines)).not.toContain('stack');
    };

    it('is a 400 that names it, signed, with nothing logged but the request', async () => {
      for (const contentType of ['application/json', 'application/graphql+json']) {
        badParameter(await sendSigned(warden.url, tenant.credentials, JSON.stringify({ query: '{ callerIdentity { arn } }', foo: 1 }), contentType));
      }
    });

    it('is a 400 that names it, unsigned, with nothing logged but the request', async () => {
      const body = JSON.stringify({ query: 'mutation { signIn(input: { account: "000000000000", userName: "u", password: "p" }) { __typename } }', foo: 1 });
      const errorsBefore = errorLines().length;
      badParameter(await answerOf(await fetch(warden.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })));
      expect(errorLines()).toHaveLength(errorsBefore);
    });
  });
});
