import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { directiveLimitRule } from './directive-limit.js';

const schema = buildSchema('type Query { a: String, b: Query }');

function errors(query: string, maxDirectives: number): string[] {
  return validate(schema, parse(query), [directiveLimitRule(maxDirectives)]).map((error) => error.message);
}

describe('directiveLimitRule', () => {
  it('admits an operation at the limit and refuses one more, saying how many', () => {
    expect(errors('query($x: Boolean!) { a @include(if: $x) b { a @skip(if: $x) } }', 2)).toEqual([]);
    expect(errors('query($x: Boolean!) { a @include(if: $x) b @skip(if: $x) { a @skip(if: $x) } }', 2)).toEqual(['The operation applies 3 directives; the directive limit is 2.']);
  });

  it("counts a fragment's directives once for each spread, and the directives written on every spread", () => {
    expect(errors('{ ...F ...F } fragment F on Query { a @include(if: true) }', 1)).toEqual(['The operation applies 2 directives; the directive limit is 1.']);
    // graphql-armor's max-directives counts 2 of these 6.
    const spreads = '{ ...F @include(if: true) @skip(if: false) ...F @include(if: true) @skip(if: false) ...F @include(if: true) @skip(if: false) } fragment F on Query { a }';
    expect(errors(spreads, 5)).toEqual(['The operation applies 6 directives; the directive limit is 5.']);
    expect(errors('{ ... on Query @include(if: true) { a @skip(if: false) } }', 1)).toEqual(['The operation applies 2 directives; the directive limit is 1.']);
  });

  it('is linear in the document however often fragments are spread, and survives cycles', () => {
    let bomb = 'query { ...F0 }';
    for (let level = 0; level < 40; level++) bomb += ` fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`;
    bomb += ' fragment F40 on Query { a @include(if: true) }';
    expect(errors(bomb, 50)).toEqual([`The operation applies ${2 ** 40} directives; the directive limit is 50.`]);
    expect(() => errors('{ ...A } fragment A on Query { b { ...B } } fragment B on Query { b { ...A } }', 5)).not.toThrow();
  });
});
