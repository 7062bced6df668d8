import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import { ExpiredTokenError, IamError, InvalidIdentityTokenError } from '../kernel/iam-error.js';
import { TOKEN_CLOCK_SKEW_SECONDS } from '../kernel/token-clock-skew.js';
import { checkTags, type Tag } from '../naming/index.js';
import type { JwksSource } from './jwks-cache.js';

/**
 * Verification of an OpenID Connect ID token for AssumeRoleWithWebIdentity, with `jose` against the
 * issuer's published keys: the signature (asymmetric algorithms only: never `none`, never an HMAC,
 * which would let anyone holding the public key sign), `iss` (the provider's URL), `aud`/`azp`
 * (one of the provider's client ids), `exp`, `nbf` and `iat` within a clock skew. Errors are AWS's:
 * ExpiredToken for an expired token, InvalidIdentityToken for everything else about the token, and
 * IDPCommunicationError (from the key source) when the provider cannot be reached.
 */

/** The algorithms a token may be signed with: RSA, RSA-PSS, ECDSA and EdDSA. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

/** AWS's length limits for WebIdentityToken. */
export const WEB_IDENTITY_TOKEN_LENGTH = { min: 4, max: 20_000 } as const;

/** The claim AWS reads session tags from. */
export const SESSION_TAGS_CLAIM = 'https://aws.amazon.com/tags';

export interface VerifiedWebIdentity {
  readonly issuer: string;
  readonly subject: string;
  /** The client id the token was issued to (its `azp` when present, else the `aud` value that is a client id). */
  readonly audience: string;
  /** Every `aud` value. */
  readonly audiences: readonly string[];
  readonly authorizedParty: string | undefined;
  readonly amr: readonly string[] | undefined;
  readonly expiresAt: Date;
  readonly sessionTags: readonly Tag[];
  /** SHA-256 of the token, hex: what replay protection remembers (never the token). */
  readonly tokenHash: string;
}

/** The token's `iss`, read without verification, to find the provider whose keys verify it. */
export function unverifiedIssuer(token: string): string {
  let payload: JWTPayload;
  try {
    payload = decodeJwt(token);
  } catch {
    throw new InvalidIdentityTokenError('The web identity token is not a JWT (three base64url parts: header, claims, signature).');
  }
  if (typeof payload.iss !== 'string' || payload.iss === '') throw new InvalidIdentityTokenError('The web identity token has no iss claim.');
  return payload.iss;
}

/**
 * The key a used token is remembered by: the hash of what its signature signs (header and claims),
 * not of the whole text. A signature has more than one base64url spelling that decodes to the
 * same bytes (the last character's unused bits), so a key over the whole text would let one token
 * be used once per spelling.
 */
export function webIdentityTokenHash(token: string): string {
  return createHash('sha256')
    .update(token.slice(0, token.lastIndexOf('.')))
    .digest('hex');
}

