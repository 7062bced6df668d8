import type { AccessLog } from './access-log.js';
import type { ServerContext } from './graphql-context.js';
import { type HttpExchange, logExchange } from './http-exchange.js';
import { tracedOperation } from './tracing/operation-span.js';
import { graphQLErrorBody, sendJson } from './json-response.js';
import { writeWithBackPressure } from './write-with-back-pressure.js';
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

/**
 * The request as it came (its body read already), answered by yoga.fetch with the request's context.
 * A streamed answer (a subscription's event stream, multipart) is written as it comes, with the
 * socket's back-pressure, and ends when the client goes away or `streamsEnd` fires (the server
 * stops): either aborts the request yoga sees, which ends the operation's stream.
 */
export async function answerThroughYogaFetch(
  exchange: HttpExchange,
  body: Buffer,
  context: ServerContext,
  accessKeyId: string | undefined,
  yoga: WardenYoga,
  accessLog: AccessLog,
  streamsEnd?: AbortSignal,
): Promise<void> {
  const { request, response } = exchange;
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(', '));
  }
  const url = urlOrRefused(exchange, accessLog);
  if (!url) return;
  exchange.metricsPath = 'yoga';
  const abandoned = new AbortController();
  const abandon = (): void => abandoned.abort();
  response.once('close', abandon);
  streamsEnd?.addEventListener('abort', abandon, { once: true });
  try {
    const fetched = () =>
      yoga.fetch(
        url,
        { method: request.method ?? 'POST', headers, signal: abandoned.signal, ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: body.toString('utf8') }) },
        context,
      );
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
    if (isStreamed(result) && result.body) {
      // A stream's connection is not reused: closed when the stream ends, it cannot hold a stopping server open as an idle keep-alive would.
      responseHeaders['connection'] = 'close';
      response.writeHead(result.status, responseHeaders);
      response.flushHeaders();
      await pipeStream(result.body, response, abandoned.signal);
      response.end();
    } else {
      const payload = Buffer.from(await result.arrayBuffer());
      responseHeaders['content-length'] = String(payload.length);
      response.writeHead(result.status, responseHeaders);
      response.end(payload);
    }
    logExchange(accessLog, exchange, result.status, accessKeyId);
  } finally {
    response.off('close', abandon);
    streamsEnd?.removeEventListener('abort', abandon);
  }
}

function isStreamed(result: Response): boolean {
  const type = result.headers.get('content-type') ?? '';
  return type.startsWith('text/event-stream') || type.startsWith('multipart/');
}

/** Copies a stream to the socket as it comes, waiting for the socket to drain; stops when the client is gone. */
async function pipeStream(stream: ReadableStream<Uint8Array>, response: HttpExchange['response'], abandoned: AbortSignal): Promise<void> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || abandoned.aborted) return;
      await writeWithBackPressure(response, value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
