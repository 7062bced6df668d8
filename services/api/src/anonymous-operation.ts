import { type DocumentNode, Kind, OperationTypeNode } from 'graphql';
import { OPERATION_LIMITS, parseWithinLimits } from './operation-limits.js';
import { RecentCache } from './recent-cache.js';
import { UNSIGNED_OPERATIONS } from './unsigned-actions.js';

/**
 * The operations a request without credentials may run (UNSIGNED_OPERATIONS, the allow-list both
 * fronts read: signIn and assumeRoleWithWebIdentity). A document qualifies when the operation it runs is a mutation whose selections are one
 * of these (and `__typename`) only, one field, with no fragment spreads that could reach further.
 * Anything else without credentials is UNAUTHENTICATED as before.
 *
 * Every unsigned request asks this, with whatever text its sender chose, before anything else about
 * it is known: a document over the size limit is refused before it is lexed, and the answers for
 * recent texts are remembered, so that a sender repeating a text (a sign-in client, or a flood)
 * costs a lookup rather than a parse.
 */
export function isUnsignedOperation(query: string, operationName: string | null | undefined): boolean {
  if (query.length > OPERATION_LIMITS.maxDocumentLength) return false;
  const named = operationName !== undefined && operationName !== null && operationName !== '';
  // No operation is named otherwise; refused here, a name also cannot blur two keys of the cache.
  if (named && !GRAPHQL_NAME.test(operationName)) return false;
  const key = named ? `${operationName}\n${query}` : query;
  const known = recentAnswers.get(key);
  if (known !== undefined) return known;
  const answer = runsOneUnsignedOperation(query, named ? operationName : undefined);
  if (query.length <= MAX_REMEMBERED_QUERY_LENGTH) recentAnswers.set(key, answer);
  return answer;
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/**
 * Longer texts are answered but not remembered: the cache is bounded by entries and each keeps its
 * text, so this times its capacity bounds its memory. A sign-in is a few hundred characters, a web identity token a few thousand.
 */
const MAX_REMEMBERED_QUERY_LENGTH = 8192;

/** By query text, or operation name, a newline and query text: a GraphQL name holds no newline. */
const recentAnswers = new RecentCache<string, boolean>(1000);

function runsOneUnsignedOperation(query: string, operationName: string | undefined): boolean {
  let document: DocumentNode;
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
  if (!selections.every((selection) => selection.kind === Kind.FIELD && (UNSIGNED_OPERATIONS.has(selection.name.value) || selection.name.value === '__typename'))) return false;
  // One operation per request: aliases must not multiply the argon2 work (or the token checks) one request can cause.
  return selections.filter((selection) => selection.kind === Kind.FIELD && selection.name.value !== '__typename').length === 1;
}
