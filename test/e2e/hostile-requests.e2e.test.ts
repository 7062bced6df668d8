import type { RunningWarden } from '@warden/api';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery, lexicographicSortSchema, printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXECUTION_PATH_NAMES as PATH_NAMES, type ExecutionPath, signAlong, type SignedPost } from './support/execution-paths.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';
import type { GraphQLData } from './support/signed-client.js';

/**
 * Requests built to stall the server, each answered 400 at once with a message that names the limit
 * it breaks (services/api/src/operation-limits.ts), on each way a JSON operation can go through the
 * server: the compiled-operation path (a plain signed JSON POST), yoga behind the HTTP layer's fast
 * path (a JSON POST with extensions, which the compiled path leaves to yoga) and yoga.fetch (a
 * content type the fast path does not take; there yoga answers a request's errors 400 to a client
 * that accepts application/graphql-response+json, and 200 to one that wants plain JSON, as
 * GraphQL over HTTP has it). What clients legitimately send still passes: graphql's full
 * introspection query, and one authorizeBatch of 1,000 checks.
 */
interface Answer {
  readonly status: number;
  readonly body: { data?: GraphQLData | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function deliver(request: SignedPost): Promise<Answer> {
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** `query { ...F0 } fragment F0 on Query { ...F1 ...F1 } … fragment F<levels-1> on Query { __typename }`, with a comment to make its text its own. */
function fragmentBomb(levels: number, comment = ''): string {
  let text = 'query { ...F0 }';
  for (let level = 0; level < levels - 1; level++) text += ` fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`;
  return `${text} fragment F${levels - 1} on Query { __typename } # ${comment}`;
}

const aliased = (count: number, field: string) => `{ ${Array.from({ length: count }, (_, index) => `a${index}: ${field}`).join(' ')} }`;
const BATCH =
  'authorizeBatch(input: { requests: $r }) { __typename ... on AuthorizeBatchSuccess { data { allowed decision reason matchedStatements { effect policyIndex policyName sid source statementIndex } } } ... on Error { message code } }';

describe.each([...DRIVERS])('hostile requests (%s)', (driver) => {
  let warden: RunningWarden;
  let tenant: Awaited<ReturnType<typeof newTenant>>;
  let checks: (count: number) => { principal: string; action: string; resource: string }[];

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    tenant = await newTenant(warden);
    await tenant.root.data('mutation { createUser(input: { userName: "subject" }) { __typename } }');
    const principal = `arn:aws:iam::${tenant.accountId}:user/subject`;
    checks = (count) => Array.from({ length: count }, (_, index) => ({ principal, action: index % 2 === 0 ? 'iam:GetUser' : 'iam:ListUsers', resource: '*' }));
  });
  afterAll(async () => {
    await warden.close();
  });

  // A client that accepts application/graphql-response+json, to which yoga answers a request's errors 400.
  const signedFor = (path: ExecutionPath, query: string, variables: Record<string, unknown> = {}) =>
    signAlong(path, warden.url, tenant.credentials, query, variables, { accept: 'application/graphql-response+json, application/json;q=0.9' });
  const send = async (path: ExecutionPath, query: string, variables: Record<string, unknown> = {}) => deliver(await signedFor(path, query, variables));

  /** Sends the operation along every path, and expects a 400 on each, with one of its errors matching. */
  async function expectRefused(query: string, message: string | RegExp, variables: Record<string, unknown> = {}): Promise<void> {
    for (const path of PATH_NAMES) {
      const answer = await send(path, query, variables);
      expect(answer.status, path).toBe(400);
      expect(answer.body.data, path).toBeUndefined();
      const messages = (answer.body.errors ?? []).map((error) => error.message);
      expect(
        messages.some((candidate) => (typeof message === 'string' ? candidate === message : message.test(candidate))),
        `${path}: ${messages.join(' | ')}`,
      ).toBe(true);
    }
  }

  describe('a fragment bomb', () => {
    it('of 23 levels (905 bytes, 4 million spreads) is answered 400 for its cost (how fast: test/bench/hostile-requests.bench.ts)', async () => {
      for (const attempt of [1, 2]) {
        const answer = await send('compiled operations', fragmentBomb(23, `attempt ${attempt}`));
        expect(answer.status).toBe(400);
        expect(answer.body.errors?.[0]?.message).toMatch(/^The operation costs 4194304; the cost limit is 25000\./);
      }
    });

    it('of 30 levels is answered too, on every path (measured again for every spread, it would take about 20 minutes)', async () => {
      await expectRefused(fragmentBomb(30), /^The operation costs 536870912; the cost limit is 25000\./);
    });
  });

  describe('each limit, answered 400 with a message naming it', () => {
    it('aliases', async () => {
      await expectRefused(aliased(16, 'accountAuthorizationDetails { __typename }'), 'Aliases limit of 15 exceeded, found 16.');
      const answer = await send('compiled operations', aliased(15, 'callerIdentity { arn }'));
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body.data ?? {})).toHaveLength(15);
    });

    it('1,000 aliased simulatePrincipalPolicy or accountAuthorizationDetails', async () => {
      const limits = /document size limit|more that 1000 tokens|Aliases limit/;
      await expectRefused(aliased(1000, `simulatePrincipalPolicy(input: { policySourceArn: "arn:aws:iam::${tenant.accountId}:user/subject", actionNames: ["iam:GetUser"] }) { __typename }`), limits);
      await expectRefused(aliased(1000, 'accountAuthorizationDetails { __typename }'), limits);
    });

    it('tokens: about 3,000 levels of nesting are refused before they overflow the parser', async () => {
      await expectRefused(`{${'a{'.repeat(3000)}b${'}'.repeat(3000)}}`, 'Syntax Error: Document contains more that 1000 tokens. Parsing aborted.');
      await expectRefused(
        `{ authorize(input: { principal: "p", action: "a", resource: "r", context: ${'['.repeat(3000)}${']'.repeat(3000)} }) { __typename } }`,
        'Syntax Error: Document contains more that 1000 tokens. Parsing aborted.',
      );
    });

    it("the document's size, checked before it is parsed", async () => {
      const padded = `# ${'x'.repeat(70_000)}\n{ callerIdentity { arn } }`;
      await expectRefused(padded, `The document is ${padded.length} characters long; the document size limit is 65536 characters.`);
    });

    it('depth, and introspection lists within one another', async () => {
      await expectRefused(`{ callerIdentity { arn ${'{ a '.repeat(12)}${'}'.repeat(12)} } }`, 'The operation nests 14 levels deep; the depth limit is 12.');
      await expectRefused('{ __schema { types { fields { args { type { fields { args { name } } } } } } } }', 'The operation nests introspection lists 5 deep; the introspection depth limit is 3.');
    });

    it('cost, with authorizeBatch counted per check', async () => {
      await expectRefused(`query($r: [AuthorizeInput!]!) { a: ${BATCH} b: ${BATCH} }`, /^The operation costs 28002; the cost limit is 25000\./, { r: checks(1000) });
      // One batch over the budget is refused for its cost, before its resolver would refuse its size.
      await expectRefused(`query($r: [AuthorizeInput!]!) { ${BATCH} }`, /^The operation costs 28001; the cost limit is 25000\./, { r: checks(2000) });
      await expectRefused(
        '{ a: users(first: 1000) { ... on UsersSuccess { data { edges { node { userName arn path userId createDate tags { key value } } } } } } b: users(first: 1000) { ... on UsersSuccess { data { edges { node { userName arn path userId createDate tags { key value } } } } } } c: users(first: 1000) { ... on UsersSuccess { data { edges { node { userName } } } } } }',
        /the cost limit is 25000\./,
      );
    });

    it('directives', async () => {
      await expectRefused(
        `query($x: Boolean!) { ${Array.from({ length: 26 }, (_, index) => `a${index}: __typename @include(if: $x) @skip(if: $x)`).join(' ')} }`,
        'The operation applies 52 directives; the directive limit is 50.',
        { x: true },
      );
    });
  });

