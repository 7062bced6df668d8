import type { ExecutionResult } from 'graphql';
import { type FetchAPI, processRegularResult } from 'graphql-yoga';
import type { ResponseMediaType } from './response-media-type.js';

/**
 * The HTTP answer to one operation's result, decided by yoga's own rule (processRegularResult,
 * which yoga.fetch answers every single result with), so that a JSON POST answered by
 * executeOperation, on the compiled path or through yoga's getResultForParams, is answered exactly
 * as yoga.fetch would answer it: an error's `http` extension sets the status (the highest wins) and
 * headers, except that one marked `spec` leaves a client of application/json its 200; an unexpected
 * error (not a GraphQLError) with no `data` is a 500; the `http` and `unexpected` extensions are
 * removed from the body; the Content-Type is the negotiated media type (response-media-type.ts).
 */
export interface HttpAnswer {
  readonly status: number;
  /** Content-Type, and whatever the errors' `http` extensions ask for. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, serialized. */
  readonly body: string;
}

/**
 * What yoga builds its Response with, kept as it is: processRegularResult decides the status, the
 * headers and the body and hands them to `new fetchAPI.Response(body, init)`, which is all it asks
 * of the Fetch API. A Fetch Response (a Headers object, a body stream) would cost more per request
 * than everything else here, and the HTTP layer writes to Node's response anyway.
 */
class RecordedResponse {
  constructor(
    readonly body: string,
    readonly init: { readonly status: number; readonly headers: Record<string, string> },
  ) {}
}
const RECORDING_FETCH_API = { Response: RecordedResponse } as unknown as FetchAPI;

export function httpAnswerOf(result: ExecutionResult, mediaType: ResponseMediaType): HttpAnswer {
  const recorded = processRegularResult(result, RECORDING_FETCH_API, mediaType) as unknown as RecordedResponse;
  return { status: recorded.init.status, headers: recorded.init.headers, body: recorded.body };
}
