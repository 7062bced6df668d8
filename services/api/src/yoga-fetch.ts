import type { AccessLog } from './access-log.js';
import type { ServerContext } from './graphql-context.js';
import { type HttpExchange, logExchange } from './http-exchange.js';
import { tracedOperation } from './tracing/operation-span.js';
import { graphQLErrorBody, sendJson } from './json-response.js';
import type { WardenYoga } from './yoga.js';

/**
 * yoga.fetch, for what is not one JSON operation: other content types, batches, GET.
 * yoga answers those as it would answer any client, through a Fetch Request and Response built
 * here, which is what the JSON operations' route (execute-operation.ts) saves.
 */

/**
 * The request's full URL, built only where yoga.fetch needs one, not for every signed POST; a
 * request line or Host that cannot make one is answered 400 here, and undefined returned.
 */
export function urlOrRefused(exchange: HttpExchange, accessLog: AccessLog): URL | undefined {
  try {
    return new URL(exchange.request.url ?? '/', `http://${exchange.request.headers.host ?? 'localhost'}`);
  } catch {
    sendJson(exchange.response, 400, graphQLErrorBody('The request line or Host header is not valid.', 'BAD_REQUEST'), { 'x-amzn-requestid': exchange.requestId });
    logExchange(accessLog, exchange, 400);
    return undefined;
  }
}

/** The request as it came (its body read already), answered by yoga.fetch with the request's context. */
export async function answerThroughYogaFetch(exchange: HttpExchange, body: Buffer, context: ServerContext, accessKeyId: string | undefined, yoga: WardenYoga, accessLog: AccessLog): Promise<void> {
  const { request, response } = exchange;
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(', '));
  }
  const url = urlOrRefused(exchange, accessLog);
  if (!url) return;
  exchange.metricsPath = 'yoga';
  const fetched = () => yoga.fetch(url, { method: request.method ?? 'POST', headers, ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: body.toString('utf8') }) }, context);
  const result = exchange.trace
    ? await tracedOperation(exchange.trace, exchange.operation, (engineRan) => {
        engineRan('yoga');
        return fetched();
      })
    : await fetched();
  const responseHeaders: Record<string, string> = { 'x-amzn-requestid': exchange.requestId };
  result.headers.forEach((value, name) => {
    responseHeaders[name] = value;
  });
  const payload = Buffer.from(await result.arrayBuffer());
  responseHeaders['content-length'] = String(payload.length);
  response.writeHead(result.status, responseHeaders);
  response.end(payload);
  logExchange(accessLog, exchange, result.status, accessKeyId);
}
