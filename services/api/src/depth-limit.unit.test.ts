import { buildSchema, type DocumentNode, getIntrospectionQuery, Kind, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { depthLimitRule } from './depth-limit.js';

const schema = buildSchema('type Node { name: String, child: Node, children: [Node!]! } type Query { root: Node }');

function errors(query: string | DocumentNode, maxDepth: number, maxIntrospectionLists?: number): string[] {
  return validate(schema, typeof query === 'string' ? parse(query) : query, [depthLimitRule(maxDepth, maxIntrospectionLists)]).map((error) => error.message);
}

/** `query { ...F0 } fragment F0 { ...F1 ...F1 } … fragment F<levels-1> { <leaf> }`: twice the spreads at each level. */
function fragmentBomb(levels: number, onType: string, leaf: string, root = '{ ...F0 }'): string {
  let text = `query ${root}`;
  for (let level = 0; level < levels - 1; level++) text += ` fragment F${level} on ${onType} { ...F${level + 1} ...F${level + 1} }`;
  return `${text} fragment F${levels - 1} on ${onType} { ${leaf} }`;
}

/** The document, with a count of how often each fragment's selections are read. */
function countingReads(query: string): { document: DocumentNode; reads: Map<string, number> } {
  const document = parse(query);
  const reads = new Map<string, number>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const { selectionSet } = definition;
    const name = definition.name.value;
    Object.defineProperty(definition, 'selectionSet', {
      get: () => {
        reads.set(name, (reads.get(name) ?? 0) + 1);
        return selectionSet;
      },
    });
  }
  return { document, reads };
}

describe('depthLimitRule', () => {
  it('admits an operation at the limit and refuses one level more, saying how deep it goes', () => {
    expect(errors('{ root { child { name } } }', 3)).toEqual([]);
    expect(errors('{ root { child { child { name } } } }', 3)).toEqual(['The operation nests 4 levels deep; the depth limit is 3.']);
    expect(errors('{ root { child { child { child { child { name } } } } } }', 3)).toEqual(['The operation nests 6 levels deep; the depth limit is 3.']);
  });

  it('counts through fragments and inline fragments, and survives fragment cycles', () => {
    expect(errors('{ root { ...F } } fragment F on Node { child { child { name } } }', 3)).toHaveLength(1);
    expect(errors('{ root { ... on Node { child { name } } } }', 3)).toEqual([]);
    // The deeper of two spreads of one fragment counts, wherever it was measured first.
    expect(errors('{ root { ...F child { child { ...F } } } } fragment F on Node { name }', 3)).toEqual(['The operation nests 4 levels deep; the depth limit is 3.']);
    expect(() => errors('{ root { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }', 50)).not.toThrow();
  });

  it('reads each fragment once however often it is spread, so a fragment bomb costs what its text does', () => {
    const { document, reads } = countingReads(fragmentBomb(16, 'Query', '__typename'));
    expect(errors(document, 12)).toEqual([]);
    // Once by graphql's own walk of the document, once by the rule.
    expect(Math.max(...reads.values())).toBeLessThanOrEqual(2);
    // Thirty levels, a billion paths: done at once or never.
    expect(errors(fragmentBomb(30, 'Node', 'child { child { child { child { name } } } }', '{ root { ...F0 } }'), 4)).toEqual(['The operation nests 6 levels deep; the depth limit is 4.']);
  });

  it("admits graphql's full introspection query however deep its ofType chains, and bounds lists of introspection types within one another", () => {
    for (const typeDepth of [9, 100]) {
      const query = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true, typeDepth });
      expect(errors(query, 12)).toEqual([]);
    }
    // graphql's own MaxIntrospectionDepthRule lets this one through (it counts two `fields`).
    expect(errors('{ __schema { types { fields { args { type { fields { args { name } } } } } } } }', 12)).toEqual([
      'The operation nests introspection lists 5 deep; the introspection depth limit is 3.',
    ]);
    expect(errors('{ __type(name: "Node") { fields { type { ofType { fields { type { ofType { fields { name } } } } } } } } }', 12, 2)).toEqual([
      'The operation nests introspection lists 3 deep; the introspection depth limit is 2.',
    ]);
    // Only introspection is measured by its lists: the schema's own lists are levels like any field.
    expect(errors('{ root { children { children { name } } } }', 3)).toEqual(['The operation nests 4 levels deep; the depth limit is 3.']);
  });
});
