import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CostLimit, type ListSize } from './cost-limit.js';

const schema = buildSchema(`
  type Item { name: String, tags: [String!]! }
  type Page { items: [Item!]!, total: Int }
  input BatchInput { requests: [String!]! }
  type Query {
    page(first: Int): Page
    batch(input: BatchInput!): [Item!]!
    item: Item
  }
`);

/** Pages by `first` (10 without it), batches by their requests. */
const listSize: ListSize = (parentType, field, argument) => {
  if (parentType.name !== 'Query') return undefined;
  if (field.name === 'page') return (argument('first') as number | undefined) ?? 10;
  if (field.name === 'batch') {
    const requests = (argument('input') as { requests?: unknown } | undefined)?.requests;
    return Array.isArray(requests) ? requests.length : undefined;
  }
  return undefined;
};

const limit = new CostLimit(schema, 100, listSize);

function planOf(query: string, operationName?: string) {
  const plan = limit.planOf(parse(query), operationName);
  if (!plan) throw new Error('no such operation');
  return plan;
}

describe('CostLimit', () => {
  it('counts each field once for each item of the sized lists around it', () => {
    expect(planOf('{ item { name tags } }').fixed).toBe(3);
    // page 1 + 5 × (items 1 + name 1 + total 1)
    expect(planOf('{ page(first: 5) { items { name } total } }').fixed).toBe(16);
    expect(planOf('{ page { items { name } } }').fixed).toBe(21);
    expect(planOf('{ batch(input: { requests: ["a", "b", "c"] }) { name } }').fixed).toBe(4);
    // An empty list still counts what it selects, once.
    expect(planOf('{ batch(input: { requests: [] }) { name } }').fixed).toBe(2);
  });

  it("prices sizes given by variables per request, with the operation's defaults, and knows the least a request costs", () => {
    const plan = planOf('query($n: Int = 4, $r: [String!]!) { page(first: $n) { total } batch(input: { requests: $r }) { name } }');
    expect(plan.fixed).toBeUndefined();
    expect(plan.least).toBe(4);
    expect(plan.of({ r: ['a', 'b'] })).toBe(1 + 4 + 1 + 2);
    expect(plan.of({ n: 50, r: Array(30).fill('x') })).toBe(1 + 50 + 1 + 30);
    const whole = planOf('query($i: BatchInput!) { batch(input: $i) { name tags } }');
    expect(whole.of({ i: { requests: Array(1000).fill('x') } })).toBe(1 + 2000);
  });

  it('counts a fragment once for each spread, pricing it once, so that a fragment bomb is refused for its cost at once', () => {
    expect(planOf('{ ...F ...F item { ...G } } fragment F on Query { item { name } } fragment G on Item { name tags }').fixed).toBe(2 + 2 + 1 + 2);
    let bomb = 'query { ...F0 }';
    for (let level = 0; level < 60; level++) bomb += ` fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`;
    bomb += ' fragment F60 on Query { item { name } }';
    const cost = planOf(bomb).fixed!;
    expect(cost).toBe(2 ** 61);
    expect(limit.refusal(cost)?.message).toBe(
      `The operation costs ${2 ** 61}; the cost limit is 100. A field counts once for each item of the lists around it (a page's first, a batch's requests, a simulation's action × resource pairs).`,
    );
    expect(planOf('{ ...A } fragment A on Query { item { name } ...B } fragment B on Query { ...A }').fixed).toBe(2);
  });

  it('refuses above the limit only, as graphql-yoga answers a validation error', () => {
    expect(limit.refusal(100)).toBeUndefined();
    const refusal = limit.refusal(101);
    expect(refusal?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', http: { spec: true, status: 400 } });
  });

  it('plans the operation asked for, and remembers the plan per document', () => {
    const document = parse('query A { item { name } } query B { page(first: 2) { total } }');
    expect(limit.planOf(document, 'A')?.fixed).toBe(2);
    expect(limit.planOf(document, 'B')?.fixed).toBe(3);
    expect(limit.planOf(document, 'C')).toBeUndefined();
    expect(limit.planOf(document, 'B')).toBe(limit.planOf(document, 'B'));
  });
});
