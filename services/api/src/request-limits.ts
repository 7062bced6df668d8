import type { DocumentNode, GraphQLError } from 'graphql';
import type { OperationRequestLimits } from './compiled-operations.js';
import { nulCharacterInVariables } from './nul-characters.js';
import { OPERATION_COST_LIMIT } from './operation-limits.js';

/**
 * The limits on one request of a valid operation that its variables decide, in the order they are
 * applied: a NUL character in the variables (nul-characters.ts), then the cost (operation-limits.ts).
 * Whichever path runs the request decides them, once, with this: yoga's operationLimits plugin
 * before it executes, the compiled path before it runs what it compiled. The cost's plan is worked
 * out once per document (CostLimit.planOf); the variables are walked once for the NUL characters,
 * and priced only when a list's size comes from them.
 */
export function requestLimitsOf(document: DocumentNode, operationName: string | null | undefined): OperationRequestLimits {
  const plan = OPERATION_COST_LIMIT.planOf(document, operationName);
  const refusesEvery = plan !== undefined && plan.least > OPERATION_COST_LIMIT.maxCost;
  // Within the limit whatever the variables (most operations, authorize's included): only the NUL characters are left.
  if (plan === undefined || (plan.fixed !== undefined && !refusesEvery)) return { refusesEvery, refusalOf: nulCharacterInVariables };
  return { refusesEvery, refusalOf: (variables): GraphQLError | undefined => nulCharacterInVariables(variables) ?? OPERATION_COST_LIMIT.refusal(plan.of(variables)) };
}
