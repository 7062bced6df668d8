import type { IamService } from '@warden/iam';
import { isUnsignedOperation } from './anonymous-operation.js';
import { authenticate, authenticateBearer, type AuthenticationSettings, type RequestFacts } from './authenticate.js';
import type { ClientAddress } from './client-address.js';
import { anonymousContext, callerContext, type ServerContext } from './graphql-context.js';
import type { HttpExchange } from './http-exchange.js';
import type { Logger } from './logger.js';
import { isJsonPost, type PostedOperation } from './posted-operation.js';
import { requestFactsOf } from './request-facts.js';
import { sameOrigin, sessionCookieOf } from './sign-in-page.js';
import { hasPresignParameters, parseQuery } from './sigv4/index.js';

/** What building a request's context needs, the same for every request. */
export interface RequestContextSettings {
  readonly iam: IamService;
  readonly authentication: AuthenticationSettings;
  readonly logger: Logger;
  readonly clientAddress: ClientAddress;
  readonly now: () => Date;
}

/** The context an operation runs with, and the access key to name in the access log (none for a sign-in). */
export interface RequestContext {
  readonly context: ServerContext;
  readonly accessKeyId: string | undefined;
  /** How the caller proved itself: a console session (bearer token or cookie), nothing (an unsigned sign-in or federation exchange), or SigV4. */
  readonly method: 'session' | 'anonymous' | 'sigv4';
}

/**
 * Who is asking: one of three kinds of request, each with its own proof.
 * - A console session: its bearer token, or the cookie the sign-in page set.
 * - An unsigned JSON POST whose operation is one of the unsigned operations (signIn,
 *   assumeRoleWithWebIdentity): anonymous.
 * - Anything else: SigV4, so that an unsigned request that is not a sign-in is refused by SigV4's
 *   own MISSING_AUTHENTICATION.
 *
 * @throws {AuthenticationError} when the proof does not hold; errors reading the credentials
 * (the database's) propagate.
 */
export async function buildRequestContext(exchange: HttpExchange, body: Buffer, operation: PostedOperation | undefined, settings: RequestContextSettings): Promise<RequestContext> {
  const { request } = exchange;
  const facts: RequestFacts = requestFactsOf(exchange, settings.clientAddress, settings.now());
  const authorization = request.headers.authorization;
  // The sign-in page's cookie counts only for a same-origin JSON POST: a cross-site page can send
  // neither without a CORS preflight this server never grants (SameSite alone does not separate
  // sibling subdomains or ports).
  const cookieToken = authorization === undefined && isJsonPost(request) && sameOrigin(request) ? sessionCookieOf(request.headers.cookie) : undefined;
  if (authorization?.startsWith('Bearer ') || cookieToken !== undefined) {
    // The cookie is SameSite=Strict, so a browser never sends it with another site's request.
    const caller = await authenticateBearer(cookieToken ?? authorization!.slice('Bearer '.length), facts, settings.authentication);
    return { context: callerContext(settings.iam, caller, facts, settings.logger), accessKeyId: caller.accessKeyId, method: 'session' };
  }
  if (authorization === undefined && operation !== undefined && !hasPresignParameters(parseQuery(exchange.query)) && isUnsignedOperation(operation.query, operation.operationName)) {
    return { context: anonymousContext(settings.iam, facts, settings.logger), accessKeyId: undefined, method: 'anonymous' };
  }
  const caller = await authenticate({ method: request.method ?? 'GET', path: exchange.path, query: exchange.query, headers: request.headers, body }, facts, settings.authentication);
  return { context: callerContext(settings.iam, caller, facts, settings.logger), accessKeyId: caller.accessKeyId, method: 'sigv4' };
}
