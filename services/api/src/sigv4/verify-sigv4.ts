import { createHmac } from 'node:crypto';
import { equalInConstantTime } from '@warden/iam';
import { formatAmzDate, parseAmzDate, parseDateHeader } from './amz-date.js';
import { canonicalRequest, parseQuery, sha256Hex, stringToSign } from './canonical-request.js';
import type { QueryParameter } from './canonical-request.js';
import { hasPresignParameters, parseAuthorizationHeader, parsePresignedQuery } from './sigv4-authorization.js';
import type { SigV4AuthParameters } from './sigv4-authorization.js';
import { SIGNATURE_MISMATCH_MESSAGE, SigV4Error, UNKNOWN_ACCESS_KEY_MESSAGE, quoteClientValue } from './sigv4-failure.js';
import type { SignedRequest } from './sigv4-request.js';
import { SigningKeyCache } from './signing-key-cache.js';

/**
 * The secret behind an access key id, as the key store returns it. Whether the key is still in
 * force (active, not revoked, not expired) is not the signature's question: the caller asks it once
 * the signature has verified (`authenticate`, through `credentialStanding`), so that only a holder
 * of the secret learns it.
 */
export interface SigningKeyMaterial {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A signing name the verifier accepts, and the region its credential scope must name (`'*'`: any region). */
export interface SigningScope {
  readonly service: string;
  readonly region: string;
}

export interface VerifyOptions<Key extends SigningKeyMaterial = SigningKeyMaterial> {
  /** Service name expected in the credential scope, e.g. `'warden'`. */
  service: string;
  /** Region expected in the credential scope, e.g. `'us-east-1'`. */
  region: string;
  /**
   * When given, the signing names accepted instead of `service` and `region`, each with its own
   * region rule: the credential scope's service picks the rule (AWS's Query front accepts `iam`
   * in us-east-1 and `sts` in any region, and the signing name decides which service answers).
   */
  scopes?: readonly SigningScope[];
  /** The current time. */
  now: Date;
  /** Largest allowed distance between the signing time and `now`, in seconds (default 300). */
  maxSkewSeconds?: number;
  /**
   * Looks up an access key; `undefined` when it does not exist. Errors it throws propagate unchanged.
   * What it returns may carry more than the key material (the caller's identity, say): the verified
   * request hands it back as it was returned.
   */
  lookupKey: (accessKeyId: string) => Promise<Key | undefined>;
}

/** A request whose signature verified. */
export interface VerifiedRequest<Key extends SigningKeyMaterial = SigningKeyMaterial> {
  accessKeyId: string;
  /** The signing time (`X-Amz-Date`, or the `Date` header). */
  signedAt: Date;
  /** `X-Amz-Security-Token` (header or presigned query parameter), when sent. */
  securityToken: string | undefined;
  /** The credential scope's service (signing name) and region, as verified. */
  service: string;
  region: string;
  /** Lower-case names of the headers covered by the signature, sorted. */
  signedHeaders: readonly string[];
  /** The key the signature verified with, as `lookupKey` returned it. */
  readonly key: Key;
}

/**
 * The key is kept in a private field behind a getter rather than as an own property: it holds the
 * secret, and a verified request that is logged, spread or serialized must not take it along.
 */
class VerifiedSignedRequest<Key extends SigningKeyMaterial> implements VerifiedRequest<Key> {
  readonly #key: Key;

  constructor(
    readonly accessKeyId: string,
    readonly signedAt: Date,
    readonly securityToken: string | undefined,
    readonly signedHeaders: readonly string[],
    readonly service: string,
    readonly region: string,
    key: Key,
  ) {
    this.#key = key;
  }

