import { type Caller, IamError, type IamService } from '@warden/iam';
import { GraphQLError, Kind } from 'graphql';
import { type GraphQLContext, schema } from '@warden/schema';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { OPERATION_COST_LIMIT, OPERATION_LIMIT_RULES, parseWithinLimits } from './operation-limits.js';
import { type Admits, CompiledOperations } from './compiled-operations.js';
import { AuthenticationError, type RequestFacts } from './authenticate.js';
import { isDatabaseUnavailable } from '@warden/db';
import { serviceUnavailableError } from './service-unavailable.js';
import type { Logger } from './logger.js';
import { nulCharacterInVariables, nulCharacterRule } from './nul-characters.js';
import { logUnexpectedError } from './unexpected-error-log.js';

/**
 * The GraphQL engine. Error masking stays on: expected failures are typed results and
 * UNAUTHENTICATED errors, anything else reaches the client as "Unexpected error.". The HTTP layer
 * (http-server.ts) reads and limits the body and authenticates before a request gets here.
 */
/**
 * The schema's context, with the request's facts as this server knows them (a superset), and the
 * server's logger, so that an unexpected error is logged with the request it belongs to.
 */
export type ServerContext = GraphQLContext & { readonly requestFacts: RequestFacts; readonly logger: Logger };

/**
 * The context of a request without credentials, which may only sign in: any resolver that asks
 * who the caller is gets UNAUTHENTICATED (isSignInOnly keeps other operations out before this).
 */
export function anonymousContext(iam: IamService, requestFacts: RequestFacts, logger: Logger): ServerContext {
  return {
    iam,
    requestFacts,
    logger,
    get caller(): Caller {
      throw new AuthenticationError('The request is not signed: sign it with SigV4, or send a console session\'s bearer token.', 'MISSING_AUTHENTICATION');
    },
  };
}

/** The validation rules Warden adds to GraphQL's own, on every path that runs an operation. */
export const WARDEN_VALIDATION_RULES = [...OPERATION_LIMIT_RULES, nulCharacterRule] as const;

const addWardenRules: Plugin<ServerContext> = {
  onValidate({ addValidationRule }) {
    for (const rule of WARDEN_VALIDATION_RULES) addValidationRule(rule);
  },
};

/**
 * The rest of the operation limits (operation-limits.ts): the parser's size and token caps, and
 * the cost, priced with the request's variables before anything executes (graphql-jit included).
 */
const operationLimits: Plugin<ServerContext> = {
  onParse({ setParseFn }) {
    setParseFn(parseWithinLimits);
  },
  onExecute({ args, setResultAndStopExecution }) {
    const plan = OPERATION_COST_LIMIT.planOf(args.document, args.operationName);
    const refusal = plan && OPERATION_COST_LIMIT.refusal(plan.of(args.variableValues));
    if (refusal) setResultAndStopExecution({ errors: [refusal] });
  },
};

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
 * which has no context, only finds errors that maskInContext masked already (masking is idempotent).
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

/**
 * What the compiled path does around an operation, done in yoga with the request's context: the
 * variables are refused when a string in them holds a NUL character, before anything is parsed or
 * run; errors are masked with the context, those of the result before yoga's masking sees them
 * (plugins' hooks run in order, and yoga's masking comes after every plugin given here) and those
 * thrown on the way (the parser's, say) before yoga's handler catches them.
 */
const maskInContext: Plugin<ServerContext, ServerContext> = {
  onParams({ params, setResult, paramsHandler, setParamsHandler, context }) {
    const refusal = nulCharacterInVariables(params.variables);
    if (refusal) {
      setResult({ errors: [refusal] });
      return;
    }
    setParamsHandler(async (payload) => {
      try {
        return await paramsHandler(payload);
      } catch (error) {
        throw maskError(error, context);
      }
    });
  },
  onExecute({ args }) {
    const context = args.contextValue;
    return {
      onExecuteDone({ result, setResult }) {
        if (Symbol.asyncIterator in result || result.errors === undefined) return;
        setResult({ ...result, errors: result.errors.map((error) => maskError(error, context)) });
      },
    };
  },
};

export function createWardenYoga(): YogaServerInstance<ServerContext, {}> {
  return createYoga<ServerContext>({
    schema,
    graphqlEndpoint: '/graphql',
    // Without the context: errors reach it masked already (maskInContext).
    maskedErrors: { maskError: (error) => maskError(error), errorMessage: MASKED_ERROR_MESSAGE },
    logging: false,
    landingPage: false,
    // No cross-origin browser access: a page elsewhere must not read answers or send credentials.
    cors: false,
    graphiql: { title: 'Warden', defaultQuery: '{ callerIdentity { account arn } }' },
    // Operations are compiled once (graphql-jit) and then executed without re-walking the schema.
    // Only documents with one operation: the plugin caches what it compiled by document, whatever
    // operation was asked for, so a document with several would run the first one compiled for
    // every later request (graphql-js's own execution selects the operation each time).
    plugins: [addWardenRules, operationLimits, maskInContext, useGraphQlJit({}, { enableIf: ({ document }) => document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length === 1 })],
  });
}

/** The compiled-operation path, with the same schema, rules, limits and masking as createWardenYoga. */
export function createCompiledOperations(): CompiledOperations<ServerContext> {
  return new CompiledOperations<ServerContext>({ schema, rules: WARDEN_VALIDATION_RULES, parse: parseWithinLimits, admits: admitsWithinCost, maskError, refuseVariables: nulCharacterInVariables });
}

/** The cost limit on the compiled path: decided once when the variables cannot change the cost, else per request. */
const admitsWithinCost: Admits = (document, operationName) => {
  const plan = OPERATION_COST_LIMIT.planOf(document, operationName);
  if (!plan) return false;
  if (plan.fixed !== undefined || plan.least > OPERATION_COST_LIMIT.maxCost) return plan.least <= OPERATION_COST_LIMIT.maxCost;
  return (variables) => plan.of(variables) <= OPERATION_COST_LIMIT.maxCost;
};
