import type { ServerResponse } from 'node:http';
import { RETRY_AFTER_SECONDS, serviceUnavailableBody } from './service-unavailable.js';

/** Every answer of this server that it writes itself (yoga writes GraphiQL and the yoga.fetch route's). */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** A GraphQL answer of one error, for a request refused before any operation ran. */
export function graphQLErrorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** The answer to a request that failed unexpectedly: a 500 while nothing is sent yet, else the connection cut. */
export function answerUnexpectedError(response: ServerResponse): void {
  if (!response.headersSent) sendJson(response, 500, graphQLErrorBody('Unexpected error.', 'INTERNAL_SERVER_ERROR'));
  else response.destroy();
}

/** A request that failed because the database is away (authentication reads it): 503, retry shortly. */
export function answerServiceUnavailable(response: ServerResponse): void {
  if (!response.headersSent) sendJson(response, 503, serviceUnavailableBody(), { 'retry-after': String(RETRY_AFTER_SECONDS) });
  else response.destroy();
}
