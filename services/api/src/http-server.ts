import { createServer, type Server } from 'node:http';
import { context } from '@opentelemetry/api';
import type { IamService } from '@warden/iam';
import { isDatabaseUnavailable, unavailableReason } from '@warden/db';
import { schema } from '@warden/schema';
import { AnswerCoalescer } from './answer-coalescer.js';
import type { AuthenticationSettings } from './authenticate.js';
import { ClientAddress } from './client-address.js';
import type { CompiledOperations } from './compiled-operations.js';
import type { ServerContext } from './graphql-context.js';
import { exchangeOf, type HttpExchange } from './http-exchange.js';
import { answerServiceUnavailable, answerUnexpectedError } from './json-response.js';
import { accessLogOf } from './access-log.js';
import type { Logger } from './logger.js';
import type { WardenMetrics } from './metrics/warden-metrics.js';
import type { ReadinessReport } from './readiness.js';
import type { WardenTracing } from './tracing/warden-tracing.js';
import { route, type RouterOptions } from './router.js';
import type { WardenYoga } from './yoga.js';

/**
 * HTTP in front of GraphQL: `/graphql` (POST, or GET for GraphiQL in a browser), the sign-in page
 * and the health probes (router.ts). What is made here is made once and shared by every request:
 * the access log, the answer coalescer, the routes' options.
 */
export interface HttpServerOptions {
  readonly yoga: WardenYoga;
  /** Valid operations compiled once and run without yoga's per-request hooks; yoga takes the rest. */
  readonly operations?: CompiledOperations<ServerContext>;
  readonly iam: IamService;
  readonly authentication: AuthenticationSettings;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
  /** Injected for tests; the real clock otherwise. */
  readonly now?: () => Date;
  /** Who the client is when a trusted proxy forwards its requests. */
  readonly clientAddress?: ClientAddress;
  /** `/health/ready`: whether this process can serve now (its database answers). */
  readonly readiness?: () => Promise<ReadinessReport>;
  /** Where every answer is counted; nothing is when absent. */
  readonly metrics?: WardenMetrics | undefined;
  /** Fires when the server stops, ending streamed answers (subscriptions) that would otherwise hold it open. */
  readonly streamsEnd?: AbortSignal;
  /** Where each request's spans go; none are made when absent. */
  readonly tracing?: WardenTracing | undefined;
}

export function createHttpServer(options: HttpServerOptions): Server {
  const { logger } = options;
  const accessLog = accessLogOf(logger);
  const clientAddress = options.clientAddress ?? new ClientAddress();
  const answers = new AnswerCoalescer((error) => {
    try {
      logger.error({ err: error }, 'request failed');
    } catch {
      // The log itself failed (its destination, say): there is nowhere left to report it.
    }
  });
  const routes: RouterOptions = {
    graphql: {
      yoga: options.yoga,
      operations: options.operations,
      labelSchema: options.metrics || options.tracing ? schema : undefined,
      requestContext: { iam: options.iam, authentication: options.authentication, logger, clientAddress, now: options.now ?? (() => new Date()) },
      maxBodyBytes: options.maxBodyBytes,
      answers,
      accessLog,
      streamsEnd: options.streamsEnd,
    },
    iam: options.iam,
    clientAddress,
    maxBodyBytes: options.maxBodyBytes,
    accessLog,
    readiness: options.readiness,
  };
  const { metrics, tracing } = options;
  return createServer((request, response) => {
    const exchange = exchangeOf(request, response, performance.now(), answers.arrived(), metrics);
    let handled: Promise<void>;
    if (tracing) {
      const requestTrace = tracing.requestStarted(request, exchange.path);
      exchange.trace = requestTrace;
      handled = context.with(requestTrace.context, handle, undefined, exchange);
    } else handled = handle(exchange);
    void handled.catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) {
        // An outage fails every request: one short line each, not a stack.
        logger.warn({ reason: unavailableReason(error) }, 'request refused: the database is unavailable');
        answerServiceUnavailable(response);
        exchange.trace?.ended(503);
        return;
      }
      logger.error({ err: error }, 'request failed');
      answerUnexpectedError(response);
      exchange.trace?.ended(500);
    });
  });

  /** Async, so that whatever a route throws, synchronously or not, reaches the catch above. */
  async function handle(exchange: HttpExchange): Promise<void> {
    await route(exchange, routes);
  }
}
