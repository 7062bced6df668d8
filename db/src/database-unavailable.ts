/**
 * The database could not be reached, or did not answer in time: a fault of the moment, not of the
 * request. Callers answer it as "try again shortly" (HTTP 503) instead of an unexpected error, and
 * nothing was written (a transaction that cannot reach its COMMIT is rolled back by Postgres).
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/** Node's socket errors that mean the server is away (refused, reset, unreachable, DNS failing). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND', 'ENOENT']);

/**
 * SQLSTATEs of a server that is going away, starting, overloaded or too slow: class 08 (connection
 * exception), 57P01–57P03 (admin or crash shutdown, cannot connect now), 57014 (the statement
 * timeout cancelled the query), 53300 (too many connections), 25P03 (the idle-in-transaction timeout
 * closed the session).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '53300', '25P03']);

/**
 * What pg says, in plain Errors without a code, when a connection dies or a pool cannot hand one
 * out in time. Matched on the message because pg gives these no other mark.
 */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Query read timeout',
];

/**
 * Whether an error (or what caused it: `cause` chains and AggregateError members, as a failed
 * connect to a name with two addresses gives) means the database is unavailable.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  if (error instanceof DatabaseUnavailableError) return true;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code))) return true;
  if (typeof message === 'string' && PG_CONNECTION_MESSAGES.some((known) => message.startsWith(known))) return true;
  if (error instanceof AggregateError && error.errors.some((member) => isDatabaseUnavailable(member, depth + 1))) return true;
  return cause !== undefined && isDatabaseUnavailable(cause, depth + 1);
}
