/** Why a request failed Signature Version 4 verification. */
export type SigV4FailureReason =
  | 'MISSING_AUTHENTICATION'
  | 'MALFORMED_AUTHORIZATION'
  | 'UNSUPPORTED_ALGORITHM'
  | 'INVALID_CREDENTIAL_SCOPE'
  | 'REQUEST_EXPIRED'
  | 'REQUEST_TIME_TOO_SKEWED'
  | 'UNKNOWN_ACCESS_KEY'
  | 'INACTIVE_ACCESS_KEY'
  | 'SIGNATURE_MISMATCH'
  | 'BODY_HASH_MISMATCH'
  | 'MISSING_SIGNED_HEADER';

/**
 * A request failed Signature Version 4 verification.
 *
 * `message` is meant for the client author and is safe to return to the
 * caller: it never contains a secret, a signature computed by the server, or
 * anything revealing whether an access key unknown to the caller exists.
 */
export class SigV4Error extends Error {
  readonly reason: SigV4FailureReason;

  constructor(reason: SigV4FailureReason, message: string) {
    super(message);
    this.name = 'SigV4Error';
    this.reason = reason;
  }
}

/** Message used for a signature that does not verify (the wording AWS uses). */
export const SIGNATURE_MISMATCH_MESSAGE = 'The request signature we calculated does not match the signature you provided. Check your secret access key and signing method.';

/** Message used for an access key that does not exist (the wording AWS uses). */
export const UNKNOWN_ACCESS_KEY_MESSAGE = 'The security token included in the request is invalid';

/** Message used for an access key that exists but is not active (the wording AWS uses). */
export const INACTIVE_ACCESS_KEY_MESSAGE = 'The AWS Access Key Id you provided is not active';

/**
 * Quotes a client-supplied value for use in an error message: JSON-quoted
 * (so control characters are escaped) and truncated to keep messages short.
 */
export function quoteClientValue(value: string, maxLength = 80): string {
  const clipped = value.length > maxLength ? `${value.slice(0, maxLength)}…` : value;
  return JSON.stringify(clipped);
}
