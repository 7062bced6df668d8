import { buildSchema, parse, type DocumentNode, GraphQLError, print, type ASTVisitor, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CompiledOperations, type OperationRequestLimits } from './compiled-operations.js';
import { depthLimitRule } from './depth-limit.js';

const schema = buildSchema(`
  type Node { name: String!, child: Node }
  type Query { hello(name: String!): String!, node: Node!, failing: String, failingLater: String, expected: String }
  type Mutation { touch: Int! }
  type Subscription { ticks: Int! }
`);

/** Counts resolver calls, so a test can tell whether anything ran. */
function fixture(capacity?: number, requestLimits?: (document: DocumentNode, operationName: string | undefined) => OperationRequestLimits) {
  const calls: string[] = [];
  /** The context each unexpected error was masked with: the request's, for its log line. */
  const maskedIn: unknown[] = [];
  let validations = 0;
  // A rule that only counts: each compile validates once, each cache hit not at all.
  const countValidations = (): ASTVisitor => {
    validations++;
    return {};
  };
  const root = {
    hello: ({ name }: { name: string }) => (calls.push('hello'), `hello ${name}`),
    node: () => (calls.push('node'), { name: 'a', child: { name: 'b', child: null } }),
    failing: () => {
      calls.push('failing');
      throw new Error('database password is hunter2');
    },
    failingLater: () => {
      calls.push('failingLater');
      return Promise.reject(new Error('connection reset'));
    },
    expected: () => {
      calls.push('expected');
      throw new GraphQLError('You may not.', { extensions: { code: 'AccessDenied' } });
    },
    touch: () => (calls.push('touch'), 1),
  };
  // Keeps errors of the request and GraphQLErrors thrown on purpose, masks the rest (Warden's
  // maskError in small; duck-typed, since graphql-jit has its own GraphQLError class).
  const isGraphQLError = (value: unknown): value is GraphQLError => value instanceof Error && value.name === 'GraphQLError';
  const maskError = (error: unknown, context: unknown): GraphQLError => {
    const original = isGraphQLError(error) ? error.originalError : error;
    if (isGraphQLError(error) && (original === undefined || isGraphQLError(original))) return error;
    maskedIn.push(context);
    return new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  };
  const operations = new CompiledOperations<{ root: typeof root }>({
    schema,
    rules: [depthLimitRule(3), countValidations],
    maskError,
    ...(capacity ? { capacity } : {}),
    ...(requestLimits ? { requestLimits } : {}),
  });
  // graphql-jit passes the root value to top-level resolvers as `parent`; run() passes none, so
  // resolvers are attached to the schema's fields the way Pothos does it.
  for (const [name, resolve] of Object.entries(root)) {
    const type = name === 'touch' ? schema.getMutationType()! : schema.getQueryType()!;
    type.getFields()[name]!.resolve = (_parent, args) => (resolve as (args: unknown) => unknown)(args);
  }
  return { operations, calls, maskedIn, validations: () => validations, context: { root } };
}

