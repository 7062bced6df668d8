import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { IamService } from '@warden/iam';
import type { YogaServerInstance } from 'graphql-yoga';
import { hasPresignParameters, parseQuery } from './sigv4/index.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import { AuthenticationError, authenticate, authenticateBearer, type AuthenticationSettings } from './authenticate.js';
import { isSignInOnly } from './anonymous-operation.js';
import { ClientAddress } from './client-address.js';
import { handleSignInPage, sameOrigin, sessionCookieOf } from './sign-in-page.js';
import { anonymousContext, isGraphQLError } from './yoga.js';
import { accessLogOf, type Logger } from './logger.js';
import type { AccessLog } from './access-log.js';
import type { ServerContext } from './yoga.js';
import type { CompiledOperations } from './compiled-operations.js';
import { AnswerCoalescer } from './answer-coalescer.js';
import { isDatabaseUnavailable, unavailableReason } from '@warden/db';
import { httpAnswerOf } from './http-answer.js';
import type { ReadinessReport } from './readiness.js';
import { RETRY_AFTER_SECONDS, serviceUnavailableBody } from './service-unavailable.js';

/**
 * HTTP in front of GraphQL: `/graphql` (POST, or GET for GraphiQL in a browser) and `/health`. The
 * body is read here, once, with a size limit, because the SigV4 signature covers its hash; then the
 * request is authenticated and handed to yoga with the caller in its context.
 */
export interface HttpServerOptions {
  readonly yoga: YogaServerInstance<ServerContext, {}>;
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
}


/**
 * What the fast path hands yoga as the Fetch request: one shared object, since nothing on that
 * path reads it (the caller and the request's facts are in the context). Building a Request per
 * call costs a URL parse and an AbortController.
 */
const FAST_PATH_REQUEST = new Request('http://warden.invalid/graphql', { method: 'POST' });

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** The answer to a request that failed unexpectedly: a 500 while nothing is sent yet, else the connection cut. */
function answerUnexpectedError(response: ServerResponse): void {
  if (!response.headersSent) sendJson(response, 500, graphQLError('Unexpected error.', 'INTERNAL_SERVER_ERROR'));
  else response.destroy();
}

/** A request that failed because the database is away (authentication reads it): 503, retry shortly. */
function answerServiceUnavailable(response: ServerResponse): void {
  if (!response.headersSent) sendJson(response, 503, serviceUnavailableBody(), { 'retry-after': String(RETRY_AFTER_SECONDS) });
  else response.destroy();
}

function graphQLError(message: string, code: string, extra: Record<string, unknown> = {}) {
  return { errors: [{ message, extensions: { code, ...extra } }] };
}

/** What a JSON body's operation may carry (as yoga's GraphQLParams; null is passed on as sent). */
interface OperationParams {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

/** One operation in a JSON body, or undefined (a batch, or anything odd: yoga.fetch handles those). */
function parseParams(body: Buffer): OperationParams | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const candidate = parsed as Record<string, unknown>;
  if (typeof candidate['query'] !== 'string') return undefined;
  const isObject = (value: unknown) => value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value));
  if (!isObject(candidate['variables']) || !isObject(candidate['extensions'])) return undefined;
  if (candidate['operationName'] !== undefined && candidate['operationName'] !== null && typeof candidate['operationName'] !== 'string') return undefined;
  return candidate as unknown as OperationParams;
}



/** One access log line for a request, with the time since it started (a function, not a closure per request). */
function logRequest(accessLog: AccessLog, request: IncomingMessage, requestId: string, path: string, started: number, status: number, accessKeyId?: string): void {
  accessLog.request({ requestId, method: request.method, path, status, ms: Math.round((performance.now() - started) * 10) / 10, accessKeyId });
}

/**
 * The request's full URL, built only where yoga.fetch needs one (GraphiQL, and anything off the
 * fast path), not for every signed POST; a request line or Host that cannot make one is answered
 * 400 here, and undefined returned.
 */
