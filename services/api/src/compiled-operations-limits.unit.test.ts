import { buildSchema, type DocumentNode, GraphQLError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CompiledOperations } from './compiled-operations.js';

const schema = buildSchema('type Query { hello(names: [String!]): String! }');
schema.getQueryType()!.getFields()['hello']!.resolve = (_parent, args: { names?: string[] }) => `hello ${(args.names ?? []).join(' ')}`;

/** A compiled path whose parser and limits count what they are asked, with a limit on how many names a request greets. */
function fixture(maxNames: number) {
  const parsed: string[] = [];
  const admitted: string[] = [];
  const operations = new CompiledOperations<object>({
    schema,
    rules: [],
    parse: (source) => {
      parsed.push(source);
      if (source.length > 100) throw new GraphQLError('too long');
      return parse(source);
    },
    admits: (document: DocumentNode) => {
      const text = document.loc?.source.body ?? '';
      admitted.push(text);
      if (text.includes('$')) return (variables) => ((variables?.['n'] as string[] | undefined)?.length ?? 0) <= maxNames;
      return !text.includes('"x"');
    },
    maskError: (error) => (error instanceof GraphQLError ? error : new GraphQLError('Unexpected error.')),
  });
  return { operations, parsed, admitted };
}

describe('CompiledOperations and the operation limits', () => {
  it('parses with the parser it is given, and leaves to yoga what that parser refuses', () => {
    const { operations, parsed } = fixture(2);
    const long = `{ hello(names: ["${'a'.repeat(100)}"]) }`;
    expect(operations.run({ query: long }, {})).toBeUndefined();
    expect(parsed).toEqual([long]);
  });

  it('never compiles an operation every request of which is over a limit, and leaves it to yoga', () => {
    const { operations, admitted } = fixture(2);
    expect(operations.run({ query: '{ hello(names: ["x"]) }' }, {})).toBeUndefined();
    expect(operations.run({ query: '{ hello(names: ["x"]) }' }, {})).toBeUndefined();
    expect(operations.isCompiled({ query: '{ hello(names: ["x"]) }' })).toBe(false);
    expect(admitted).toHaveLength(1);
  });

  it('tests each request of an operation whose limits depend on its variables, leaving those over them to yoga', async () => {
    const { operations, admitted } = fixture(2);
    const query = 'query($n: [String!]) { hello(names: $n) }';
    expect(await operations.run({ query, variables: { n: ['a', 'b'] } }, {})).toEqual({ data: { hello: 'hello a b' } });
    expect(operations.run({ query, variables: { n: ['a', 'b', 'c'] } }, {})).toBeUndefined();
    expect(await operations.run({ query, variables: { n: ['c'] } }, {})).toEqual({ data: { hello: 'hello c' } });
    expect(operations.isCompiled({ query })).toBe(true);
    expect(admitted).toHaveLength(1);
  });
});
