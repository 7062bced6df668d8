/**
 * An incoming HTTP request, as node:http delivers it, reduced to what is
 * needed to verify an AWS Signature Version 4 signature.
 */
export interface SignedRequest {
  /** HTTP method, e.g. `POST` (compared as given; node:http upper-cases it). */
  method: string;
  /** Raw request path exactly as received (still percent-encoded), without the query string. */
  path: string;
  /** Raw query string exactly as received, without the leading `?`; may be `''`. */
  query: string;
  /** Request headers with lower-case names, as node:http's `IncomingMessage.headers` gives them. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The complete request body (`''` or an empty array when there is none). */
  body: Uint8Array | string;
}
