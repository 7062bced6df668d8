import { schema } from '@warden/schema';
import { CompiledOperations } from './compiled-operations.js';
import { maskError } from './error-masking.js';
import { operationLabelOf } from './metrics/operation-label.js';
import type { ServerContext } from './graphql-context.js';
import { parseWithinLimits } from './operation-limits.js';
import { requestLimitsOf } from './request-limits.js';
import { WARDEN_VALIDATION_RULES } from './validation-rules.js';

/** The compiled-operation path, with the same schema, rules, limits and masking as createWardenYoga. */
export function createCompiledOperations(): CompiledOperations<ServerContext> {
  return new CompiledOperations<ServerContext>({
    schema,
    rules: WARDEN_VALIDATION_RULES,
    parse: parseWithinLimits,
    requestLimits: requestLimitsOf,
    maskError,
    label: (document, operationName) => operationLabelOf(schema, document, operationName),
  });
}
