import { schema } from '@warden/schema';
import { type Admits, CompiledOperations } from './compiled-operations.js';
import { maskError } from './error-masking.js';
import type { ServerContext } from './graphql-context.js';
import { nulCharacterInVariables } from './nul-characters.js';
import { OPERATION_COST_LIMIT, parseWithinLimits } from './operation-limits.js';
import { WARDEN_VALIDATION_RULES } from './validation-rules.js';

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