  describe('what clients legitimately send', () => {
    it.each([9, 100])("graphql's full introspection query with every option passes every limit (typeDepth %i)", async (typeDepth) => {
      const query = getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
        oneOf: true,
        experimentalDirectiveDeprecation: true,
        typeDepth,
      });
      for (const path of PATH_NAMES) {
        const answer = await send(path, query);
        expect(answer.status, path).toBe(200);
        expect(answer.body.errors, path).toBeUndefined();
        expect(answer.body.data?.['__schema']?.['queryType']).toEqual({ name: 'Query', kind: 'OBJECT' });
      }
    });

    it('the schema a tool reads by introspection from the running server is the checked-in schema/schema.graphql', async () => {
      // What graphql-codegen's or get-graphql-schema's URL loader does: introspect, build, print.
      const answer = await send('compiled operations', getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true, oneOf: true }));
      expect(answer.status).toBe(200);
      const printed = `${printSchema(lexicographicSortSchema(buildClientSchema(answer.body.data as unknown as IntrospectionQuery)))}\n`;
      expect(printed).toBe(readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8'));
    });

    it('one authorizeBatch of 1,000 checks, as the benchmark sends it and with every field of its decisions', async () => {
      const lean = await send('compiled operations', 'query($r: [AuthorizeInput!]!) { authorizeBatch(input: { requests: $r }) { ... on AuthorizeBatchSuccess { data { decision } } } }', {
        r: checks(1000),
      });
      expect(lean.status).toBe(200);
      expect(lean.body.data?.['authorizeBatch'].data).toHaveLength(1000);
      const full = await send('compiled operations', `query($r: [AuthorizeInput!]!) { ${BATCH} }`, { r: checks(1000) });
      expect(full.status).toBe(200);
      expect(full.body.data?.['authorizeBatch'].data).toHaveLength(1000);
    });
  });

  it('during a flood of hostile requests, /health still answers 200 (its latency: test/bench/hostile-requests.bench.ts)', async () => {
    const health = warden.url.replace(/\/graphql$/, '/health');
    const hostile = [
      (index: number) => signedFor('compiled operations', fragmentBomb(23, `flood ${index}`)),
      (index: number) => signedFor('yoga behind the fast path', fragmentBomb(26, `flood ${index}`)),
      (index: number) => signedFor('compiled operations', `${aliased(1000, 'accountAuthorizationDetails { __typename }')} # ${index}`),
      (index: number) => signedFor('compiled operations', `{${'a{'.repeat(3000)}b${'}'.repeat(3000)}} # ${index}`),
    ];
    // Signed beforehand, so that the flood is the server's work and not the signing; each text its own.
    const requests = await Promise.all(Array.from({ length: 400 }, (_, index) => hostile[index % hostile.length]!(index)));
    let flooding = true;
    let sent = 0;
    let answered = 0;
    let firstAnswer: () => void = () => undefined;
    const flowing = new Promise<void>((resolve) => (firstAnswer = resolve));
    // Twenty clients, each sending one hostile request after another until the probes are done.
    const clients = Array.from({ length: 20 }, async () => {
      try {
        while (flooding) {
          const answer = await deliver(requests[sent++ % requests.length]!);
          expect(answer.status).toBe(400);
          answered++;
          firstAnswer();
        }
      } finally {
        // A client that fails ends the flood, so that the probes, which wait on it, end too.
        flooding = false;
        firstAnswer();
      }
    });
    /** For each probe: its status, and the hostile requests in flight as it was sent and as it was answered. */
    const probes: { status: number; inFlightAtSend: number; inFlightAtAnswer: number; answeredBefore: number }[] = [];
    try {
      await flowing;
      // Probes go on until 40 hostile answers have come between the first probe and the last: a probe
      // answers in a millisecond and a hostile request far slower, so a fixed count of probes (nine, as
      // before) could all fall between two of the flood's answers.
      const answeredAtFirstProbe = answered;
      while (flooding && (probes.length < 9 || probes[probes.length - 1]!.answeredBefore < answeredAtFirstProbe + 40)) {
        const inFlightAtSend = sent - answered;
        const answeredBefore = answered;
        const response = await fetch(health);
        await response.arrayBuffer();
        probes.push({ status: response.status, inFlightAtSend, inFlightAtAnswer: sent - answered, answeredBefore });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      flooding = false;
      await Promise.all(clients);
    }
    // Every probe was answered 200, each sent and answered while the flood was running (hostile
    // requests in flight on both sides of it), and the flood kept being answered between probes
    // (the loop above ends only once it has).
    for (const probe of probes) {
      expect(probe.status).toBe(200);
      expect(probe.inFlightAtSend).toBeGreaterThan(0);
      expect(probe.inFlightAtAnswer).toBeGreaterThan(0);
    }
    expect(probes[probes.length - 1]!.answeredBefore).toBeGreaterThanOrEqual(probes[0]!.answeredBefore + 40);
  });
});
