import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createCompiledOperations, createHttpServer, createLogger, createWardenYoga, type RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignedClient } from './support/signed-client.js';
import { newTenant, ONE_DRIVER, startTestWarden } from './support/warden-under-test.js';

/** What the two paths must agree on: the status and the body (each answer has its own request id). */
function answerOf(response: { status: number; body: unknown }) {
  return { status: response.status, body: response.body };
}

/**
 * The compiled-operation path (services/api/src/compiled-operations.ts) must answer exactly as
 * yoga's own pipeline does. Two HTTP servers on one running service: one as Warden serves, with
 * the compiled path, and one that runs every operation through yoga. The same signed requests go
 * to both and must get the same status and body, whether the compiled path ran the operation or
 * left it to yoga; each case also checks which of the two it was.
 */
describe('the compiled-operation path answers as yoga does', () => {
  let warden: RunningWarden;
  const operations = createCompiledOperations();
  const servers: Server[] = [];
  let compiled: SignedClient;
  let plain: SignedClient;
  let reader: { compiled: SignedClient; plain: SignedClient };
  let accountId: string;

  let setUpEnded = '';
  beforeAll(async () => {
    warden = await startTestWarden(ONE_DRIVER);
    const serve = async (withCompiledPath: boolean): Promise<string> => {
      const server = createHttpServer({
        yoga: createWardenYoga(),
        ...(withCompiledPath ? { operations } : {}),
        iam: warden.iam,
        authentication: { credentials: warden.iam.credentials, region: 'us-east-1' },
        maxBodyBytes: 1_048_576,
        logger: createLogger('silent'),
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    };
    const [compiledUrl, yogaOnlyUrl] = [await serve(true), await serve(false)];
    const tenant = await newTenant(warden);
    accountId = tenant.accountId;
    compiled = new SignedClient(compiledUrl, tenant.credentials);
    plain = new SignedClient(yogaOnlyUrl, tenant.credentials);
    await compiled.data('mutation { createUser(input: { userName: "reader" }) { __typename } }');
    await compiled.data('mutation { attachUserPolicy(input: { userName: "reader", policyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess" }) { __typename } }');
    await compiled.data('mutation { createUser(input: { userName: "nobody" }) { __typename } }');
    const key = await compiled.data<{ createAccessKey: { data: { accessKeyId: string; secretAccessKey: string } } }>(
      'mutation { createAccessKey(input: { userName: "nobody" }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
    );
    reader = { compiled: new SignedClient(compiledUrl, key.createAccessKey.data), plain: new SignedClient(yogaOnlyUrl, key.createAccessKey.data) };
    // A call record beside the events, so that the audit log's answers carry both kinds.
    await warden.wardenDb.db
      .insertInto('api_calls')
      .values({
        account_id: accountId,
        occurred_at: new Date(),
        operation: 'iam:DeleteUser',
        read_only: false,
        outcome: 'denied',
        error_code: 'AccessDenied',
        decision: JSON.stringify({ decision: 'implicit_deny' }),
        caller_arn: `arn:aws:iam::${accountId}:user/nobody`,
        principal_arn: `arn:aws:iam::${accountId}:user/nobody`,
        source_ip: '192.0.2.1',
        resource_arns: [`arn:aws:iam::${accountId}:user/reader`],
      })
      .execute();
    // The tests' own failed calls are recorded a moment after their answers, between one path's
    // read and the other's: the unfiltered log is compared as it stood when the set-up ended.
    setUpEnded = new Date(Date.now() + 1).toISOString();
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    await warden.close();
  });

  const authorize =
    'query($input: AuthorizeInput!) { authorize(input: $input) { __typename ... on AuthorizeSuccess { data { decision allowed reason matchedStatements { sid effect } } } ... on Error { message code } } }';
  // Thirteen levels: one past the depth limit (OPERATION_LIMITS.maxDepth).
  const deep = `{ users { edges { node { groups { edges { node { users { edges { node { groups { edges { node { groupName } } } } } } } } } } } } }`;
  // [case, body, whether the compiled path runs it]
  const bodies: [string, () => Record<string, unknown>, boolean][] = [
    ['a query without variables', () => ({ query: '{ callerIdentity { account arn userId } }' }), true],
    [
      'authorize, allowed',
      () => ({ query: authorize, variables: { input: { principal: `arn:aws:iam::${accountId}:user/reader`, action: 'iam:GetUser', resource: `arn:aws:iam::${accountId}:user/nobody` } } }),
      true,
    ],
    [
      'authorize, denied',
      () => ({ query: authorize, variables: { input: { principal: `arn:aws:iam::${accountId}:user/reader`, action: 'iam:CreateUser', resource: `arn:aws:iam::${accountId}:user/x` } } }),
      true,
    ],
    ['authorize of an unknown principal', () => ({ query: authorize, variables: { input: { principal: `arn:aws:iam::${accountId}:user/ghost`, action: 'iam:GetUser', resource: '*' } } }), true],
    ['a missing required variable', () => ({ query: authorize, variables: {} }), true],
    ['a variable of the wrong type', () => ({ query: authorize, variables: { input: { principal: 5, action: 'a', resource: 'b' } } }), true],
    ['an unknown variable field', () => ({ query: authorize, variables: { input: { principal: 'p', action: 'a', resource: 'b', color: 'red' } } }), true],
    ['a list with a page size out of range', () => ({ query: '{ users(first: -1) { __typename ... on UsersSuccess { data { edges { node { userName } } } } ... on Error { message code } } }' }), true],
    [
      'a named operation among several',
      () => ({ query: 'query A { callerIdentity { arn } } query B { users { ... on UsersSuccess { data { edges { node { userName path } } } } } }', operationName: 'B' }),
      true,
    ],
    ['an operation name the document lacks', () => ({ query: 'query A { callerIdentity { arn } }', operationName: 'C' }), false],
    ['several operations and no name', () => ({ query: 'query A { callerIdentity { arn } } query B { callerIdentity { account } }' }), false],
    ['a syntax error', () => ({ query: '{ callerIdentity { arn }' }), false],
    ['a field the schema lacks', () => ({ query: '{ callerIdentity { arn password } }' }), false],
    ['a query nested past the depth limit', () => ({ query: deep }), false],
    ['a parameter yoga does not know', () => ({ query: '{ callerIdentity { arn } }', documentId: 'abc' }), false],
    ['a subscription on a schema without them', () => ({ query: 'subscription { ticks }' }), false],
    ['a mutation refused as bad input', () => ({ query: 'mutation { createUser(input: { userName: "bad name!" }) { __typename ... on Error { message code } } }' }), true],
    ['a mutation of something that does not exist', () => ({ query: 'mutation { deleteUser(input: { userName: "ghost" }) { __typename ... on Error { message code } } }' }), true],
  ];

  const auditLog =
    'query($f: AuditEventFilter, $after: String) { auditEvents(first: 3, after: $after, filter: $f) { __typename ... on AuditEventsSuccess { data { edges { cursor node { kind type outcome errorCode decision principalArn resourceArns data } } pageInfo { hasNextPage endCursor } } } ... on Error { message code } } }';
  bodies.push(
    ['the audit log of events and call records', () => ({ query: auditLog, variables: { f: { to: setUpEnded } } }), true],
    [
      'the audit log through the call filters',
      () => ({ query: auditLog, variables: { f: { outcomes: ['DENIED'], sourceIp: '192.0.2.0/24', principal: `arn:aws:iam::${accountId}:user/nobody` } } }),
      true,
    ],
    ['the audit log with a cursor it did not make', () => ({ query: auditLog, variables: { after: 'bm90IGEgY3Vyc29y' } }), true],
    ['the audit log with a source IP that is not one', () => ({ query: auditLog, variables: { f: { sourceIp: '192.0.2.0/99' } } }), true],
    ['the audit log with an outcome it does not know', () => ({ query: auditLog, variables: { f: { outcomes: ['MAYBE'] } } }), true],
  );

  it('the audit log after a cursor is the same page on both paths', async () => {
    const first = await compiled.data<{ auditEvents: { data: { pageInfo: { endCursor: string } } } }>(auditLog, { f: { to: setUpEnded } });
    const text = JSON.stringify({ query: auditLog, variables: { f: { to: setUpEnded }, after: first.auditEvents.data.pageInfo.endCursor } });
    const [fromCompiled, fromYoga] = [await compiled.send(text), await plain.send(text)];
    expect(answerOf(fromCompiled)).toEqual(answerOf(fromYoga));
    expect(fromCompiled.body.data?.['auditEvents']).toMatchObject({ __typename: 'AuditEventsSuccess' });
  });

  it.each(bodies)('%s', async (_label, body, runsCompiled) => {
    const params = body();
    const text = JSON.stringify(params);
    const [fromCompiled, fromYoga] = [await compiled.send(text), await plain.send(text)];
    expect(answerOf(fromCompiled)).toEqual(answerOf(fromYoga));
    expect(operations.answers(params as { query: string })).toBe(runsCompiled);
  });

  it('a denied list is the same typed AccessDeniedError on both paths', async () => {
    // Not the encoded message: it is encrypted afresh for every answer.
    const text = JSON.stringify({ query: '{ users { __typename ... on UsersSuccess { data { edges { node { userName } } } } ... on Error { message code } } }' });
    const [fromCompiled, fromYoga] = [await reader.compiled.send(text), await reader.plain.send(text)];
    expect(answerOf(fromCompiled)).toEqual(answerOf(fromYoga));
    expect(fromCompiled.body.errors).toBeUndefined();
    expect(fromCompiled.body.data?.['users']).toMatchObject({ __typename: 'AccessDeniedError', code: 'AccessDenied' });
    expect(operations.answers(JSON.parse(text))).toBe(true);
  });

  it('a document with several operations answers the one named, whichever was asked first, on either path', async () => {
    const cases = [
      { client: () => compiled, extensions: undefined, label: 'compiled path' },
      { client: () => compiled, extensions: { trace: true }, label: 'yoga, behind the compiled path' },
      { client: () => plain, extensions: undefined, label: 'yoga alone' },
    ];
    for (const { client, extensions, label } of cases) {
      // A comment makes each case's text its own, so no case reuses another's parsed document.
      const query = `query A { callerIdentity { arn } } query B { users { ... on UsersSuccess { data { edges { node { userName } } } } } } # ${label}`;
      const ask = (operationName: string) => client().send(JSON.stringify({ query, operationName, ...(extensions ? { extensions } : {}) }));
      const second = (await ask('B')).body.data;
      const first = (await ask('A')).body.data;
      expect(Object.keys(second ?? {}), label).toEqual(['users']);
      expect(Object.keys(first ?? {}), label).toEqual(['callerIdentity']);
    }
  });

  it('a mutation that lands answers alike on both paths', async () => {
    const create = (name: string) =>
      JSON.stringify({
        query: 'mutation($n: String!) { createUser(input: { userName: $n, path: "/same/" }) { __typename ... on CreateUserSuccess { data { userName path } } } }',
        variables: { n: name },
      });
    const fromCompiled = await compiled.send(create('twin'));
    const fromYoga = await plain.send(create('twin2'));
    expect(fromCompiled.body).toEqual({ data: { createUser: { __typename: 'CreateUserSuccess', data: { userName: 'twin', path: '/same/' } } } });
    expect(fromYoga.body).toEqual({ data: { createUser: { __typename: 'CreateUserSuccess', data: { userName: 'twin2', path: '/same/' } } } });
  });
});
