import type { Caller, IamService } from '@warden/iam';
import { schema } from '@warden/schema';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { depthLimitRule } from './depth-limit.js';

/**
 * The GraphQL engine. Error masking stays on: expected failures are typed results and
 * UNAUTHENTICATED errors, anything else reaches the client as "Unexpected error.". The HTTP layer
 * (http-server.ts) reads and limits the body and authenticates before a request gets here.
 */
export interface ServerContext {
  readonly iam: IamService;
  readonly caller: Caller;
}

export const MAX_QUERY_DEPTH = 12;

const depthLimit: Plugin<ServerContext> = {
  onValidate({ addValidationRule }) {
    addValidationRule(depthLimitRule(MAX_QUERY_DEPTH));
  },
};

export function createWardenYoga(logging: boolean): YogaServerInstance<ServerContext, {}> {
  return createYoga<ServerContext>({
    schema,
    graphqlEndpoint: '/graphql',
    maskedErrors: true,
    logging,
    landingPage: false,
    graphiql: { title: 'Warden', defaultQuery: '{ callerIdentity { account arn } }' },
    plugins: [depthLimit],
  });
}
