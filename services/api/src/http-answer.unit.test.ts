import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { httpAnswerOf } from './http-answer.js';
import { serviceUnavailableError } from './service-unavailable.js';

describe('httpAnswerOf', () => {
  it('answers 200 and leaves a result without http extensions as it is', () => {
    const result = { data: { a: 1 }, errors: [new GraphQLError('no', { extensions: { code: 'X' } })] };
    expect(httpAnswerOf(result)).toEqual({ status: 200, headers: {}, body: result });
  });

  it("takes the status and headers from an error's http extension and hides the extension from the client", () => {
    const answer = httpAnswerOf({ data: { a: null }, errors: [new GraphQLError('other'), serviceUnavailableError()] });
    expect(answer.status).toBe(503);
    expect(answer.headers).toEqual({ 'retry-after': '1' });
    expect(JSON.stringify(answer.body)).not.toContain('"http"');
    expect(answer.body).toMatchObject({ errors: [{ message: 'other' }, { extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
  });
});
