import { GraphQLError, type ASTNode, type ASTVisitor, type ValidationContext } from 'graphql';

/**
 * A NUL character (U+0000) in a string is refused before anything runs. Postgres cannot hold one
 * in text, so it would otherwise fail in the database, after the request's other work, as an
 * unexpected error; and no IAM name, ARN, policy or tag has one. One definition, applied on every
 * path that runs an operation: a validation rule for the document's string literals (so each
 * document is checked once, wherever it is cached) and a check of each request's variables.
 */
const NUL = '\u0000';

/**
 * The client's error, a 400 whatever the client accepts: yoga would mark an error of validation
 * without a `spec` flag as a spec error, which a client accepting only application/json is sent
 * with status 200.
 */
export function nulCharacterError(where: string, nodes?: readonly ASTNode[]): GraphQLError {
  return new GraphQLError(`${where} contains a NUL character (U+0000), which no name, ARN or other value may hold. Remove it.`, {
    ...(nodes ? { nodes } : {}),
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400, spec: false } },
  });
}

/** The validation rule: every string literal of the document, block strings included. */
export function nulCharacterRule(context: ValidationContext): ASTVisitor {
  return {
    StringValue(node) {
      if (node.value.includes(NUL)) context.reportError(nulCharacterError('A string in the document', [node]));
    },
  };
}

/** The error for the first variable that holds a NUL character in any string (or key) within it, or undefined. */
export function nulCharacterInVariables(variables: Readonly<Record<string, unknown>> | null | undefined): GraphQLError | undefined {
  if (variables === null || variables === undefined || typeof variables !== 'object') return undefined;
  for (const name in variables) {
    if (name.includes(NUL) || holdsNul(variables[name])) return nulCharacterError(`The variable $${name}`);
  }
  return undefined;
}

/**
 * Walked with a list rather than by recursion: a JSON variable may nest as deep as the body limit
 * allows, and this check must not be what overflows the stack.
 */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  if (typeof value !== 'object' || value === null) return false;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (next.includes(NUL)) return true;
    } else if (Array.isArray(next)) {
      for (const item of next) pending.push(item);
    } else if (typeof next === 'object' && next !== null) {
      for (const key in next) {
        if (key.includes(NUL)) return true;
        pending.push((next as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}