export async function verifyWebIdentityToken(
  token: string,
  provider: { readonly issuer: string; readonly clientIds: readonly string[]; readonly thumbprints?: readonly string[] },
  keys: JwksSource,
  now: Date,
): Promise<VerifiedWebIdentity> {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new InvalidIdentityTokenError('The web identity token has no readable header.');
  }
  if (typeof alg !== 'string' || !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new InvalidIdentityTokenError(
      `The web identity token is signed with ${JSON.stringify(String(alg)).slice(0, 40)}; only asymmetric algorithms (${ASYMMETRIC_ALGORITHMS.join(', ')}) are accepted.`,
    );
  }
  const options = { issuer: provider.issuer, algorithms: [...ASYMMETRIC_ALGORITHMS], clockTolerance: TOKEN_CLOCK_SKEW_SECONDS, currentDate: now, requiredClaims: ['exp', 'sub', 'aud'] };
  const verify = async (refresh: boolean) => jwtVerify(token, createLocalJWKSet(await keys.keys(provider.issuer, { refresh, thumbprints: provider.thumbprints ?? [] })), options);
  let payload: JWTPayload;
  try {
    try {
      payload = (await verify(false)).payload;
    } catch (error) {
      // A key id the cached set lacks: the provider may have rotated its keys since.
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      payload = (await verify(true)).payload;
    }
  } catch (error) {
    throw translate(error, now);
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (payload.iat !== undefined && payload.iat > nowSeconds + TOKEN_CLOCK_SKEW_SECONDS)
    throw new InvalidIdentityTokenError('The web identity token was issued in the future (its iat is past the allowed clock skew).');
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidIdentityTokenError('The web identity token has no sub claim.');
  const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
  const authorizedParty = typeof payload['azp'] === 'string' ? payload['azp'] : undefined;
  const audience = [...(authorizedParty !== undefined ? [authorizedParty] : []), ...audiences].find((candidate) => provider.clientIds.includes(candidate));
  if (audience === undefined) throw new InvalidIdentityTokenError('Incorrect token audience: none of its aud (or azp) values is a client ID of the OpenID Connect provider.');
  const amr = payload['amr'];
  return {
    issuer: provider.issuer,
    subject: payload.sub,
    audience,
    audiences,
    authorizedParty,
    amr: Array.isArray(amr) && amr.every((value) => typeof value === 'string') ? amr : typeof amr === 'string' ? [amr] : undefined,
    expiresAt: new Date((payload.exp ?? 0) * 1000),
    sessionTags: sessionTagsOf(payload[SESSION_TAGS_CLAIM]),
    tokenHash: webIdentityTokenHash(token),
  };
}

/**
 * AWS's session tags claim: `{"principal_tags": {"Key": ["value"]}, "transitive_tag_keys": [...]}`,
 * each tag one value. Transitive tag keys are not kept (Warden's sessions do not pass tags on).
 */
function sessionTagsOf(claim: unknown): Tag[] {
  if (claim === undefined) return [];
  const principalTags = typeof claim === 'object' && claim !== null ? (claim as Record<string, unknown>)['principal_tags'] : undefined;
  if (principalTags === undefined) return [];
  if (typeof principalTags !== 'object' || principalTags === null || Array.isArray(principalTags)) {
    throw new InvalidIdentityTokenError(`The token's ${SESSION_TAGS_CLAIM} claim must hold principal_tags as an object of one-value lists.`);
  }
  const tags: Tag[] = [];
  for (const [key, values] of Object.entries(principalTags)) {
    const value: unknown = Array.isArray(values) && values.length === 1 ? values[0] : undefined;
    if (typeof value !== 'string') throw new InvalidIdentityTokenError(`The token's session tag ${JSON.stringify(key.slice(0, 128))} must have exactly one string value.`);
    tags.push({ key, value });
  }
  const problem = checkTags(tags);
  if (problem) throw new InvalidIdentityTokenError(`The token's session tags are not valid: ${problem}`);
  return tags;
}

function translate(error: unknown, now: Date): unknown {
  if (error instanceof IamError) return error;
  if (error instanceof errors.JWTExpired) {
    const exp = typeof error.payload.exp === 'number' ? error.payload.exp : undefined;
    return new ExpiredTokenError(
      `Token expired: current date/time ${Math.floor(now.getTime() / 1000)} must be before the expiration date/time ${exp ?? 'in the token'} (plus ${TOKEN_CLOCK_SKEW_SECONDS} s of skew).`,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return new InvalidIdentityTokenError("The token's iss is not the OpenID Connect provider's URL.");
    if (error.claim === 'nbf') return new InvalidIdentityTokenError('The web identity token is not valid yet (its nbf is past the allowed clock skew).');
    return new InvalidIdentityTokenError(`The web identity token's ${error.claim} claim is missing or not valid.`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) return new InvalidIdentityTokenError("No key of the OpenID Connect provider's key set matches the token's key id and algorithm.");
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidIdentityTokenError("The web identity token's signature does not verify with the OpenID Connect provider's keys.");
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidIdentityTokenError('The web identity token is signed with an algorithm that is not accepted.');
  if (error instanceof errors.JOSEError) return new InvalidIdentityTokenError(`The web identity token could not be validated (${error.code}).`);
  return error;
}
