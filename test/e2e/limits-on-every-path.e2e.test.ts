import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createCompiledOperations, createHttpServer, createLogger, createWardenYoga, type RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPost } from './support/execution-paths.js';
import type { Credentials } from './support/signed-client.js';
import { newTenant, ONE_DRIVER, startTestWarden } from './support/warden-under-test.js';

/**
 * Requests over each operation limit (services/api/src/operation-limits.ts), and a benign control,
 * answered alike whichever way they go through the server: the compiled-operation path (a signed
 * JSON POST to a server that has it), yoga behind the HTTP layer (the same POST to a server without
 * it) and yoga.fetch, which answers by yoga's own HTTP rules (the same body as
 * application/graphql+json to that server). Status, headers and body must be the same, byte for
 * byte, for clients of either JSON media type.
 */
const NUL = '\u0000';

/** `query { ...F0 } fragment F0 on Query { ...F1 ...F1 } …`: a fixed cost of 2^(levels-1), whatever the variables. */
function fragmentBomb(levels: number): string {
  let text = 'query { ...F0 }';
  for (let level = 0; level < levels - 1; level++) text += ` fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`;
  return `${text} fragment F${levels - 1} on Query { __typename }`;
}

const BATCH =
  'query($r: [AuthorizeInput!]!) { authorizeBatch(input: { requests: $r }) { __typename ... on AuthorizeBatchSuccess { data { allowed decision reason matchedStatements { effect sid } } } ... on Error { message code } } }';
const AUTHORIZE = 'query($i: AuthorizeInput!) { authorize(input: $i) { __typename ... on AuthorizeSuccess { data { decision allowed } } ... on Error { message code } } }';

/** The headers an answer is compared on: all but those of the connection and the request's own id. */
const IGNORED_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'x-amzn-requestid']);

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

