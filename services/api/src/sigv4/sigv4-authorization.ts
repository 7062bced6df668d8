import type { QueryParameter } from './canonical-request.js';
import { RecentCache } from '../recent-cache.js';
import { SigV4Error, quoteClientValue } from './sigv4-failure.js';

/**
 * Parsing of the SigV4 authentication parameters, from either the
 * `Authorization` header or the `X-Amz-*` query parameters of a presigned URL.
 */

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** Longest validity of a presigned URL: one week. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;

/** `X-Amz-Credential` / `Credential=`: `<access key id>/<yyyymmdd>/<region>/<service>/aws4_request`. */
export interface SigV4Credential {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  /** `<yyyymmdd>/<region>/<service>/<terminator>` as sent. */
  readonly scope: string;
}

/** What both forms of SigV4 authentication carry. */
export interface SigV4AuthParameters {
  readonly credential: SigV4Credential;
  /** Lower-case, sorted, unique header names. */
  readonly signedHeaders: readonly string[];
  /** The signature sent by the client, lower-case hex (64 characters). */
  readonly signature: string;
}

/** Presigned URL parameters beyond the common ones. */
export interface PresignedParameters extends SigV4AuthParameters {
  readonly amzDate: string;
  readonly expiresSeconds: number;
  readonly securityToken: string | undefined;
  readonly contentSha256: string | undefined;
}

const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const SIGNATURE = /^[0-9a-fA-F]{64}$/;

function malformed(message: string): SigV4Error {
  return new SigV4Error('MALFORMED_AUTHORIZATION', message);
}

function parseCredential(value: string, where: string): SigV4Credential {
  const parts = value.split('/');
  if (parts.length !== 5 || parts.some((part) => part === '')) {
    throw malformed(`${where} must have the form <AccessKeyId>/<yyyymmdd>/<region>/<service>/aws4_request; got ${quoteClientValue(value)}`);
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  return { accessKeyId, date, region, service, terminator, scope: `${date}/${region}/${service}/${terminator}` };
}

function parseSignedHeaders(value: string, where: string): string[] {
  const names = value.split(';');
  const problem = `${where} must be a non-empty list of lower-case header names, sorted and separated by ';'`;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] ?? '';
    if (!HEADER_NAME.test(name)) throw malformed(`${problem}; got ${quoteClientValue(value)}`);
    const previous = names[i - 1];
    if (previous !== undefined && !(previous < name)) {
      throw malformed(`${problem} (without duplicates); got ${quoteClientValue(value)}`);
    }
  }
  return names;
}

function parseSignature(value: string, where: string): string {
  if (!SIGNATURE.test(value)) {
    throw malformed(`${where} must be 64 hexadecimal characters`);
  }
  return value.toLowerCase();
}

function duplicateComponent(name: string): SigV4Error {
  return malformed(`The Authorization header has more than one '${name}' component`);
}

function unsupportedAlgorithm(algorithm: string): SigV4Error {
  return new SigV4Error('UNSUPPORTED_ALGORITHM', `Unsupported signing algorithm ${quoteClientValue(algorithm)}: only ${SIGV4_ALGORITHM} (AWS Signature Version 4) is supported`);
}

/** What precedes the signature in the layout the AWS SDKs send: `…, SignedHeaders=…, Signature=<hex>`. */
const SIGNATURE_SEPARATOR = ', Signature=';
const SIGNATURE_LENGTH = 64;

/**
 * Credential and SignedHeaders already parsed, by the header text before its signature: a client
 * sends the same text for every request it signs with one key on one day. Only a header that
 * parsed in full is remembered, and only the signature differs between it and a header that hits.
 */
const PARSED_BY_PREFIX = new RecentCache<string, Omit<SigV4AuthParameters, 'signature'>>(1000);

/**
 * Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
 * Components may be separated by `,` with or without spaces, in any order.
 */
export function parseAuthorizationHeader(header: string): SigV4AuthParameters {
  const at = header.length - SIGNATURE_LENGTH - SIGNATURE_SEPARATOR.length;
  const prefix = at > 0 && header.startsWith(SIGNATURE_SEPARATOR, at) ? header.slice(0, at) : undefined;
  const signature = prefix === undefined ? undefined : header.slice(at + SIGNATURE_SEPARATOR.length);
  const sdkLayout = signature !== undefined && SIGNATURE.test(signature);
  if (sdkLayout) {
    // Same prefix, and a signature that is 64 hex digits (so no ',' to split on): the full parse
    // would find the same components, with this signature.
    const known = PARSED_BY_PREFIX.get(prefix!);
    if (known !== undefined) return { credential: known.credential, signedHeaders: known.signedHeaders, signature: signature.toLowerCase() };
  }
  const parsed = parseFullAuthorizationHeader(header);
  if (sdkLayout) PARSED_BY_PREFIX.set(prefix!, { credential: Object.freeze(parsed.credential), signedHeaders: Object.freeze(parsed.signedHeaders) });
  return parsed;
}

