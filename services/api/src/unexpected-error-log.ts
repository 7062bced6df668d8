import type { Logger } from './logger.js';

/**
 * What happens to an unexpected error, one that the client sees only as "Unexpected error.": this
 * is called once for each, from the one masking function both paths share (error-masking.ts), so
 * an operator learns of every one. A metrics counter of them belongs here too.
 *
 * The line carries the request id (the client has it in `x-amzn-requestid`) and the error's name,
 * message, code and stack (its causes' too, which pino appends), read off the error one by one:
 * never the request's variables (passwords, seeds, policy documents), and none of the error's
 * other properties, where a library may have put the values it was given.
 */
export function logUnexpectedError(logger: Logger, requestId: string, error: unknown): void {
  try {
    logger.error({ requestId, err: errorFields(error) }, 'unexpected error: the client was answered "Unexpected error."');
  } catch {
    // The log itself failed (its destination, say): the client's answer must not fail with it.
  }
}

/**
 * Without a prototype, so that pino's error serializer names the type after `name` (it would take
 * a plain object's constructor, Object) and finds no other property than these.
 */
function errorFields(error: unknown): Record<string, unknown> {
  const fields = Object.create(null) as Record<string, unknown>;
  if (!(error instanceof Error)) {
    fields['name'] = typeof error;
    fields['message'] = String(error);
    return fields;
  }
  fields['name'] = error.name;
  fields['message'] = error.message;
  fields['stack'] = error.stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') fields['code'] = code;
  if (error.cause instanceof Error) fields['cause'] = error.cause;
  return fields;
}
