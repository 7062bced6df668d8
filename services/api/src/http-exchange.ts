import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessLog } from './access-log.js';
import { OTHER_OPERATION, type RequestPath } from './metrics/request-path.js';
import type { WardenMetrics } from './metrics/warden-metrics.js';
import type { RequestTrace } from './tracing/request-trace.js';

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
  /** Where the answer is counted; undefined when the server keeps no metrics. */
  readonly metrics: WardenMetrics | undefined;
  /** What answered, for the metrics: set by the route that answers (`other` until then). */
  metricsPath: RequestPath;
  /** The operation asked, for the metrics: a schema field or a known Query action, else `other`. */
  operation: string;
  /** The request's spans when tracing is on (set as it arrives); undefined otherwise. */
  trace: RequestTrace | undefined;
}

/**
 * The path and query are cut from the request line as they are, not through a URL: no route but
 * yoga.fetch's needs one (yoga-fetch.ts), and a URL costs a parse per request.
 */
export function exchangeOf(request: IncomingMessage, response: ServerResponse, started: number, arrivedIn: number, metrics?: WardenMetrics): HttpExchange {
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
    metrics,
    metricsPath: 'other',
    operation: OTHER_OPERATION,
    trace: undefined,
  };
}

/**
 * The exchange's access log line, with the time since it started (a function, not a closure per
 * request), and its count in the metrics: every answer but the health probes' ends here, so this is
 * the one place a request is counted.
 */
export function logExchange(accessLog: AccessLog, exchange: HttpExchange, status: number, accessKeyId?: string): void {
  const ms = performance.now() - exchange.started;
  const { trace } = exchange;
  accessLog.request({
    requestId: exchange.requestId,
    method: exchange.request.method,
    path: exchange.path,
    status,
    ms: Math.round(ms * 10) / 10,
    accessKeyId,
    trace_id: trace?.traceId,
    span_id: trace?.spanId,
  });
  exchange.metrics?.requestAnswered(exchange.metricsPath, exchange.operation, status, ms / 1000);
  trace?.ended(status);
}

/** The exchange counted in the metrics without an access log line (the health probes, which an orchestrator polls). */
export function countExchange(exchange: HttpExchange, status: number): void {
  exchange.metrics?.requestAnswered(exchange.metricsPath, exchange.operation, status, (performance.now() - exchange.started) / 1000);
  exchange.trace?.ended(status);
}
