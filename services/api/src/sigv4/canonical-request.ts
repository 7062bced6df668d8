import { hash } from 'node:crypto';

/**
 * The pieces of an AWS Signature Version 4 canonical request, built the way
 * the AWS SDKs (smithy `SignatureV4`, default `uriEscapePath: true`) build it
 * for non-S3 services.
 */

/** SHA-256 of a UTF-8 string or bytes, as lower-case hex. */
export function sha256Hex(data: Uint8Array | string): string {
  // One-shot: no Hash object per call (this runs twice per request).
  return hash('sha256', data, 'hex');
}

/**
 * RFC 3986 percent-encoding as SigV4 requires: everything except the
 * unreserved characters `A-Z a-z 0-9 - _ . ~` is encoded as UTF-8 `%XX`
 * with upper-case hex.
 */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A path of non-empty segments of unreserved characters, none `.` or `..`, and no trailing `/`: its own canonical URI. */
const CANONICAL_PATH = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-._~]+)+$/;

/**
 * Canonical URI for a raw (as received, still percent-encoded) request path.
 *
 * Empty, `.` and `..` segments are removed, then the whole path is encoded
 * once more, so an already-encoded `%20` becomes `%2520`: the SDKs sign the
 * percent-encoded path they send and encode it again ("double encoding").
 */
export function canonicalUri(rawPath: string): string {
  // The one path Warden serves, and any other already in canonical form: unchanged.
  if (CANONICAL_PATH.test(rawPath)) return rawPath;
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const leading = rawPath.startsWith('/') ? '/' : '';
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `${leading}${segments.map(uriEncode).join('/')}${trailing}`;
}

/** One `name=value` query parameter, percent-decoded. */
export interface QueryParameter {
  readonly name: string;
  readonly value: string;
}

/** Percent-decodes a query component; `+` is a literal plus. Malformed escapes are kept verbatim. */
function decodeQueryComponent(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}

/** Splits a raw query string (no leading `?`) into decoded parameters, in order. */
export function parseQuery(rawQuery: string): QueryParameter[] {
  const parameters: QueryParameter[] = [];
  if (rawQuery === '') return parameters;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    parameters.push({ name: decodeQueryComponent(rawName), value: decodeQueryComponent(rawValue) });
  }
  return parameters;
}

/**
 * Canonical query string: every parameter except `X-Amz-Signature`,
 * names and values encoded, sorted by encoded name then encoded value,
 * a parameter without a value written as `name=`.
 */
export function canonicalQueryString(parameters: readonly QueryParameter[]): string {
  if (parameters.length === 0) return '';
  const encoded = parameters.filter((p) => p.name.toLowerCase() !== 'x-amz-signature').map((p) => [uriEncode(p.name), uriEncode(p.value)] as const);
  encoded.sort(([nameA, valueA], [nameB, valueB]) => compareStrings(nameA, nameB) || compareStrings(valueA, valueB));
  return encoded.map(([name, value]) => `${name}=${value}`).join('&');
}

/** Ordinal comparison (encoded strings are ASCII, so this is byte order). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const NEEDS_CANONICALIZING = /[\t\r\n]| {2}|^ | $/;

/** Trims a header value and collapses runs of whitespace to one space. */
export function canonicalHeaderValue(value: string): string {
  // Most values have nothing to trim or collapse.
  if (!NEEDS_CANONICALIZING.test(value)) return value;
  return value.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '');
}

/**
 * Canonical headers block (each `name:value` followed by a newline) for
 * the signed header names, which must be sorted and all present in
 * `headers` (lower-case name → raw value).
 */
export function canonicalHeaders(signedHeaders: readonly string[], headers: ReadonlyMap<string, string>): string {
  let block = '';
  for (const name of signedHeaders) {
    block += `${name}:${canonicalHeaderValue(headers.get(name) ?? '')}\n`;
  }
  return block;
}

export interface CanonicalRequestParts {
  readonly method: string;
  readonly rawPath: string;
  readonly query: readonly QueryParameter[];
  readonly signedHeaders: readonly string[];
  readonly headers: ReadonlyMap<string, string>;
  readonly payloadHash: string;
}

/** The SigV4 canonical request. */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  return `${parts.method}\n${canonicalUri(parts.rawPath)}\n${canonicalQueryString(parts.query)}\n${canonicalHeaders(parts.signedHeaders, parts.headers)}\n${parts.signedHeaders.join(';')}\n${parts.payloadHash}`;
}

/** The SigV4 string to sign for a canonical request. */
export function stringToSign(amzDate: string, credentialScope: string, canonical: string): string {
  return `AWS4-HMAC-SHA256\n${amzDate}\n${credentialScope}\n${sha256Hex(canonical)}`;
}
