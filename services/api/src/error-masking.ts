import { IamError } from '@warden/iam';
import { isDatabaseUnavailable } from '@warden/db';
import { GraphQLError } from 'graphql';
import type { ServerContext } from './graphql-context.js';
import { serviceUnavailableError } from './service-unavailable.js';
import { logUnexpectedError } from './unexpected-error-log.js';

/** What a client sees in place of an unexpected error. */
export const MASKED_ERROR_MESSAGE = 'Unexpected error.';

/** Duck-typed: graphql's CommonJS and ESM builds each have their own GraphQLError class. */
export function isGraphQLError(value: unknown): value is GraphQLError {
  return typeof value === 'object' && value !== null && (value as Error).name === 'GraphQLError';
}

/**
 * Error masking, shared by yoga and the compiled-operation path: expected IAM failures outside a
 * result union (a list field, a nested field) keep their message and code; errors of the request
 * itself (syntax, validation, variables) are for the client to see; anything else is masked, and
 * logged with the request's id when its context is given. Both paths give it: yoga's own masking,
 * which has no context, only finds errors that maskInContext (yoga-plugins.ts) masked already
 * (masking is idempotent).
 */
export function maskError(error: unknown, context?: Pick<ServerContext, 'logger' | 'requestFacts'>): GraphQLError {
  const original = isGraphQLError(error) ? error.originalError : error;
  if (original instanceof IamError) return new GraphQLError(original.message, { extensions: { code: original.code } });
  // An outage is not a bug: the client is told to retry (503), not handed a masked error.
  if (isDatabaseUnavailable(original)) return serviceUnavailableError();
  if (isGraphQLError(error) && (original === undefined || isGraphQLError(original))) return error;
  if (context) logUnexpectedError(context.logger, context.requestFacts.requestId, original);
  return new GraphQLError(MASKED_ERROR_MESSAGE, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
