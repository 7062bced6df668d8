import type { IncomingMessage } from 'node:http';

/**
 * One operation in a JSON body, as yoga's GraphQLParams has it (a null is passed on as sent, as
 * yoga would receive it).
 */
export interface PostedOperation {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

/** Whether the request is a POST of JSON: the only kind the compiled path and the sign-in cookie are for. */
export function isJsonPost(request: IncomingMessage): boolean {
  return request.method === 'POST' && (request.headers['content-type'] ?? '').startsWith('application/json');
}

/**
 * The operation of a JSON POST's body, or undefined: a batch, or anything odd, is left to
 * yoga.fetch, which answers it as it would answer any client.
 */
export function postedOperationOf(body: Buffer): PostedOperation | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const candidate = parsed as Record<string, unknown>;
  if (typeof candidate['query'] !== 'string') return undefined;
  const isObject = (value: unknown) => value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value));
  if (!isObject(candidate['variables']) || !isObject(candidate['extensions'])) return undefined;
  if (candidate['operationName'] !== undefined && candidate['operationName'] !== null && typeof candidate['operationName'] !== 'string') return undefined;
  return candidate as unknown as PostedOperation;
}