  get key(): Key {
    return this.#key;
  }
}

const DEFAULT_MAX_SKEW_SECONDS = 300;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const SIGNING_KEY_CACHE = new SigningKeyCache(1000);

/** Everything derived from the request before any key is looked up. */
interface AuthContext {
  readonly presigned: boolean;
  readonly auth: SigV4AuthParameters;
  /** Signing time as it goes into the string to sign (`YYYYMMDDTHHMMSSZ`). */
  readonly amzDate: string;
  readonly signedAt: Date;
  readonly expiresSeconds: number | undefined;
  readonly securityToken: string | undefined;
  /** Name of the header the security token came from, when it came from a header. */
  readonly securityTokenHeader: string | undefined;
  /** Payload hash claimed by `x-amz-content-sha256` (or `X-Amz-Content-Sha256` when presigned). */
  readonly claimedPayloadHash: string | undefined;
}

/**
 * Verifies an AWS Signature Version 4 (`AWS4-HMAC-SHA256`) signed request,
 * either header-signed (`Authorization`) or presigned (`X-Amz-*` query
 * parameters), as the AWS SDKs sign them for a non-S3 service.
 *
 * @throws {SigV4Error} when the request is not correctly signed by the key it names.
 */
export async function verifySigV4<Key extends SigningKeyMaterial>(request: SignedRequest, options: VerifyOptions<Key>): Promise<VerifiedRequest<Key>> {
  const maxSkewSeconds = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  if (!Number.isFinite(maxSkewSeconds) || maxSkewSeconds < 0) {
    throw new RangeError('maxSkewSeconds must be a non-negative number');
  }
  const headers = collectHeaders(request.headers);
  const query = parseQuery(request.query);

  const context = readAuthContext(headers, query);
  const { auth } = context;
  checkCredentialScope(context, options);
  checkSignedHeaders(context, headers);
  checkTime(context, options.now, maxSkewSeconds);
  if (context.claimedPayloadHash === UNSIGNED_PAYLOAD) checkUnsignedPayload(context, request);

  const key = await options.lookupKey(auth.credential.accessKeyId);
  if (key === undefined) throw new SigV4Error('UNKNOWN_ACCESS_KEY', UNKNOWN_ACCESS_KEY_MESSAGE);

  let bodyHash: string | undefined;
  const payloadHash = context.claimedPayloadHash ?? (bodyHash = sha256Hex(request.body));
  const canonical = canonicalRequest({
    method: request.method,
    rawPath: request.path,
    query,
    signedHeaders: auth.signedHeaders,
    headers: headers.values,
    payloadHash,
  });
  const signingKey = SIGNING_KEY_CACHE.get(key, auth.credential.date, auth.credential.region, auth.credential.service);
  const expected = createHmac('sha256', signingKey)
    .update(stringToSign(context.amzDate, auth.credential.scope, canonical))
    .digest('hex');
  // Both are lower-case hex (the parsers lower-case the signature): compared as text, in constant time.
  if (!equalInConstantTime(auth.signature, expected)) {
    throw new SigV4Error('SIGNATURE_MISMATCH', SIGNATURE_MISMATCH_MESSAGE);
  }
  // The signature covers the claimed hash; make sure the body is the one it describes.
  if (context.claimedPayloadHash !== undefined && context.claimedPayloadHash !== UNSIGNED_PAYLOAD) {
    bodyHash ??= sha256Hex(request.body);
    if (context.claimedPayloadHash.toLowerCase() !== bodyHash) {
      throw new SigV4Error('BODY_HASH_MISMATCH', 'x-amz-content-sha256 does not match the body: it must be the lower-case hex SHA-256 of the exact bytes sent');
    }
  }

  return new VerifiedSignedRequest(auth.credential.accessKeyId, context.signedAt, context.securityToken, auth.signedHeaders, auth.credential.service, auth.credential.region, key);
}

/**
 * UNSIGNED-PAYLOAD is S3's convention for bodies too large to hash before sending. Warden's bodies
 * are operations: one left unsigned could be replaced by any other, run with the signer's
 * permissions, by whoever holds the request (a presigned URL may stay valid for days). So it is
 * accepted only where there is no body to protect: a presigned GET or HEAD, whose operation is in
 * the signed URL.
 */
function checkUnsignedPayload(context: AuthContext, request: SignedRequest): void {
  if (!context.presigned) {
    throw new SigV4Error(
      'BODY_HASH_MISMATCH',
      'x-amz-content-sha256: UNSIGNED-PAYLOAD is not accepted with Authorization header signing; ' + 'the body must be signed (send its SHA-256 hex, or omit the header)',
    );
  }
  const method = request.method.toUpperCase();
  if ((method !== 'GET' && method !== 'HEAD') || request.body.length > 0) {
    throw new SigV4Error(
      'BODY_HASH_MISMATCH',
      'X-Amz-Content-Sha256=UNSIGNED-PAYLOAD is accepted in a presigned URL only for a GET or HEAD without a body: ' +
        `the ${quoteClientValue(method)} request's body would not be covered by the signature, so anyone holding the URL could send any operation. ` +
        'Presign it with the body (its SHA-256 hex is then signed) or sign it with an Authorization header',
    );
  }
}

/** Request headers keyed by lower-case name. */
interface CollectedHeaders {
  /** Value per name; repeated values joined with `,` as SigV4 prescribes. */
  readonly values: ReadonlyMap<string, string>;
  /** Names received more than once. */
  readonly repeated: ReadonlySet<string>;
}

const NONE_REPEATED: ReadonlySet<string> = new Set();

function collectHeaders(raw: SignedRequest['headers']): CollectedHeaders {
  // Nearly every request has one string per name: those go straight in, with no list per header.
  const values = new Map<string, string>();
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (typeof value !== 'string' || values.has(lower)) return collectRepeatedHeaders(raw);
    values.set(lower, value);
  }
  return { values, repeated: NONE_REPEATED };
}

