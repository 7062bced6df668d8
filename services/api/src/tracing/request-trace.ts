import { type Attributes, type Context, context, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';

/**
 * One HTTP request's trace: its server span and the context its stages run in. It exists only
 * when tracing is on; the exchange holds undefined otherwise, and `traced` then just runs.
 */
export class RequestTrace {
  constructor(
    readonly tracer: Tracer,
    readonly span: Span,
    readonly context: Context,
  ) {}

  /** The ids the access log line carries. */
  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  get spanId(): string {
    return this.span.spanContext().spanId;
  }

  /** The answer's status on the server span, which ends it (5xx marks it failed, as OpenTelemetry's HTTP conventions say for a server). */
  ended(status: number): void {
    this.span.setAttribute('http.response.status_code', status);
    if (status >= 500) this.span.setStatus({ code: SpanStatusCode.ERROR });
    this.span.end();
  }
}

/**
 * Runs one stage of a request (authentication, the operation, the Query action) in a child span of
 * the request's, active while it runs so that the statements it sends are its children. Whatever
 * the stage throws ends the span as failed, named by the error's class only: messages can quote
 * what a client sent. `run` is given the span to add what the stage learnt (the account). Called
 * only for a traced request: an untraced one runs its stage directly, so that nothing (not even
 * this closure) is made for it.
 */
export async function traced<R>(request: RequestTrace, name: string, attributes: Attributes, run: (span: Span) => R | Promise<R>): Promise<R> {
  const span = request.tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, request.context);
  try {
    return await context.with(trace.setSpan(request.context, span), run, undefined, span);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'failed' });
    throw error;
  } finally {
    span.end();
  }
}
