import { MUTATION_ERRORS, PASSWORD_MUTATION_ERRORS, QUERY_ERRORS } from './errors.js';

/**
 * Result unions named after the operation, as DESIGN.md §7 asks:
 * `CreateUserResult = CreateUserSuccess | AccessDeniedError | …`; the success holds `data`.
 */
export function mutationErrors(operation: string, types: (new (...args: never[]) => Error)[] = MUTATION_ERRORS) {
  const name = operation.charAt(0).toUpperCase() + operation.slice(1);
  return { types, result: { name: `${name}Success` }, union: { name: `${name}Result` } };
}

export function queryErrors(operation: string, types: (new (...args: never[]) => Error)[] = QUERY_ERRORS) {
  const name = operation.charAt(0).toUpperCase() + operation.slice(1);
  return { types, result: { name: `${name}Success` }, union: { name: `${name}Result` } };
}

/** A mutation that sets a password can also end in PasswordPolicyViolationError. */
export function passwordMutationErrors(operation: string) {
  return mutationErrors(operation, PASSWORD_MUTATION_ERRORS);
}