/** The general case: a name given more than once, or with a list of values. */
function collectRepeatedHeaders(raw: SignedRequest['headers']): CollectedHeaders {
  const lists = new Map<string, string[]>();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const list = lists.get(lower) ?? [];
    if (typeof value === 'string') list.push(value);
    else list.push(...value);
    lists.set(lower, list);
  }
  const values = new Map<string, string>();
  const repeated = new Set<string>();
  for (const [name, list] of lists) {
    values.set(name, list.length === 1 ? (list[0] ?? '') : list.map((v) => v.trim()).join(','));
    if (list.length > 1) repeated.add(name);
  }
  return { values, repeated };
}

function readAuthContext(headers: CollectedHeaders, query: readonly QueryParameter[]): AuthContext {
  const authorization = headers.values.get('authorization');
  const presigned = hasPresignParameters(query);
  if (authorization === undefined && !presigned) {
    throw new SigV4Error(
      'MISSING_AUTHENTICATION',
      'Missing Authentication Token: sign the request with AWS Signature Version 4 ' + '(an Authorization header, or X-Amz-* query parameters for a presigned URL)',
    );
  }
  if (authorization !== undefined && presigned) {
    throw new SigV4Error('MALFORMED_AUTHORIZATION', 'Only one authentication mechanism is allowed: send either an Authorization header or presigned X-Amz-* query parameters, not both');
  }
  const headerToken = headers.values.get('x-amz-security-token');
  const claimedHeaderHash = headers.values.get('x-amz-content-sha256');

  if (authorization !== undefined) {
    if (headers.repeated.has('authorization')) {
      throw new SigV4Error('MALFORMED_AUTHORIZATION', 'The request has more than one Authorization header');
    }
    const auth = parseAuthorizationHeader(authorization);
    const xAmzDate = headers.values.get('x-amz-date');
    const dateHeader = headers.values.get('date');
    let signedAt: Date | undefined;
    if (xAmzDate !== undefined) {
      signedAt = parseAmzDate(xAmzDate);
      if (signedAt === undefined) {
        throw new SigV4Error('MALFORMED_AUTHORIZATION', `X-Amz-Date must be in the ISO 8601 basic format YYYYMMDD'T'HHMMSS'Z'; got ${quoteClientValue(xAmzDate)}`);
      }
    } else if (dateHeader !== undefined) {
      signedAt = parseDateHeader(dateHeader);
      if (signedAt === undefined) {
        throw new SigV4Error('MALFORMED_AUTHORIZATION', `The Date header must be an HTTP date or YYYYMMDD'T'HHMMSS'Z'; got ${quoteClientValue(dateHeader)}`);
      }
    } else {
      throw new SigV4Error('MISSING_SIGNED_HEADER', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header, and it must be signed");
    }
    return {
      presigned: false,
      auth,
      // parseAmzDate accepted X-Amz-Date only in exactly this format: it is its own formatting.
      amzDate: xAmzDate ?? formatAmzDate(signedAt),
      signedAt,
      expiresSeconds: undefined,
      securityToken: headerToken,
      securityTokenHeader: headerToken === undefined ? undefined : 'x-amz-security-token',
      claimedPayloadHash: claimedHeaderHash,
    };
  }

  const params = parsePresignedQuery(query);
  const signedAt = parseAmzDate(params.amzDate);
  if (signedAt === undefined) {
    throw new SigV4Error('MALFORMED_AUTHORIZATION', `X-Amz-Date must be in the ISO 8601 basic format YYYYMMDD'T'HHMMSS'Z'; got ${quoteClientValue(params.amzDate)}`);
  }
  if (params.securityToken !== undefined && headerToken !== undefined) {
    throw new SigV4Error('MALFORMED_AUTHORIZATION', 'Send the security token either as the X-Amz-Security-Token query parameter or as a header, not both');
  }
  return {
    presigned: true,
    auth: params,
    amzDate: params.amzDate,
    signedAt,
    expiresSeconds: params.expiresSeconds,
    securityToken: params.securityToken ?? headerToken,
    securityTokenHeader: params.securityToken === undefined && headerToken !== undefined ? 'x-amz-security-token' : undefined,
    claimedPayloadHash: claimedHeaderHash ?? params.contentSha256,
  };
}

function checkCredentialScope(context: AuthContext, options: VerifyOptions): void {
  const { credential } = context.auth;
  // The options are their own scope when no list is given: no allocation on GraphQL's hot path.
  const scope = options.scopes ? options.scopes.find((candidate) => candidate.service === credential.service) : credential.service === options.service ? options : undefined;
  const regionMatches = scope !== undefined && (scope.region === '*' || credential.region === scope.region);
  // Compared piece by piece; the expected scope is spelled out only for the error.
  const matches = credential.terminator === 'aws4_request' && regionMatches && credential.date.length === 8 && context.amzDate.startsWith(credential.date);
  if (!matches) {
    const scopes = options.scopes ?? [options];
    const expected = scope ?? scopes[0]!;
    const region = expected.region === '*' ? '<region>' : expected.region;
    const services = scopes.map((candidate) => candidate.service).join(' or ');
    const expectedScope = `${context.amzDate.slice(0, 8)}/${region}/${scope ? scope.service : services}/aws4_request`;
    throw new SigV4Error('INVALID_CREDENTIAL_SCOPE', `The credential scope must be ${expectedScope} (the date is the date part of X-Amz-Date); ` + `got ${quoteClientValue(credential.scope)}`);
  }
}

function checkSignedHeaders(context: AuthContext, headers: CollectedHeaders): void {
  const signed = context.auth.signedHeaders;
  const where = context.presigned ? 'X-Amz-SignedHeaders' : 'SignedHeaders';
  const mustBeSigned = (name: string): void => {
    // A handful of names: a list search costs less than building a set per request.
    if (!signed.includes(name)) {
      throw new SigV4Error('MISSING_SIGNED_HEADER', `The '${name}' header must be signed: include it in ${where}`);
    }
  };
  mustBeSigned('host');
  if (!context.presigned) mustBeSigned(headers.values.has('x-amz-date') ? 'x-amz-date' : 'date');
  if (context.securityTokenHeader !== undefined) mustBeSigned(context.securityTokenHeader);
  for (const name of context.auth.signedHeaders) {
    if (!headers.values.has(name)) {
      throw new SigV4Error('MISSING_SIGNED_HEADER', `The '${name}' header is listed in ${where} but is not present in the request`);
    }
  }
}

function describeSkew(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min.` : `${seconds} sec.`;
}

function checkTime(context: AuthContext, now: Date, maxSkewSeconds: number): void {
  const signedMs = context.signedAt.getTime();
  const nowMs = now.getTime();
  const skewMs = maxSkewSeconds * 1000;
  if (signedMs - nowMs > skewMs) {
    throw new SigV4Error(
      'REQUEST_TIME_TOO_SKEWED',
      `Signature not yet current: ${context.amzDate} is still later than ${formatAmzDate(new Date(nowMs + skewMs))} ` +
        `(${formatAmzDate(now)} + ${describeSkew(maxSkewSeconds)}). Check the client clock.`,
    );
  }
  if (context.expiresSeconds !== undefined) {
    const expiresMs = signedMs + context.expiresSeconds * 1000;
    if (nowMs > expiresMs) {
      throw new SigV4Error(
        'REQUEST_EXPIRED',
        `Request has expired: the presigned URL signed at ${context.amzDate} with X-Amz-Expires=${context.expiresSeconds} ` +
          `was valid until ${formatAmzDate(new Date(expiresMs))}; it is now ${formatAmzDate(now)}`,
      );
    }
    return;
  }
  if (nowMs - signedMs > skewMs) {
    throw new SigV4Error(
      'REQUEST_TIME_TOO_SKEWED',
      `Signature expired: ${context.amzDate} is now earlier than ${formatAmzDate(new Date(nowMs - skewMs))} ` +
        `(${formatAmzDate(now)} - ${describeSkew(maxSkewSeconds)}). Sign each request just before sending it and check the client clock.`,
    );
  }
}
