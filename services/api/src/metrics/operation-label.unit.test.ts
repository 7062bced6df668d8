import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationLabelOfText, SEVERAL_FIELDS_OPERATION } from './operation-label.js';

const schema = buildSchema(`
  type Query { authorize(action: String): Boolean, user(name: String): String }
  type Mutation { createUser(name: String): String }
`);

describe('the operation label of a GraphQL request', () => {
  const labels = { of: (query: string, operationName: string | null | undefined) => operationLabelOfText(schema, query, operationName ?? undefined) };

  it('is the root field a schema has, whatever the client names the operation or aliases the field', () => {
    expect(labels.of('{ authorize(action: "s3:GetObject") }', undefined)).toBe('authorize');
    expect(labels.of('query MyOwnName { a: authorize b: authorize __typename }', 'MyOwnName')).toBe('authorize');
    expect(labels.of('mutation { createUser(name: "alice") }', null)).toBe('createUser');
  });

  it('takes the operation the request names among several', () => {
    const query = 'query A { user } mutation B { createUser }';
    expect(labels.of(query, 'A')).toBe('user');
    expect(labels.of(query, 'B')).toBe('createUser');
  });

  it('is one value for several root fields, and other for a field the schema lacks, a root fragment, a document that does not parse, or no operation', () => {
    expect(labels.of('{ authorize user }', undefined)).toBe(SEVERAL_FIELDS_OPERATION);
    expect(labels.of('{ arn_aws_iam__123456789012_user_alice }', undefined)).toBe('other');
    expect(labels.of('{ ...F } fragment F on Query { user }', undefined)).toBe('other');
    expect(labels.of('{ authorize', undefined)).toBe('other');
    expect(labels.of('query A { user }', 'B')).toBe('other');
    expect(labels.of('subscription { authorize }', undefined)).toBe('other');
  });

  it('labels a document longer than the compiled path keeps as a shorter one is labelled', () => {
    expect(labels.of(`{ user ${' '.repeat(9000)} }`, undefined)).toBe('user');
  });
});