describe('CompiledOperations', () => {
  it('runs a valid operation and compiles it once', async () => {
    const { operations, calls, validations, context } = fixture();
    const params = { query: 'query Greet($n: String!) { hello(name: $n) }', variables: { n: 'ann' } };
    expect(await operations.run(params, context)).toEqual({ data: { hello: 'hello ann' } });
    expect(await operations.run({ ...params, variables: { n: 'bob' } }, context)).toEqual({ data: { hello: 'hello bob' } });
    expect(calls).toEqual(['hello', 'hello']);
    expect(validations()).toBe(1);
  });

  it('selects the named operation of a document with several', async () => {
    const { operations, calls, context } = fixture();
    const query = 'query A { hello(name: "a") } mutation B { touch }';
    expect(await operations.run({ query, operationName: 'B' }, context)).toEqual({ data: { touch: 1 } });
    expect(await operations.run({ query, operationName: 'A' }, context)).toEqual({ data: { hello: 'hello a' } });
    expect(calls).toEqual(['touch', 'hello']);
  });

  it.each([
    ['a syntax error', { query: '{ hello(' }],
    ['a field the schema lacks', { query: '{ goodbye }' }],
    ['a query deeper than the rules allow', { query: '{ node { child { child { child { name } } } } }' }],
    ['a subscription', { query: 'subscription { ticks }' }],
    ['several operations and no name', { query: 'query A { hello(name: "a") } query B { hello(name: "b") }' }],
    ['an operation name the document lacks', { query: 'query A { hello(name: "a") }', operationName: 'B' }],
    ['an operation name that is not a GraphQL name', { query: 'query A { hello(name: "a") }', operationName: 'A\n{ x }' }],
    ['a request parameter yoga would refuse', { query: '{ hello(name: "a") }', documentId: 'x' }],
    ['extensions (persisted operations, say)', { query: '{ hello(name: "a") }', extensions: { persistedQuery: { version: 1 } } }],
    ['an operation longer than it keeps', { query: `{ hello(name: "a") }${' '.repeat(8192)}` }],
  ])('leaves %s to yoga without running anything', (_label, params) => {
    const { operations, calls, context } = fixture();
    // Twice: the second answer comes from the remembered refusal.
    expect(operations.run(params, context)).toBeUndefined();
    expect(operations.run(params, context)).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('never answers one operation with another compiled under a similar key', async () => {
    const { operations, context } = fixture();
    // An unnamed document that starts with the word "query" and a newline, then the same text
    // asked for by an operation name "query", which the second document does not have.
    expect(await operations.run({ query: 'query\n{ hello(name: "a") }' }, context)).toEqual({ data: { hello: 'hello a' } });
    expect(operations.run({ query: '{ hello(name: "a") }', operationName: 'query' }, context)).toBeUndefined();
  });

  it('takes empty extensions and a null operation name or variables, as yoga does', async () => {
    const { operations, context } = fixture();
    expect(await operations.run({ query: '{ hello(name: "a") }', extensions: {}, operationName: null, variables: null }, context)).toEqual({ data: { hello: 'hello a' } });
  });

  it('answers bad variables with the errors of their coercion, running no resolver', async () => {
    const { operations, calls, context } = fixture();
    const result = (await operations.run({ query: 'query($n: String!) { hello(name: $n) }', variables: { n: 5 } }, context)) as ExecutionResult;
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toMatch(/\$n.*String/);
    const missing = (await operations.run({ query: 'query($n: String!) { hello(name: $n) }' }, context)) as ExecutionResult;
    expect(missing.errors?.[0]?.message).toMatch(/\$n.*required|was not provided/);
    expect(calls).toEqual([]);
  });

  it("masks an unexpected error, thrown at once or later, with the request's context, and keeps an expected one", async () => {
    const { operations, context, maskedIn } = fixture();
    const now = (await operations.run({ query: '{ failing }' }, context)) as ExecutionResult;
    expect(now).toEqual({ data: { failing: null }, errors: [expect.objectContaining({ message: 'Unexpected error.' })] });
    expect(JSON.stringify(now)).not.toContain('hunter2');
    const later = (await operations.run({ query: '{ failingLater }' }, context)) as ExecutionResult;
    expect(later).toEqual({ data: { failingLater: null }, errors: [expect.objectContaining({ message: 'Unexpected error.' })] });
    const expected = (await operations.run({ query: '{ expected }' }, context)) as ExecutionResult;
    expect(expected.errors?.[0]?.message).toBe('You may not.');
    expect(expected.errors?.[0]?.extensions).toEqual({ code: 'AccessDenied' });
    expect(maskedIn).toEqual([context, context]);
    expect(maskedIn[0]).toBe(context);
  });

  describe("the limits a request's variables decide", () => {
    /** Limits that refuse a name "bad", and every request of a document greeting "everyone"; each call counted. */
    function limited() {
      const refusal = new GraphQLError('refused', { extensions: { code: 'BAD_USER_INPUT' } });
      const planned: string[] = [];
      const decided: unknown[] = [];
      const requestLimits = (document: DocumentNode): OperationRequestLimits => {
        const text = print(document);
        planned.push(text);
        return {
          refusesEvery: text.includes('everyone'),
          refusalOf: (variables) => {
            decided.push(variables);
            return text.includes('everyone') || JSON.stringify(variables ?? {}).includes('bad') ? refusal : undefined;
          },
        };
      };
      return { ...fixture(undefined, requestLimits), refusal, planned, decided };
    }

    it('answers a request they refuse with the refusal itself, deciding once per request and running nothing', async () => {
      const { operations, calls, context, refusal, planned, decided } = limited();
      const query = 'query($n: String!) { hello(name: $n) }';
      expect(await operations.run({ query, variables: { n: 'bad' } }, context)).toEqual({ errors: [refusal] });
      expect(await operations.run({ query, variables: { n: 'good' } }, context)).toEqual({ data: { hello: 'hello good' } });
      expect(await operations.run({ query, variables: { n: 'bad' } }, context)).toEqual({ errors: [refusal] });
      expect(calls).toEqual(['hello']);
      // Worked out once for the operation, decided once for each request.
      expect(planned).toHaveLength(1);
      expect(decided).toEqual([{ n: 'bad' }, { n: 'good' }, { n: 'bad' }]);
      expect(operations.answers({ query })).toBe(true);
    });

    it('never compiles an operation every request of which they refuse, and answers each with the refusal', async () => {
      const { operations, calls, context, refusal, planned, validations } = limited();
      const query = '{ hello(name: "everyone") }';
      expect(await operations.run({ query }, context)).toEqual({ errors: [refusal] });
      expect(await operations.run({ query }, context)).toEqual({ errors: [refusal] });
      expect(operations.answers({ query })).toBe(true);
      expect(calls).toEqual([]);
      expect(planned).toHaveLength(1);
      expect(validations()).toBe(1);
    });

    it('are not asked of what this path leaves to yoga', () => {
      const { operations, context, planned, decided } = limited();
      expect(operations.run({ query: '{ goodbye }', variables: { n: 'bad' } }, context)).toBeUndefined();
      expect(planned).toEqual([]);
      expect(decided).toEqual([]);
    });
  });

  it('parses with the parser it is given, and leaves to yoga what that parser refuses', () => {
    const parsed: string[] = [];
    const operations = new CompiledOperations<object>({
      schema,
      rules: [],
      parse: (source) => {
        parsed.push(source);
        throw new GraphQLError('too long');
      },
      maskError: (error) => error as GraphQLError,
    });
    expect(operations.run({ query: '{ hello(name: "a") }' }, {})).toBeUndefined();
    expect(operations.run({ query: '{ hello(name: "a") }' }, {})).toBeUndefined();
    expect(parsed).toEqual(['{ hello(name: "a") }']);
  });

  it('keeps about its capacity of operations, dropping those not used lately', async () => {
    const { operations, validations, context } = fixture(2);
    const a = { query: '{ hello(name: "a") }' };
    const b = { query: '{ hello(name: "b") }' };
    const c = { query: '{ hello(name: "c") }' };
    await operations.run(a, context);
    await operations.run(b, context);
    await operations.run(a, context); // a is now the most recent
    await operations.run(c, context); // evicts b
    await operations.run(c, context); // c is now the last found, so a must come from the cache's generations
    expect(validations()).toBe(3);
    await operations.run(a, context);
    expect(validations()).toBe(3);
    await operations.run(b, context);
    expect(validations()).toBe(4);
  });
});

describe('CompiledOperations: an operation parsed and labelled once', () => {
  function labelled() {
    let parses = 0;
    const labels: (string | undefined)[] = [];
    const operations = new CompiledOperations<object>({
      schema,
      rules: [],
      maskError: (error) => (error instanceof GraphQLError ? error : new GraphQLError('Unexpected error.')),
      parse: (source) => {
        parses++;
        return parse(source);
      },
      label: (document, operationName) => {
        const label = document ? `${operationName ?? ''}:${document.definitions.length}` : 'unparsed';
        labels.push(label);
        return label;
      },
    });
    return { operations, labels, parses: () => parses };
  }

  it('labels a text before it runs, and keeps the label with what it compiles: a text is parsed once, whatever asks', async () => {
    const { operations, labels, parses } = labelled();
    const params = { query: 'query A { hello(name: "a") } query B { hello(name: "b") }', operationName: 'A' };
    const prepared = operations.prepare(params);
    expect(prepared?.label).toBe('A:2');
    await operations.run(params, {}, prepared);
    expect(operations.prepare(params)?.label).toBe('A:2');
    expect(operations.answers(params)).toBe(true);
    expect(operations.answers({ ...params, operationName: 'B' })).toBe(true);
    expect(operations.prepare({ ...params, operationName: 'B' })?.label).toBe('B:2');
    expect(parses()).toBe(2);
    expect(labels).toEqual(['A:2', 'B:2']);
  });

  it('labels what it leaves to yoga too (a text that does not parse, one that does not validate), without compiling it', () => {
    const { operations, parses } = labelled();
    expect(operations.prepare({ query: '{ hello(' })?.label).toBe('unparsed');
    expect(operations.prepare({ query: '{ hello }' })?.label).toBe(':1');
    expect(operations.answers({ query: '{ hello(' })).toBe(false);
    expect(operations.answers({ query: '{ hello }' })).toBe(false);
    expect(operations.run({ query: '{ hello }' }, {})).toBeUndefined();
    expect(operations.prepare({ query: '{ hello }' })?.label).toBe(':1');
    expect(parses()).toBe(4);
  });

  it('keeps a text only once it has run (after authentication): one only prepared is parsed again when it comes back', async () => {
    const { operations, parses } = labelled();
    const params = { query: '{ hello(name: "c") }' };
    expect(operations.prepare(params)?.label).toBe(':1');
    expect(operations.prepare(params)?.label).toBe(':1');
    expect(parses()).toBe(2);
    expect(await operations.run(params, {}, operations.prepare(params))).toEqual({ data: { hello: 'hello c' } });
    expect(parses()).toBe(3);
    expect(operations.prepare(params)?.label).toBe(':1');
    expect(await operations.run(params, {})).toEqual({ data: { hello: 'hello c' } });
    expect(parses()).toBe(3);
  });

  it('prepares nothing for parameters it leaves to yoga whatever the operation', () => {
    const { operations, parses } = labelled();
    expect(operations.prepare({ query: '{ hello(name: "a") }', extensions: { persistedQuery: {} } })).toBeUndefined();
    expect(operations.prepare({ query: `{ hello(name: "a") ${' '.repeat(9000)} }` })).toBeUndefined();
    expect(parses()).toBe(0);
  });
});
