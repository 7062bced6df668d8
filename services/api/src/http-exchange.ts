import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessLog } from './access-log.js';

/** One request and its answer, with what the routes read of the request line, split once. */
export interface HttpExchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** Also the client's `x-amzn-requestid`, and the access log's and the error log's key. */
  readonly requestId: string;
  /** The path as sent, still percent-encoded: SigV4 signs it so. */
  readonly path: string;
  /** The query string as sent, without its `?` (`''` when there is none). */
  readonly query: string;
  /** When the request arrived (performance.now()), for the access log's time. */
  readonly started: number;
  /** The event-loop iteration the request was read in (AnswerCoalescer.arrived). */
  readonly arrivedIn: number;
}

/**
 * The path and query are cut from the request line as they are, not through a URL: no route but
 * yoga.fetch's needs one (yoga-fetch.ts), and a URL costs a parse per request.
 */
export function exchangeOf(request: IncomingMessage, response: ServerResponse, started: number, arrivedIn: number): HttpExchange {
  const rawUrl = request.url ?? '/';
  const queryIndex = rawUrl.indexOf('?');
  return {
    request,
    response,
    requestId: randomUUID(),
    path: queryIndex < 0 ? rawUrl : rawUrl.slice(0, queryIndex),
    query: queryIndex < 0 ? '' : rawUrl.slice(queryIndex + 1),
    started,
    arrivedIn,
  };
}

/** The exchange's access log line, with the time since it started (a function, not a closure per request). */
export function logExchange(accessLog: AccessLog, exchange: HttpExchange, status: number, accessKeyId?: string): void {
  accessLog.request({ requestId: exchange.requestId, method: exchange.request.method, path: exchange.path, status, ms: Math.round((performance.now() - exchange.started) * 10) / 10, accessKeyId });
}
