/**
 * The baseline for the authorize benchmark: a stock graphql-yoga server (`createServer(createYoga
 * ({schema}))`, as its documentation sets it up) answering a constant on a schema of the same shape
 * as Warden's `authorize`. Run as its own process; prints its port on stdout.
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    input AuthorizeInput {
      principal: String!
      action: String!
      resource: String!
      context: String
      resourceAccount: String
    }
    enum Decision {
      allow
      explicit_deny
      implicit_deny
    }
    type MatchedStatement {
      sid: String
      effect: String!
    }
    type AuthorizationDecision {
      decision: Decision!
      allowed: Boolean!
      reason: String!
      matchedStatements: [MatchedStatement!]!
    }
    type AuthorizeSuccess {
      data: AuthorizationDecision!
    }
    type AccessDeniedError {
      message: String!
      code: String!
    }
    union AuthorizeResult = AuthorizeSuccess | AccessDeniedError
    type Query {
      authorize(input: AuthorizeInput!): AuthorizeResult!
    }
  `,
  resolvers: {
    AuthorizeResult: { __resolveType: () => 'AuthorizeSuccess' },
    Query: {
      authorize: () => ({ data: { decision: 'allow', allowed: true, reason: 'constant', matchedStatements: [{ sid: 'Read', effect: 'Allow' }] } }),
    },
  },
});

const yoga = createYoga({ schema, logging: false });
// Node ignores what a request listener returns; yoga's promise settles on its own.
const server = createServer((request, response) => void yoga(request, response));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
