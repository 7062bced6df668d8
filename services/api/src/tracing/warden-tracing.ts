import type { IncomingMessage } from 'node:http';
import { type Attributes, context, defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { SqlTracer } from '@warden/db';
import type { JobTracer } from '@warden/workers';
import { RequestTrace } from './request-trace.js';
import { sqlSpanOf } from './sql-span.js';
import type { TracingConfig } from './tracing-config.js';

/** The instrumentation scope every Warden span is made under. */
const SCOPE = '@warden/api';

let contextManagerRegistered = false;

/**
 * OpenTelemetry tracing of one Warden process, made only when an OTLP endpoint is configured:
 * without one nothing here exists and no code path asks whether to trace (the request, the
 * statements and the jobs are simply not wrapped). A provider of its own, not the global one, so
 * that servers in one process (tests) trace apart; only the context manager is global, since the
 * statements of a request find their parent span through it, across packages that import no
 * tracing library.
 */
export class WardenTracing {
  readonly #provider: BasicTracerProvider;
  readonly #tracer: Tracer;
  readonly #propagator = new W3CTraceContextPropagator();
  /** Each statement the store sends, as a child of the span active when it was sent. */
  readonly sqlTracer: SqlTracer;
  /** Each job run, as a trace of its own. */
  readonly jobTracer: JobTracer;

  /** Exports to the configured OTLP endpoint in batches (BatchSpanProcessor, tuned by OTEL_BSP_*). */
  static exportingTo(config: TracingConfig): WardenTracing {
    const exporter = config.protocol === 'http/json' ? new JsonTraceExporter({ url: config.tracesUrl }) : new ProtobufTraceExporter({ url: config.tracesUrl });
    return new WardenTracing(exporter);
  }

  constructor(exporter: SpanExporter) {
    if (!contextManagerRegistered) {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      contextManagerRegistered = true;
    }
    // Warden's name unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise; the sampler is the SDK's, from OTEL_TRACES_SAMPLER.
    const resource = defaultResource()
      .merge(resourceFromAttributes({ 'service.name': 'warden' }))
      .merge(detectResources({ detectors: [envDetector] }));
    this.#provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
    this.#tracer = this.#provider.getTracer(SCOPE);
    const tracer = this.#tracer;
    this.sqlTracer = {
      statement(text, run) {
        const { name, attributes } = sqlSpanOf(text);
        const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
        return run().then(
          (result) => {
            span.end();
            return result;
          },
          (error: unknown) => {
            // The SQLSTATE only: a database error's message and detail can quote the row's values.
            const code = (error as { code?: unknown } | null)?.code;
            span.setStatus({ code: SpanStatusCode.ERROR });
            if (typeof code === 'string') span.setAttribute('db.response.status_code', code);
            span.end();
            throw error;
          },
        );
      },
    };
    this.jobTracer = {
      run(job, handler) {
        const span = tracer.startSpan(`job ${job}`, { kind: SpanKind.CONSUMER, attributes: { 'warden.job.name': job } }, ROOT_CONTEXT);
        return context.with(trace.setSpan(ROOT_CONTEXT, span), handler).then(
          (result) => {
            span.end();
            return result;
          },
          (error: unknown) => {
            span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'failed' });
            span.end();
            throw error;
          },
        );
      },
    };
  }

  /** The server span of one HTTP request, continuing the caller's trace when its `traceparent` names one (W3C Trace Context). */
  requestStarted(request: IncomingMessage, path: string): RequestTrace {
    const parent = request.headers.traceparent === undefined ? ROOT_CONTEXT : this.#propagator.extract(ROOT_CONTEXT, request.headers, defaultTextMapGetter);
    const method = request.method ?? 'GET';
    const route = ROUTES.has(path) ? path : path.startsWith('/signin') ? '/signin' : undefined;
    const attributes: Attributes = { 'http.request.method': method, 'url.path': route ?? path };
    if (route) attributes['http.route'] = route;
    const span = this.#tracer.startSpan(route ? `${method} ${route}` : method, { kind: SpanKind.SERVER, attributes }, parent);
    return new RequestTrace(this.#tracer, span, trace.setSpan(parent, span));
  }

  /** Exports what is buffered, then stops. */
  shutdown(): Promise<void> {
    return this.#provider.shutdown();
  }

  /** Exports what is buffered now (tests, and before a process exits). */
  forceFlush(): Promise<void> {
    return this.#provider.forceFlush();
  }
}

/** The routes a span is named by (router.ts); any other path is named by its method alone, so that names stay few. */
const ROUTES = new Set(['/graphql', '/', '/health', '/health/live', '/health/ready', '/graphiql/graphiql.js', '/graphiql/graphiql.css']);
