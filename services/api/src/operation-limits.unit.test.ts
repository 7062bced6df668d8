import { type DocumentNode, getIntrospectionQuery, GraphQLError, specifiedRules, validate } from 'graphql';
import { schema } from '@warden/schema';
import { describe, expect, it } from 'vitest';
import { OPERATION_COST_LIMIT, OPERATION_LIMIT_RULES, OPERATION_LIMITS, parseWithinLimits } from './operation-limits.js';

function refusalOf(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return (error as GraphQLError).message;
  }
  throw new Error('parsed');
}

function validationErrors(document: DocumentNode): string[] {
  return validate(schema, document, [...specifiedRules, ...OPERATION_LIMIT_RULES]).map((error) => error.message);
}

function costOf(query: string, variables?: Record<string, unknown>): number {
  return OPERATION_COST_LIMIT.planOf(parseWithinLimits(query), undefined)!.of(variables);
}

const DECISION = 'allowed decision reason matchedStatements { effect policyIndex policyName policyArn sid source statementIndex }';
const BATCH = `authorizeBatch(input: { requests: $r }) { __typename ... on AuthorizeBatchSuccess { data { ${DECISION} } } ... on Error { message code } }`;
const checks = (count: number) => Array.from({ length: count }, () => ({ principal: 'arn:aws:iam::123456789012:user/a', action: 'iam:GetUser', resource: '*' }));

describe('the operation limits', () => {
  it('refuse a document over the size limit before lexing it, and one over the token limit while parsing it, naming the limit', () => {
    const long = `# ${'x'.repeat(OPERATION_LIMITS.maxDocumentLength)}\n{ __typename }`;
    expect(refusalOf(() => parseWithinLimits(long))).toBe(`The document is ${long.length} characters long; the document size limit is 65536 characters.`);
    // About 3,000 levels of nesting overflow graphql's recursive parser without the token limit.
    for (const nested of ['{' + 'a{'.repeat(3000) + 'b' + '}'.repeat(3000) + '}', `{ a(x: ${'['.repeat(3000)}${']'.repeat(3000)}) }`]) {
      expect(refusalOf(() => parseWithinLimits(nested))).toBe('Syntax Error: Document contains more that 1000 tokens. Parsing aborted.');
    }
  });

  it("admit graphql's full introspection query with every option, however deep its type references", () => {
    for (const typeDepth of [9, 100]) {
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
      const document = parseWithinLimits(query);
      expect(validationErrors(document)).toEqual([]);
      expect(OPERATION_COST_LIMIT.refusal(OPERATION_COST_LIMIT.planOf(document, undefined)!.of(undefined))).toBeUndefined();
    }
  });

  it('refuse an operation with more aliases than the limit (aliases of __typename are free), naming the limit', () => {
    const aliased = (count: number) => `{ ${Array.from({ length: count }, (_, index) => `a${index}: callerIdentity { arn }`).join(' ')} t1: __typename t2: __typename }`;
    expect(validationErrors(parseWithinLimits(aliased(15)))).toEqual([]);
    expect(validationErrors(parseWithinLimits(aliased(16)))).toEqual(['Aliases limit of 15 exceeded, found 16.']);
    let bomb = 'query { ...F0 }';
    for (let level = 0; level < 30; level++) bomb += ` fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`;
    bomb += ' fragment F30 on Query { a: callerIdentity { arn } }';
    expect(validationErrors(parseWithinLimits(bomb))).toEqual([`Aliases limit of 15 exceeded, found ${2 ** 30}.`]);
  });

  it('refuse deep operations and too many directives, naming the limits', () => {
    const deep = `{ ${'accountAuthorizationDetails { ... on AccountAuthorizationDetailsSuccess { data { users { user { tags { key } } } } } }'} }`;
    expect(validationErrors(parseWithinLimits(deep))).toEqual([]);
    const wrapped = (levels: number) => `{ callerIdentity { ${'... on CallerIdentity { '.repeat(levels)}arn${' }'.repeat(levels)} } }`;
    expect(validationErrors(parseWithinLimits(wrapped(40)))).toEqual([]);
    const directives = `query($x: Boolean!) { ${Array.from({ length: 26 }, (_, index) => `a${index}: __typename @include(if: $x) @skip(if: $x)`).join(' ')} }`;
    expect(validationErrors(parseWithinLimits(directives))).toEqual(['The operation applies 52 directives; the directive limit is 50.']);
  });

  it('fit one authorizeBatch of 1,000 checks selecting every field, and refuse two', () => {
    const one = costOf(`query($r: [AuthorizeInput!]!) { ${BATCH} }`, { r: checks(1000) });
    expect(one).toBe(15_001);
    expect(OPERATION_COST_LIMIT.refusal(one)).toBeUndefined();
    const two = costOf(`query($r: [AuthorizeInput!]!) { a: ${BATCH} b: ${BATCH} }`, { r: checks(1000) });
    expect(OPERATION_COST_LIMIT.refusal(two)?.message).toMatch(/^The operation costs 30002; the cost limit is 25000\./);
    // The same list given inline counts the same.
    expect(
      costOf(
        `{ authorizeBatch(input: { requests: [${checks(3)
          .map(() => '{ principal: "p", action: "a", resource: "r" }')
          .join(', ')}] }) { ... on AuthorizeBatchSuccess { data { decision } } } }`,
      ),
    ).toBe(1 + 3 * 2);
  });

  it('count simulations per action × resource pair, and pages by their size', () => {
    const simulate = 'query($i: SimulatePrincipalPolicyInput!) { simulatePrincipalPolicy(input: $i) { ... on SimulatePrincipalPolicySuccess { data { evalDecision } } } }';
    expect(costOf(simulate, { i: { policySourceArn: 'p', actionNames: ['a', 'b', 'c'], resourceArns: ['x', 'y'] } })).toBe(1 + 6 * 2);
    expect(costOf(simulate, { i: { policySourceArn: 'p', actionNames: ['a', 'b', 'c'] } })).toBe(1 + 3 * 2);
    const custom = `{ simulateCustomPolicy(input: { policyInputList: ["{}"], actionNames: ["a", "b"], resourceArns: ["x", "y", "z"] }) { ... on SimulateCustomPolicySuccess { data { evalDecision } } } }`;
    expect(costOf(custom)).toBe(1 + 6 * 2);
    const users = (first: string) => `query($n: Int) { users${first} { ... on UsersSuccess { data { edges { node { userName } } } } } }`;
    expect(costOf(users('(first: 1000)'))).toBe(1 + 1000 * 4);
    expect(costOf(users('(first: $n)'), { n: 7 })).toBe(1 + 7 * 4);
    expect(costOf(users(''))).toBe(1 + 100 * 4);
  });

  it('price a fragment bomb at what it spreads, after validating it in linear time', () => {
    let bomb = 'query { ...F0 }';
    for (let level = 0; level < 29; level++) bomb += ` fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`;
    bomb += ' fragment F29 on Query { __typename }';
    const document = parseWithinLimits(bomb);
    expect(validationErrors(document)).toEqual([]);
    expect(OPERATION_COST_LIMIT.planOf(document, undefined)?.fixed).toBe(2 ** 29);
  });
});
