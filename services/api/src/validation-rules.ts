import { nulCharacterRule } from './nul-characters.js';
import { OPERATION_LIMIT_RULES } from './operation-limits.js';

/**
 * The validation rules Warden adds to GraphQL's own, on every path that runs an operation: yoga
 * and the compiled path take this one list, so that neither can validate a document the other
 * would refuse.
 */
export const WARDEN_VALIDATION_RULES = [...OPERATION_LIMIT_RULES, nulCharacterRule] as const;