describe('requests over the operation limits are answered alike on every path', () => {
  let warden: RunningWarden;
  const servers: Server[] = [];
  let credentials: Credentials;
  let accountId: string;
  let urls: { compiled: string; yoga: string };

  beforeAll(async () => {
    warden = await startTestWarden(ONE_DRIVER);
    const serve = async (withCompiledPath: boolean): Promise<string> => {
      const server = createHttpServer({
        yoga: createWardenYoga(),
        ...(withCompiledPath ? { operations: createCompiledOperations() } : {}),
        iam: warden.iam,
        authentication: { credentials: warden.iam.credentials, region: 'us-east-1' },
        maxBodyBytes: 1_048_576,
        logger: createLogger('silent'),
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    };
    urls = { compiled: await serve(true), yoga: await serve(false) };
    const tenant = await newTenant(warden);
    credentials = tenant.credentials;
    accountId = tenant.accountId;
    await tenant.root.data('mutation { createUser(input: { userName: "subject" }) { __typename } }');
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    await warden.close();
  });

  async function deliver(url: string, params: Record<string, unknown>, contentType: string, accept: string): Promise<Answer> {
    const signed = await signPost(url, credentials, JSON.stringify(params), contentType, { accept });
    const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!IGNORED_HEADERS.has(name)) headers[name] = value;
    });
    return { status: response.status, headers, body: await response.text() };
  }

  const checks = (count: number) => Array.from({ length: count }, () => ({ principal: `arn:aws:iam::${accountId}:user/subject`, action: 'iam:GetUser', resource: '*' }));

  interface Case {
    readonly params: () => Record<string, unknown>;
    /** What the body says: the limit it names, or the control's answer. */
    readonly says: RegExp;
    /** The status for a client of application/graphql-response+json, and for one of application/json. */
    readonly status: readonly [number, number];
  }
  // A refusal yoga marks as GraphQL over HTTP has it (`spec`: parse, validation and the cost's) leaves
  // a client of application/json its 200; the NUL characters' and the operation's resolution do not.
  const cases: Record<string, Case> = {
    'a benign query (the control)': { params: () => ({ query: '{ callerIdentity { account } }' }), says: /^\{"data":\{"callerIdentity":/, status: [200, 200] },
    'a benign authorize (the control)': { params: () => ({ query: AUTHORIZE, variables: { i: checks(1)[0] } }), says: /"__typename":"AuthorizeSuccess"/, status: [200, 200] },
    'over the depth limit': { params: () => ({ query: `{ callerIdentity { arn ${'{ a '.repeat(12)}${'}'.repeat(12)} } }` }), says: /the depth limit is 12\./, status: [400, 200] },
    'over the cost limit, whatever the variables (a fragment bomb)': { params: () => ({ query: fragmentBomb(23) }), says: /costs 4194304; the cost limit is 25000\./, status: [400, 200] },
    'over the cost limit by its variables': { params: () => ({ query: BATCH, variables: { r: checks(4000) } }), says: /costs \d+; the cost limit is 25000\./, status: [400, 200] },
    'within the cost limit by its variables (the same operation)': { params: () => ({ query: BATCH, variables: { r: checks(2) } }), says: /"__typename":"AuthorizeBatchSuccess"/, status: [200, 200] },
    'over the cost limit, with a NUL character in its variables': {
      params: () => ({ query: BATCH, variables: { r: [...checks(3999), { principal: NUL, action: 'a', resource: 'r' }] } }),
      says: /The variable \$r contains a NUL character/,
      status: [400, 400],
    },
    'over the cost limit whatever the variables, with a NUL character in them': {
      params: () => ({ query: fragmentBomb(23), variables: { x: NUL } }),
      says: /The variable \$x contains a NUL character/,
      status: [400, 400],
    },
    'too many aliases': {
      params: () => ({ query: `{ ${Array.from({ length: 16 }, (_, index) => `a${index}: callerIdentity { arn }`).join(' ')} }` }),
      says: /Aliases limit of 15 exceeded, found 16\./,
      status: [400, 200],
    },
    'too many directives': {
      params: () => ({ query: `query($x: Boolean!) { ${Array.from({ length: 26 }, (_, index) => `a${index}: __typename @include(if: $x) @skip(if: $x)`).join(' ')} }`, variables: { x: true } }),
      says: /the directive limit is 50\./,
      status: [400, 200],
    },
    'too many tokens': { params: () => ({ query: `{ callerIdentity { ${'arn '.repeat(1000)}} }` }), says: /more that 1000 tokens/, status: [400, 200] },
    'over the document size limit': { params: () => ({ query: `# ${'x'.repeat(70_000)}\n{ callerIdentity { arn } }` }), says: /the document size limit is 65536 characters\./, status: [400, 200] },
    'a NUL character in the query': { params: () => ({ query: `{ user(userName: "a${NUL}b") { __typename } }` }), says: /A string in the document contains a NUL character/, status: [400, 400] },
    'a NUL character in the variables': {
      params: () => ({ query: AUTHORIZE, variables: { i: { principal: `arn:aws:iam::${accountId}:user/${NUL}`, action: 'iam:GetUser', resource: '*' } } }),
      says: /The variable \$i contains a NUL character/,
      status: [400, 400],
    },
    'a NUL character in the operation name': {
      params: () => ({ query: 'query A { callerIdentity { arn } }', operationName: `A${NUL}` }),
      says: /Could not determine what operation to execute\./,
      status: [400, 400],
    },
  };

  describe.each(['application/graphql-response+json', 'application/json', '*/*'])('to a client accepting %s', (accept) => {
    it.each(Object.keys(cases))('%s', async (label) => {
      const { params, says, status } = cases[label]!;
      const request = params();
      const viaCompiled = await deliver(urls.compiled, request, 'application/json', accept);
      const viaYoga = await deliver(urls.yoga, request, 'application/json', accept);
      const viaYogaFetch = await deliver(urls.yoga, request, 'application/graphql+json', accept);
      expect(viaCompiled, 'compiled path and yoga').toEqual(viaYoga);
      expect(viaCompiled, "compiled path and yoga's own HTTP answer").toEqual(viaYogaFetch);
      expect(viaCompiled.body).toMatch(says);
      // The errors' http extensions (and yoga's spec flag) decide the status; none reaches the client.
      expect(viaCompiled.status).toBe(accept === 'application/graphql-response+json' ? status[0] : status[1]);
      expect(viaCompiled.headers['content-type']).toBe(`${accept === 'application/graphql-response+json' ? accept : 'application/json'}; charset=utf-8`);
      expect(viaCompiled.body).not.toContain('"http"');
    });
  });
});
