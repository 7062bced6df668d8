import { type AwsError, awsErrorOf } from '../aws-query/aws-errors.js';

/**
 * Errors as AWS's JSON 1.1 protocol answers them: `{"__type": "Name", "message": "…"}` with the
 * name in `x-amzn-ErrorType` too. The codes are those the Query front answers (aws-errors.ts, one
 * table), renamed where the JSON services (Organizations' model, AWS's common errors for JSON
 * protocols) name them otherwise.
 */
const JSON_NAMES: Readonly<Record<string, string>> = {
  AccessDenied: 'AccessDeniedException',
  NoSuchEntity: 'AccountNotFoundException',
  InvalidInput: 'InvalidInputException',
  ConcurrentModification: 'ConcurrentModificationException',
  Throttling: 'TooManyRequestsException',
  InvalidClientTokenId: 'UnrecognizedClientException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  IncompleteSignature: 'IncompleteSignatureException',
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  ExpiredToken: 'ExpiredTokenException',
};

/** A request the JSON front refuses before any operation runs: unknown target, a body that is not the operation's. */
export class JsonRequestError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'JsonRequestError';
  }
}

/** What AWS answers over JSON for an error Warden expects; undefined for anything else (a 500, logged). */
export function jsonErrorOf(error: unknown): AwsError | undefined {
  if (error instanceof JsonRequestError) return { code: error.code, status: error.status, message: error.message, type: 'Sender' };
  const known = awsErrorOf(error);
  return known && { ...known, code: JSON_NAMES[known.code] ?? known.code };
}
