import type { ExecutionResult } from 'graphql';
import type { CompiledOperations, PreparedOperation } from './compiled-operations.js';
import { isGraphQLError, maskError } from './error-masking.js';
import type { ServerContext } from './graphql-context.js';
import { OTHER_OPERATION, type RequestPath } from './metrics/request-path.js';
import { type OperationEngine, tracedOperation, untracedEngine } from './tracing/operation-span.js';
import type { RequestTrace } from './tracing/request-trace.js';
import type { PostedOperation } from './posted-operation.js';
import type { WardenYoga } from './yoga.js';

/** What runs an operation: yoga, and the compiled path in front of it when there is one. */
/** Told which engine ran the operation (the HttpExchange, whose metrics count it so), and where its span goes. */
export interface EngineRecord {
  metricsPath: RequestPath;
  /** The operation's label (set before it runs), which names its span. */
  readonly operation: string;
  readonly trace: RequestTrace | undefined;
}

export interface OperationEngines {
  readonly yoga: WardenYoga;
  /** Valid operations compiled once and run without yoga's per-request hooks; yoga takes the rest. */
  readonly operations?: CompiledOperations<ServerContext> | undefined;
}

/**
 * What the fast path hands yoga as the Fetch request: one shared object, since nothing on that
 * path reads it (the caller and the request's facts are in the context). Building a Request per
 * call costs a URL parse and an AbortController.
 */
const FAST_PATH_REQUEST = new Request('http://warden.invalid/graphql', { method: 'POST' });

/**
 * Runs one operation of a JSON POST: on the compiled path when it takes it, else straight into
 * yoga's per-operation pipeline (parse and validation caches, envelop plugins, error masking),
 * without building a Fetch Request and Response around it. Either way it runs once: whatever comes
 * back is the answer, errors included.
 */
export function executeOperation(
  engines: OperationEngines,
  operation: PostedOperation,
  context: ServerContext,
  record?: EngineRecord,
  prepared?: PreparedOperation,
): Promise<ExecutionResult | AsyncIterable<ExecutionResult> | undefined> {
  const trace = record?.trace;
  if (trace === undefined) return runOperation(engines, operation, context, record, prepared, untracedEngine);
  return tracedOperation(trace, record?.operation ?? OTHER_OPERATION, (engineRan) => runOperation(engines, operation, context, record, prepared, engineRan));
}

async function runOperation(
  engines: OperationEngines,
  operation: PostedOperation,
  context: ServerContext,
  record: EngineRecord | undefined,
  prepared: PreparedOperation | undefined,
  engineRan: (engine: OperationEngine) => void,
): Promise<ExecutionResult | AsyncIterable<ExecutionResult> | undefined> {
  try {
    const compiled = await engines.operations?.run(operation, context, prepared ?? engines.operations.prepare(operation));
    if (compiled) {
      if (record) record.metricsPath = 'compiled';
      engineRan('compiled');
      return compiled;
    }
    if (record) record.metricsPath = 'yoga';
    engineRan('yoga');
    return await engines.yoga.getResultForParams({ params: operation, request: FAST_PATH_REQUEST }, context);
  } catch (error) {
    // What yoga finds wrong with the request's parameters (one it does not know, say) it throws
    // as a GraphQLError carrying its HTTP status, which yoga.fetch answers as such: so does this.
    // Anything else is masked (and logged with the request id, or answered 503 for an outage).
    return { errors: [isGraphQLError(error) ? error : maskError(error, context)] };
  }
}
