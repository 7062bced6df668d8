import type { ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { maskError } from './error-masking.js';
import type { ServerContext } from './graphql-context.js';
import { parseWithinLimits } from './operation-limits.js';
import { requestLimitsOf } from './request-limits.js';
import { WARDEN_VALIDATION_RULES } from './validation-rules.js';

/**
 * What Warden adds to yoga's pipeline, each the yoga form of a step the compiled-operation path
 * takes itself (create-compiled-operations.ts): both paths must refuse, limit and mask alike, and
 * an end-to-end test compares them.
 */

/** Warden's validation rules, after GraphQL's own. */
export const addWardenRules: Plugin<ServerContext> = {
  onValidate({ addValidationRule }) {
    for (const rule of WARDEN_VALIDATION_RULES) addValidationRule(rule);
  },
};

/**
 * The rest of the operation limits (operation-limits.ts): the parser's size and token caps, and
 * those the request's variables decide (request-limits.ts: a NUL character in them, the cost),
 * before anything executes (graphql-jit included), as the compiled path decides them.
 */
export const operationLimits: Plugin<ServerContext> = {
  onParse({ setParseFn }) {
    setParseFn(parseWithinLimits);
  },
  onExecute({ args, setResultAndStopExecution }) {
    // envelop types its arguments loosely (any), for any graphql implementation; yoga's are graphql-js's.
    const { document, operationName, variableValues } = args as Pick<ExecutionArgs, 'document' | 'operationName' | 'variableValues'>;
    const refusal = requestLimitsOf(document, operationName).refusalOf(variableValues);
    if (refusal) setResultAndStopExecution({ errors: [refusal] });
  },
};

/**
 * What the compiled path does around an operation, done in yoga with the request's context: errors
 * are masked with the context, those of the result before yoga's masking sees them (plugins' hooks
 * run in order, and yoga's masking comes after every plugin given here) and those thrown on the way
 * (the parser's, say) before yoga's handler catches them.
 */
export const maskInContext: Plugin<ServerContext, ServerContext> = {
  onParams({ paramsHandler, setParamsHandler, context }) {
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