function parseFullAuthorizationHeader(header: string): SigV4AuthParameters {
  const trimmed = header.trim();
  if (trimmed === '') throw malformed('The Authorization header is empty');
  const space = trimmed.search(/\s/);
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) throw unsupportedAlgorithm(algorithm);
  const rest = space === -1 ? '' : trimmed.slice(space + 1);

  // Three named slots rather than a map: this runs on every signed request.
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  for (const rawComponent of rest.split(',')) {
    const component = rawComponent.trim();
    if (component === '') continue;
    const eq = component.indexOf('=');
    const name = eq === -1 ? component : component.slice(0, eq).trim();
    const value = component.slice(eq + 1).trim();
    if (eq !== -1 && name === 'Credential') {
      if (credential !== undefined) throw duplicateComponent(name);
      credential = value;
    } else if (eq !== -1 && name === 'SignedHeaders') {
      if (signedHeaders !== undefined) throw duplicateComponent(name);
      signedHeaders = value;
    } else if (eq !== -1 && name === 'Signature') {
      if (signature !== undefined) throw duplicateComponent(name);
      signature = value;
    } else {
      throw malformed(`The Authorization header has an unexpected component ${quoteClientValue(component, 40)}; ` + `expected "${SIGV4_ALGORITHM} Credential=..., SignedHeaders=..., Signature=..."`);
    }
  }
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    const missing = [credential === undefined && 'Credential', signedHeaders === undefined && 'SignedHeaders', signature === undefined && 'Signature'].filter((name) => name !== false);
    throw malformed(`The Authorization header requires ${missing.map((name) => `'${name}'`).join(', ')} ` + `(expected "${SIGV4_ALGORITHM} Credential=..., SignedHeaders=..., Signature=...")`);
  }
  return {
    credential: parseCredential(credential, 'Credential'),
    signedHeaders: parseSignedHeaders(signedHeaders, 'SignedHeaders'),
    signature: parseSignature(signature, 'Signature'),
  };
}

/** Query parameters that mark a request as presigned. */
export const PRESIGN_MARKERS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'] as const;

/** Whether the (decoded) query carries any presigned-URL authentication parameter. */
const LOWER_PRESIGN_MARKERS: readonly string[] = PRESIGN_MARKERS.map((name) => name.toLowerCase());

export function hasPresignParameters(query: readonly QueryParameter[]): boolean {
  return query.some((p) => LOWER_PRESIGN_MARKERS.includes(p.name.toLowerCase()));
}

/**
 * Reads the `X-Amz-*` parameters of a presigned URL. Names are matched
 * case-insensitively: the SDK hoists `x-amz-*` headers into the query with
 * the case they were given in (e.g. `x-amz-content-sha256`).
 */
export function parsePresignedQuery(query: readonly QueryParameter[]): PresignedParameters {
  const single = (name: string): string | undefined => {
    const lower = name.toLowerCase();
    const values = query.filter((p) => p.name.toLowerCase() === lower);
    if (values.length > 1) throw malformed(`The query string has more than one '${name}' parameter`);
    return values[0]?.value;
  };
  const required = (name: string): string => {
    const value = single(name);
    if (value === undefined || value === '') {
      throw malformed(
        `A presigned request requires the '${name}' query parameter (X-Amz-Algorithm, X-Amz-Credential, ` + 'X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature are all required)',
      );
    }
    return value;
  };

  const algorithm = required('X-Amz-Algorithm');
  if (algorithm !== SIGV4_ALGORITHM) throw unsupportedAlgorithm(algorithm);
  const credential = parseCredential(required('X-Amz-Credential'), 'X-Amz-Credential');
  const amzDate = required('X-Amz-Date');
  const expiresText = required('X-Amz-Expires');
  const expiresSeconds = /^\d{1,7}$/.test(expiresText) ? Number(expiresText) : Number.NaN;
  if (!(expiresSeconds <= MAX_PRESIGNED_EXPIRES_SECONDS)) {
    throw malformed(`X-Amz-Expires must be a whole number of seconds from 0 to ${MAX_PRESIGNED_EXPIRES_SECONDS} (one week); ` + `got ${quoteClientValue(expiresText)}`);
  }
  const signedHeaders = parseSignedHeaders(required('X-Amz-SignedHeaders'), 'X-Amz-SignedHeaders');
  const signature = parseSignature(required('X-Amz-Signature'), 'X-Amz-Signature');
  return {
    credential,
    signedHeaders,
    signature,
    amzDate,
    expiresSeconds,
    securityToken: single('X-Amz-Security-Token'),
    contentSha256: single('X-Amz-Content-Sha256'),
  };
}
