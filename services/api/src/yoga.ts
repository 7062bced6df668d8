import { schema } from '@warden/schema';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { Kind } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { MASKED_ERROR_MESSAGE, maskError } from './error-masking.js';
import type { ServerContext } from './graphql-context.js';
import { addWardenRules, maskInContext, operationLimits } from './yoga-plugins.js';

/** The masking this instance is built with (error-masking.ts), exported along with it. */
export { MASKED_ERROR_MESSAGE, maskError };

/**
 * The GraphQL engine. Error masking stays on: expected failures are typed results and
 * UNAUTHENTICATED errors, anything else reaches the client as "Unexpected error.". The HTTP layer
 * (graphql-endpoint.ts) reads and limits the body and authenticates before a request gets here.
 */
/** Yoga's instance for Warden's server context (and yoga's default user context). */
export type WardenYoga = ReturnType<typeof createYoga<ServerContext>>;

export function createWardenYoga(): WardenYoga {
  return createYoga<ServerContext>({
    schema,
    graphqlEndpoint: '/graphql',
    // Without the context: errors reach it masked already (maskInContext).
    maskedErrors: { maskError: (error) => maskError(error), errorMessage: MASKED_ERROR_MESSAGE },
    logging: false,
    landingPage: false,
    // No cross-origin browser access: a page elsewhere must not read answers or send credentials.
    cors: false,
    // Warden serves its own GraphiQL, bundled, from this origin only (graphiql-page.ts).
    graphiql: false,
    // Operations are compiled once (graphql-jit) and then executed without re-walking the schema.
    // Only documents with one operation: the plugin caches what it compiled by document, whatever
    // operation was asked for, so a document with several would run the first one compiled for
    // every later request (graphql-js's own execution selects the operation each time).
    plugins: [
      addWardenRules,
      operationLimits,
      maskInContext,
      useGraphQlJit({}, { enableIf: ({ document }) => document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length === 1 }),
    ],
  });
}
