import type { ExecutionResult } from 'graphql';
import type { AccessLog } from './access-log.js';
import type { AnswerCoalescer } from './answer-coalescer.js';
import { AuthenticationError } from './authenticate.js';
import { executeOperation, type OperationEngines } from './execute-operation.js';
import { httpAnswerOf } from './http-answer.js';
import { type HttpExchange, logExchange } from './http-exchange.js';
import type { GraphQLSchema } from 'graphql';
import { operationLabelOfText } from './metrics/operation-label.js';
import { traced } from './tracing/request-trace.js';
import { answerUnexpectedError, graphQLErrorBody, sendJson } from './json-response.js';
import { isJsonPost, type PostedOperation, postedOperationOf } from './posted-operation.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import { buildRequestContext, type RequestContext, type RequestContextSettings } from './request-context.js';
import { type ResponseMediaType, responseMediaTypeOf } from './response-media-type.js';
import { serveGraphiQLPage } from './graphiql-page.js';
import { answerThroughYogaFetch, urlOrRefused } from './yoga-fetch.js';

export interface GraphQLEndpointOptions extends OperationEngines {
  /** The schema that names operations for the metrics and the traces; absent when the server keeps neither, and nothing is labelled. */
  readonly labelSchema?: GraphQLSchema | undefined;
  readonly requestContext: RequestContextSettings;
  readonly maxBodyBytes: number;
  readonly answers: AnswerCoalescer;
  readonly accessLog: AccessLog;
  /** Fires when the server stops: streamed answers (subscriptions) end then, rather than holding it open. */
  readonly streamsEnd?: AbortSignal | undefined;
}

/**
 * `/graphql`. The body is read here, once, with a size limit, because the SigV4 signature covers
 * its hash; then the request is authenticated (request-context.ts) and its operation run: one JSON
 * operation whose answer the client accepts in JSON by executeOperation, anything else by yoga.fetch.
 */
export async function serveGraphQL(exchange: HttpExchange, options: GraphQLEndpointOptions): Promise<void> {
  const { request, response, requestId } = exchange;
  if (request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) {
    const url = urlOrRefused(exchange, options.accessLog);
    if (!url) return;
    if (!url.searchParams.has('query')) return serveGraphiQLPage(exchange, options.requestContext.authentication.region, options.accessLog);
  }

  let body: Buffer;
  try {
    body = await readBody(request, options.maxBodyBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    sendJson(response, 413, graphQLErrorBody(`The request body exceeds ${options.maxBodyBytes} bytes.`, 'PAYLOAD_TOO_LARGE'), { connection: 'close' });
    logExchange(options.accessLog, exchange, 413);
    return;
  }

  // Parsed once: whether an unsigned request only signs in, and the operation to run, read it.
  const operation = isJsonPost(request) ? postedOperationOf(body) : undefined;
  // Before authentication, so that a refused request is labelled by its operation too: the
  // compiled path parses a text once and keeps its label with it.
  const prepared = operation && options.operations?.prepare(operation);
  if (options.labelSchema) exchange.operation = prepared ? prepared.label : labelOf(operation, body, exchange, options.labelSchema, options.operations);
  let authenticated: RequestContext;
  try {
    authenticated = exchange.trace
      ? await traced(exchange.trace, 'authenticate', {}, async (span) => {
          const built = await buildRequestContext(exchange, body, operation, options.requestContext);
          span.setAttributes(authenticationAttributes(built));
          return built;
        })
      : await buildRequestContext(exchange, body, operation, options.requestContext);
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    sendJson(response, 401, { errors: [error.toJSON()] }, { 'x-amzn-requestid': requestId });
    logExchange(options.accessLog, exchange, 401);
    return;
  }
  const { context, accessKeyId } = authenticated;

  // A client that accepts neither JSON type is answered as yoga answers it (an event stream, multipart, or 406).
  const mediaType = responseMediaTypeOf(request.headers.accept);
  if (!operation || !mediaType) return answerThroughYogaFetch(exchange, body, context, accessKeyId, options.yoga, options.accessLog, options.streamsEnd);
  const result = await executeOperation(options, operation, context, exchange, prepared);
  if (result && !(Symbol.asyncIterator in result)) {
    options.answers.answer(exchange.arrivedIn, () => writeResult(exchange, result, mediaType, accessKeyId, options.accessLog));
    return;
  }
  sendJson(response, 400, graphQLErrorBody('Streamed results (subscriptions, @defer, @stream) are not served here.', 'BAD_REQUEST'), { 'x-amzn-requestid': requestId });
  logExchange(options.accessLog, exchange, 400, accessKeyId);
}

/** An operation's result as its HTTP answer; possibly written after serveGraphQL returned (AnswerCoalescer). */
function writeResult(exchange: HttpExchange, result: ExecutionResult, mediaType: ResponseMediaType, accessKeyId: string | undefined, accessLog: AccessLog): void {
  try {
    const answer = httpAnswerOf(result, mediaType);
    // Assigned, not spread: spreading the object yoga built costs more than the rest of this answer.
    const headers: Record<string, string | number> = Object.assign({}, answer.headers);
    headers['content-length'] = Buffer.byteLength(answer.body);
    headers['x-amzn-requestid'] = exchange.requestId;
    exchange.response.writeHead(answer.status, headers);
    exchange.response.end(answer.body);
    logExchange(accessLog, exchange, answer.status, accessKeyId);
  } catch (error) {
    // As the request handler's own catch would, for an answer written after it returned; the
    // coalescer reports the error.
    answerUnexpectedError(exchange.response);
    throw error;
  }
}

/**
 * The label of a request the compiled path did not prepare: yoga.fetch's single operations (another
 * content type) as the JSON POSTs are, through the compiled path's cache when it keeps the text.
 */
function labelOf(operation: PostedOperation | undefined, body: Buffer, exchange: HttpExchange, schema: GraphQLSchema, operations: GraphQLEndpointOptions['operations']): string {
  const labelled = operation ?? (exchange.request.method === 'POST' ? postedOperationOf(body) : undefined);
  if (!labelled) return exchange.operation;
  return operations?.prepare(labelled)?.label ?? operationLabelOfText(schema, labelled.query, labelled.operationName ?? undefined);
}

/** What the authentication span says: how the caller proved itself, and its account (never a key, a token or a signature). */
function authenticationAttributes(authenticated: RequestContext): Record<string, string> {
  if (authenticated.method === 'anonymous') return { 'warden.auth.method': authenticated.method };
  return { 'warden.auth.method': authenticated.method, 'warden.account.id': authenticated.context.caller.accountId };
}
