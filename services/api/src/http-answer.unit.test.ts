import { buildSchema, type ExecutionResult, GraphQLError } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { httpAnswerOf } from './http-answer.js';
import { responseMediaTypeOf } from './response-media-type.js';
import { serviceUnavailableError } from './service-unavailable.js';

/** Results as an operation may end, each answered by yoga.fetch and by httpAnswerOf, which must agree. */
const RESULTS: Record<string, () => ExecutionResult> = {
  'data, no errors': () => ({ data: { a: 1 } }),
  'an error yoga marks as the spec says (a validation error), no data': () => ({
    errors: [new GraphQLError('Cannot query field "b".', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { spec: true, status: 400 } } })],
  }),
  'an error with a status and no spec flag, no data': () => ({ errors: [new GraphQLError('NUL', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400, spec: false } } })] }),
  'a spec error and a plain 400': () => ({
    errors: [new GraphQLError('spec', { extensions: { http: { spec: true, status: 400 } } }), new GraphQLError('plain', { extensions: { http: { status: 400 } } })],
  }),
  'an outage among other errors, with data': () => ({ data: { a: null }, errors: [new GraphQLError('other'), serviceUnavailableError()] }),
  'a spec error and an outage': () => ({ errors: [new GraphQLError('spec', { extensions: { http: { spec: true, status: 400 } } }), serviceUnavailableError()] }),
  'an unexpected error (not a GraphQLError), no data': () => ({ errors: [new Error('boom') as GraphQLError] }),
  'an unexpected error (not a GraphQLError), with data': () => ({ data: null, errors: [new Error('boom') as GraphQLError] }),
  'a GraphQLError marked unexpected, no data': () => ({ errors: [new GraphQLError('odd', { extensions: { code: 'INTERNAL_SERVER_ERROR', unexpected: true } })] }),
  'a GraphQLError wrapping an unexpected error, no data': () => ({ errors: [new GraphQLError('wrapped', { originalError: new Error('inner') })] }),
  'a GraphQLError without http, no data': () => ({ errors: [new GraphQLError('typed', { extensions: { code: 'AccessDenied' } })] }),
  "the result's own http extension": () => ({ data: { a: 1 }, extensions: { http: { status: 202, headers: { 'x-thing': 'y' } }, other: 1 } }),
};

const ACCEPTS = [undefined, '*/*', 'application/json', 'application/graphql-response+json', 'application/graphql-response+json, application/json;q=0.9', 'application/*'];

/** Replaces every result with the one the request's `x-result` header names, just before yoga answers it. */
const answerWithNamedResult: Plugin = {
  onExecutionResult: (payload) => {
    payload.setResult(RESULTS[payload.request.headers.get('x-result') ?? '']!());
  },
};
const yoga = createYoga({ schema: buildSchema('type Query { a: Int }'), logging: false, maskedErrors: false, plugins: [answerWithNamedResult] });

async function yogaAnswer(name: string, accept: string | undefined) {
  const response = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-result': name, ...(accept === undefined ? {} : { accept }) },
    body: JSON.stringify({ query: '{ a }' }),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, header) => {
    if (header.toLowerCase() !== 'content-length') headers[header.toLowerCase()] = value;
  });
  return { status: response.status, headers, body: await response.text() };
}

describe('httpAnswerOf', () => {
  describe.each(ACCEPTS)('answers as yoga.fetch does, to a client accepting %s', (accept) => {
    it.each(Object.keys(RESULTS))('%s', async (name) => {
      const answer = httpAnswerOf(RESULTS[name]!(), responseMediaTypeOf(accept)!);
      const headers = Object.fromEntries(Object.entries(answer.headers).map(([header, value]) => [header.toLowerCase(), value]));
      expect({ status: answer.status, headers, body: answer.body }).toEqual(await yogaAnswer(name, accept));
    });
  });

  it('answers a spec error 400 to a client of application/graphql-response+json and 200 to one of application/json', () => {
    const result = RESULTS['an error yoga marks as the spec says (a validation error), no data']!();
    expect(httpAnswerOf(result, 'application/graphql-response+json').status).toBe(400);
    expect(httpAnswerOf(result, 'application/json').status).toBe(200);
    expect(httpAnswerOf(result, 'application/json').headers).toEqual({ 'Content-Type': 'application/json; charset=utf-8' });
  });

  it('answers an unexpected error without data 500, and with data 200', () => {
    expect(httpAnswerOf(RESULTS['an unexpected error (not a GraphQLError), no data']!(), 'application/json').status).toBe(500);
    expect(httpAnswerOf(RESULTS['an unexpected error (not a GraphQLError), with data']!(), 'application/json').status).toBe(200);
  });

  it("takes the status and headers from an error's http extension and hides the extension from the client", () => {
    const answer = httpAnswerOf(RESULTS['an outage among other errors, with data']!(), 'application/json');
    expect(answer.status).toBe(503);
    expect(answer.headers).toMatchObject({ 'retry-after': '1' });
    expect(JSON.parse(answer.body)).toEqual({ data: { a: null }, errors: [{ message: 'other' }, { message: expect.any(String) as string, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
  });
});
