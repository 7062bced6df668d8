import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { depthLimitRule } from './depth-limit.js';

const schema = buildSchema('type Node { name: String, child: Node } type Query { root: Node }');

function errors(query: string, maxDepth: number): string[] {
  return validate(schema, parse(query), [depthLimitRule(maxDepth)]).map((error) => error.message);
}

describe('depthLimitRule', () => {
  it('admits a query at the limit and refuses one level more', () => {
    expect(errors('{ root { child { name } } }', 3)).toEqual([]);
    expect(errors('{ root { child { child { name } } } }', 3)).toEqual(['The query nests more than 4 levels deep; the limit is 3.'.replace('more than 4', '4')]);
  });

  it('counts through fragments and inline fragments, and survives fragment cycles', () => {
    expect(errors('{ root { ...F } } fragment F on Node { child { child { name } } }', 3)).toHaveLength(1);
    expect(errors('{ root { ... on Node { child { name } } } }', 3)).toEqual([]);
    expect(() => errors('{ root { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }', 50)).not.toThrow();
  });
});
