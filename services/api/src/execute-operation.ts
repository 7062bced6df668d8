import type { ExecutionResult } from 'graphql';
import type { CompiledOperations } from './compiled-operations.js';
import { isGraphQLError, maskError } from './error-masking.js';
import type { ServerContext } from './graphql-context.js';
import type { RequestPath } from './metrics/request-path.js';
import type { PostedOperation } from './posted-operation.js';
import type { WardenYoga } from './yoga.js';

/** What runs an operation: yoga, and the compiled path in front of it when there is one. */
/** Told which engine ran the operation (the HttpExchange, whose metrics count it so). */
export interface EngineRecord {
  metricsPath: RequestPath;
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
export async function executeOperation(
  engines: OperationEngines,
  operation: PostedOperation,
  context: ServerContext,
  record?: EngineRecord,
): Promise<ExecutionResult | AsyncIterable<ExecutionResult> | undefined> {
  try {
    const compiled = await engines.operations?.run(operation, context);
    if (compiled) {
      if (record) record.metricsPath = 'compiled';
      return compiled;
    }
    if (record) record.metricsPath = 'yoga';
    return await engines.yoga.getResultForParams({ params: operation, request: FAST_PATH_REQUEST }, context);
  } catch (error) {
    // What yoga finds wrong with the request's parameters (one it does not know, say) it throws
    // as a GraphQLError carrying its HTTP status, which yoga.fetch answers as such: so does this.
    // Anything else is masked (and logged with the request id, or answered 503 for an outage).
    return { errors: [isGraphQLError(error) ? error : maskError(error, context)] };
  }
}
