import type { Caller, IamService } from '@warden/iam';
import type { GraphQLContext } from '@warden/schema';
import { AuthenticationError, type RequestFacts } from './authenticate.js';
import type { Logger } from './logger.js';

/**
 * The schema's context, with the request's facts as this server knows them (a superset), and the
 * server's logger, so that an unexpected error is logged with the request it belongs to.
 */
export type ServerContext = GraphQLContext & { readonly requestFacts: RequestFacts; readonly logger: Logger };

/** The context of an authenticated request. */
export function callerContext(iam: IamService, caller: Caller, requestFacts: RequestFacts, logger: Logger): ServerContext {
  return { iam, caller, requestFacts, logger };
}

/**
 * The context of a request without credentials, which may only run an unsigned operation (signIn,
 * assumeRoleWithWebIdentity): any resolver that asks who the caller is gets UNAUTHENTICATED
 * (isUnsignedOperation keeps other operations out before this).
 */
export function anonymousContext(iam: IamService, requestFacts: RequestFacts, logger: Logger): ServerContext {
  return {
    iam,
    requestFacts,
    logger,
    get caller(): Caller {
      throw new AuthenticationError("The request is not signed: sign it with SigV4, or send a console session's bearer token.", 'MISSING_AUTHENTICATION');
    },
  };
}
