import type { RequestTrace } from './request-trace.js';
import { traced } from './request-trace.js';

/** Which engine ran a GraphQL operation: the compiled path, or yoga (behind it, or through yoga.fetch). */
export type OperationEngine = 'compiled' | 'yoga';

/**
 * The span of one GraphQL operation, whichever engine runs it: named by the operation's label (the
 * schema's root field it selects, as the metrics call it), never by the client's operation name or
 * its variables. Both engines run through this one function, so their spans differ only in the
 * engine attribute that `run` sets once it knows.
 */
export function tracedOperation<R>(trace: RequestTrace, label: string, run: (engineRan: (engine: OperationEngine) => void) => R | Promise<R>): Promise<R> {
  return traced(trace, `graphql ${label}`, { 'graphql.operation.label': label }, (span) => run((engine) => span.setAttribute('warden.graphql.engine', engine)));
}

/** What an untraced operation tells of its engine: nothing. */
export function untracedEngine(): void {}
