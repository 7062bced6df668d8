import { Kind, OperationTypeNode } from 'graphql';
import { parseWithinLimits } from './operation-limits.js';

/**
 * The one operation a request without credentials may run: `signIn` (there is nobody to sign a
 * request before signing in). A document qualifies when the operation it runs is a mutation whose
 * selections are one `signIn` (and `__typename`) only, with no fragment spreads that could reach
 * further. Anything else without credentials is UNAUTHENTICATED as before.
 */
export function isSignInOnly(query: string, operationName: string | null | undefined): boolean {
  let document;
  try {
    document = parseWithinLimits(query);
  } catch {
    return false;
  }
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== document.definitions.length) return false;
  const operation = operationName ? operations.find((candidate) => candidate.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation || operation.operation !== OperationTypeNode.MUTATION) return false;
  const selections = operation.selectionSet.selections;
  if (!selections.every((selection) => selection.kind === Kind.FIELD && (selection.name.value === 'signIn' || selection.name.value === '__typename'))) return false;
  // One sign-in per request: aliases must not multiply the argon2 work one request can cause.
  return selections.filter((selection) => selection.kind === Kind.FIELD && selection.name.value === 'signIn').length === 1;
}
