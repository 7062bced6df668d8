import { buildSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { responseMediaTypeOf } from './response-media-type.js';

const yoga = createYoga({ schema: buildSchema('type Query { a: Int }'), logging: false });

/** The media type yoga.fetch answers a query in, for a client sending this Accept header. */
async function yogaMediaType(accept: string | undefined): Promise<{ status: number; contentType: string | null }> {
  const response = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(accept === undefined ? {} : { accept }) },
    body: JSON.stringify({ query: '{ a }' }),
  });
  await response.arrayBuffer();
  return { status: response.status, contentType: response.headers.get('content-type') };
}

const ACCEPTS = [
  undefined,
  '',
  '*/*',
  'application/json',
  'application/graphql-response+json',
  'application/graphql-response+json, application/json;q=0.9',
  'application/json;q=0.1, application/graphql-response+json',
  'application/*',
  '*/json',
  'APPLICATION/JSON',
  'application/json; charset=UTF-8',
  'application/json; charset=iso-8859-1',
  'application/json; charset=iso-8859-1, application/graphql-response+json',
  'text/event-stream',
  'text/event-stream, application/json',
  'application/json, text/event-stream',
  'multipart/mixed',
  'multipart/mixed, application/graphql-response+json',
  'text/html',
  'text/html, */*;q=0.8',
  '*',
  ',',
  'application',
];

describe('responseMediaTypeOf', () => {
  it.each(ACCEPTS)('negotiates as yoga.fetch does for Accept %j', async (accept) => {
    const mediaType = responseMediaTypeOf(accept);
    const fromYoga = await yogaMediaType(accept);
    if (mediaType === undefined) {
      // yoga answers this client otherwise: an event stream, multipart, or 406.
      expect(fromYoga.status === 406 || !/^application\/(graphql-response\+)?json;/.test(fromYoga.contentType ?? ''), JSON.stringify(fromYoga)).toBe(true);
    } else {
      expect(fromYoga).toEqual({ status: 200, contentType: `${mediaType}; charset=utf-8` });
    }
    // Remembered, the same again.
    expect(responseMediaTypeOf(accept)).toBe(mediaType);
  });
});
