import type { ExecutionResult } from 'graphql';

/**
 * The HTTP status and headers an execution result asks for, as yoga derives them: an error may
 * carry an `http` extension (`{ status, headers }`); the highest status wins, and the extension is
 * removed from what the client reads. One rule for the compiled path and yoga.
 */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** What the client reads: the result, less the `http` extensions. */
  readonly body: unknown;
}

interface HttpExtension {
  readonly status?: number;
  readonly headers?: Record<string, string>;
}

export function httpAnswerOf(result: ExecutionResult): HttpAnswer {
  if (result.errors === undefined) return { status: 200, headers: {}, body: result };
  let status = 200;
  let asked = false;
  const headers: Record<string, string> = {};
  for (const error of result.errors) {
    const http = error.extensions?.['http'] as HttpExtension | undefined;
    if (http === undefined) continue;
    asked = true;
    if (http.headers) Object.assign(headers, http.headers);
    if (typeof http.status === 'number' && (status === 200 || http.status > status)) status = http.status;
  }
  if (!asked) return { status: 200, headers, body: result };
  const errors = result.errors.map((error) => {
    const { http: _http, ...extensions } = error.extensions ?? {};
    const { extensions: _all, ...serialized } = error.toJSON();
    return Object.keys(extensions).length > 0 ? { ...serialized, extensions } : serialized;
  });
  return { status, headers, body: { ...result, errors } };
}
