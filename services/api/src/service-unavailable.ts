import { GraphQLError } from 'graphql';

/**
 * What a client sees while the database is unreachable or too slow: HTTP 503 with `Retry-After`,
 * and a GraphQL error whose code says to retry, instead of a masked "Unexpected error.". Nothing
 * was written: a transaction that cannot commit is rolled back.
 */
export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';
export const RETRY_AFTER_SECONDS = 1;
export const SERVICE_UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable: its database cannot be reached. Nothing was changed; retry shortly.';

/** As a GraphQL error; its `http` extension sets the answer's status and header (and never reaches the client). */
export function serviceUnavailableError(): GraphQLError {
  return new GraphQLError(SERVICE_UNAVAILABLE_MESSAGE, {
    extensions: { code: SERVICE_UNAVAILABLE, http: { status: 503, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } } },
  });
}

/** The whole answer, for a failure before any operation ran (authentication reads the database). */
export function serviceUnavailableBody() {
  return { errors: [{ message: SERVICE_UNAVAILABLE_MESSAGE, extensions: { code: SERVICE_UNAVAILABLE } }] };
}