function urlOrRefused(request: IncomingMessage, response: ServerResponse, accessLog: AccessLog, requestId: string, path: string, started: number): URL | undefined {
  try {
    return new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
  } catch {
    sendJson(response, 400, graphQLError('The request line or Host header is not valid.', 'BAD_REQUEST'), { 'x-amzn-requestid': requestId });
    logRequest(accessLog, request, requestId, path, started, 400);
    return undefined;
  }
}

export function createHttpServer(options: HttpServerOptions): Server {
  const now = options.now ?? (() => new Date());
  const accessLog = accessLogOf(options.logger);
  const clientAddress = options.clientAddress ?? new ClientAddress();
  const answers = new AnswerCoalescer((error) => {
    try {
      options.logger.error({ err: error }, 'request failed');
    } catch {
      // The log itself failed (its destination, say): there is nowhere left to report it.
    }
  });
  return createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) {
        // An outage fails every request: one short line each, not a stack.
        options.logger.warn({ reason: unavailableReason(error) }, 'request refused: the database is unavailable');
        answerServiceUnavailable(response);
        return;
      }
      options.logger.error({ err: error }, 'request failed');
      answerUnexpectedError(response);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const arrivedIn = answers.arrived();
    const requestId = randomUUID();
    const rawUrl = request.url ?? '/';
    const queryIndex = rawUrl.indexOf('?');
    const path = queryIndex < 0 ? rawUrl : rawUrl.slice(0, queryIndex);
    const query = queryIndex < 0 ? '' : rawUrl.slice(queryIndex + 1);

    if (path === '/health') {
      sendJson(response, 200, { status: 'ok' });
      return;
    }
    if (path === '/health/ready') {
      const report = (await options.readiness?.()) ?? { ready: true, checks: { database: 'not checked' } };
      sendJson(response, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'unavailable', checks: report.checks }, report.ready ? {} : { 'retry-after': String(RETRY_AFTER_SECONDS) });
      return;
    }
    if (path.startsWith('/signin/') || path === '/signin') {
      const status = await handleSignInPage(request, response, { path, iam: options.iam, requestId, sourceIp: clientAddress.of(request), maxBodyBytes: Math.min(options.maxBodyBytes, 16_384) });
      logRequest(accessLog, request, requestId, path, started, status);
      return;
    }
    if (path !== '/graphql') {
      sendJson(response, 404, graphQLError('Not found: the API is at /graphql.', 'NOT_FOUND'));
      logRequest(accessLog, request, requestId, path, started, 404);
      return;
    }
    // A browser asking for the page gets GraphiQL; its requests must still be signed to run.
    if (request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) {
      const url = urlOrRefused(request, response, accessLog, requestId, path, started);
      if (!url) return;
      if (!url.searchParams.has('query')) {
        const page = await options.yoga.fetch(url, { method: 'GET', headers: { accept: 'text/html' } }, {} as ServerContext);
        response.writeHead(page.status, Object.fromEntries(page.headers));
        response.end(Buffer.from(await page.arrayBuffer()));
        logRequest(accessLog, request, requestId, path, started, page.status);
        return;
      }
    }

    let body: Buffer;
    try {
      body = await readBody(request, options.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      sendJson(response, 413, graphQLError(`The request body exceeds ${options.maxBodyBytes} bytes.`, 'PAYLOAD_TOO_LARGE'), { connection: 'close' });
      logRequest(accessLog, request, requestId, path, started, 413);
      return;
    }

    const facts = { requestId, sourceIp: clientAddress.of(request), userAgent: request.headers['user-agent'], secureTransport: clientAddress.secure(request), now: now() };
    const authorization = request.headers.authorization;
    // One JSON operation per POST, read once: the unsigned-sign-in check and the fast path share it.
    const isJsonPost = request.method === 'POST' && (request.headers['content-type'] ?? '').startsWith('application/json');
    const params = isJsonPost ? parseParams(body) : undefined;
    // The sign-in page's cookie counts only for a same-origin JSON POST: a cross-site page can send
    // neither without a CORS preflight this server never grants (SameSite alone does not separate
    // sibling subdomains or ports).
    const cookieToken =
      authorization === undefined && isJsonPost && sameOrigin(request)
        ? sessionCookieOf(request.headers.cookie)
        : undefined;
    let context: ServerContext;
    let accessKeyId: string | undefined;
    try {
      if (authorization?.startsWith('Bearer ') || cookieToken !== undefined) {
        // A console session: its bearer token, or the cookie the sign-in page set (SameSite=Strict,
        // so a browser never sends it with another site's request).
        const caller = await authenticateBearer(cookieToken ?? authorization!.slice('Bearer '.length), facts, options.authentication);
        context = { iam: options.iam, caller, requestFacts: facts, logger: options.logger };
        accessKeyId = caller.accessKeyId;
      } else if (authorization === undefined && !hasPresignParameters(parseQuery(query)) && params !== undefined && isSignInOnly(params.query, params.operationName)) {
        context = anonymousContext(options.iam, facts, options.logger);
      } else {
        const caller = await authenticate({ method: request.method ?? 'GET', path, query, headers: request.headers, body }, facts, options.authentication);
        context = { iam: options.iam, caller, requestFacts: facts, logger: options.logger };
        accessKeyId = caller.accessKeyId;
      }
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      sendJson(response, 401, { errors: [error.toJSON()] }, { 'x-amzn-requestid': requestId });
      logRequest(accessLog, request, requestId, path, started, 401);
      return;
    }

    // The fast path for the common case, one JSON operation per POST: straight into yoga's
    // per-operation pipeline (parse and validation caches, envelop plugins, error masking), without
    // building a Fetch Request and Response around it. Everything else goes through yoga.fetch.
    if (params) {
      let result;
      try {
        result = (await options.operations?.run(params, context)) ?? (await options.yoga.getResultForParams({ params, request: FAST_PATH_REQUEST }, context));
      } catch (error) {
        // What yoga finds wrong with the request's parameters (one it does not know, say) it throws
        // as a GraphQLError carrying its HTTP status, which yoga.fetch answers as such: so does this.
        if (!isGraphQLError(error)) throw error;
        result = { errors: [error] };
      }
      // Executed: whatever came back is the answer. Falling through to yoga.fetch would run the
      // operation a second time.
      if (result && !(Symbol.asyncIterator in result)) {
        answers.answer(arrivedIn, () => {
          try {
            const answer = httpAnswerOf(result);
            sendJson(response, answer.status, answer.body, { ...answer.headers, 'x-amzn-requestid': requestId });
            logRequest(accessLog, request, requestId, path, started, answer.status, accessKeyId);
          } catch (error) {
            // As the request handler's own catch would, for an answer written after it returned;
            // the coalescer reports the error.
            answerUnexpectedError(response);
            throw error;
          }
        });
        return;
      }
      sendJson(response, 400, graphQLError('Streamed results (subscriptions, @defer, @stream) are not served here.', 'BAD_REQUEST'), { 'x-amzn-requestid': requestId });
      logRequest(accessLog, request, requestId, path, started, 400, accessKeyId);
      return;
    }

    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) headers.set(name, value.join(', '));
    }
    const url = urlOrRefused(request, response, accessLog, requestId, path, started);
    if (!url) return;
    const result = await options.yoga.fetch(
      url,
      { method: request.method ?? 'POST', headers, ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: body.toString('utf8') }) },
      context,
    );
    const responseHeaders: Record<string, string> = { 'x-amzn-requestid': requestId };
    result.headers.forEach((value, name) => {
      responseHeaders[name] = value;
    });
    const payload = Buffer.from(await result.arrayBuffer());
    responseHeaders['content-length'] = String(payload.length);
    response.writeHead(result.status, responseHeaders);
    response.end(payload);
    logRequest(accessLog, request, requestId, path, started, result.status, accessKeyId);
  }
}
