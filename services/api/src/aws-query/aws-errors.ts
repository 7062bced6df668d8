import { AccessDeniedError, IamError, type IamErrorCode } from '@warden/iam';
import { AuthenticationError } from '../authenticate.js';

/** An error as AWS's Query protocol answers it: `<Error><Type><Code><Message>` and an HTTP status. */
export interface AwsError {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  /** `Sender` (the request was wrong) or `Receiver` (the service failed), as AWS's error XML says. */
  readonly type: 'Sender' | 'Receiver';
}

/**
 * The one table from Warden's IamError codes to AWS's. Codes and statuses are those of the IAM and
 * STS service models (`awsQueryError` traits in aws-sdk-js-v3's codegen/sdk-codegen/aws-models:
 * NoSuchEntity 404, EntityAlreadyExists 409, LimitExceeded 409, DeleteConflict 409,
 * ConcurrentModification 409, MalformedPolicyDocument 400, InvalidInput 400,
 * PasswordPolicyViolation 400, InvalidUserType 400, InvalidAuthenticationCode 403; STS's
 * InvalidIdentityToken 400, ExpiredTokenException 400, IDPCommunicationError 400, IDPRejectedClaim
 * 403, PackedPolicyTooLarge 400) and AWS's
 * common errors (AccessDenied 403, Throttling 400). Sign-in failures never reach the Query front
 * (signing in is the console's), but the table is total so that a new code fails to compile here.
 */
const IAM_ERROR_CODES: Readonly<Record<IamErrorCode, { readonly code: string; readonly status: number }>> = {
  NoSuchEntity: { code: 'NoSuchEntity', status: 404 },
  EntityAlreadyExists: { code: 'EntityAlreadyExists', status: 409 },
  LimitExceeded: { code: 'LimitExceeded', status: 409 },
  DeleteConflict: { code: 'DeleteConflict', status: 409 },
  ConcurrentModification: { code: 'ConcurrentModification', status: 409 },
  MalformedPolicyDocument: { code: 'MalformedPolicyDocument', status: 400 },
  InvalidInput: { code: 'InvalidInput', status: 400 },
  PasswordPolicyViolation: { code: 'PasswordPolicyViolation', status: 400 },
  InvalidUserType: { code: 'InvalidUserType', status: 400 },
  InvalidAuthenticationCode: { code: 'InvalidAuthenticationCode', status: 403 },
  AccessDenied: { code: 'AccessDenied', status: 403 },
  SignInFailed: { code: 'AccessDenied', status: 403 },
  SignInThrottled: { code: 'Throttling', status: 400 },
  // STS's federation errors (AssumeRoleWithWebIdentity, not yet an action of this front).
  InvalidIdentityToken: { code: 'InvalidIdentityToken', status: 400 },
  ExpiredToken: { code: 'ExpiredTokenException', status: 400 },
  IDPCommunicationError: { code: 'IDPCommunicationError', status: 400 },
  IDPRejectedClaim: { code: 'IDPRejectedClaim', status: 403 },
  PackedPolicyTooLarge: { code: 'PackedPolicyTooLarge', status: 400 },
  Throttling: { code: 'Throttling', status: 400 },
  // Organizations' (closeAccount, not an action of this front).
  AccountAlreadyClosed: { code: 'AccountAlreadyClosedException', status: 400 },
  ConstraintViolation: { code: 'ConstraintViolationException', status: 400 },
  // Warden's point-in-time questions (not actions of this front): AWS's nearest, a bad parameter.
  PointInTimeBeforeAccount: { code: 'InvalidInput', status: 400 },
  PointInTimeInFuture: { code: 'InvalidInput', status: 400 },
  // GetCredentialReport's (the IAM model's CredentialReportNotPresentException, …ExpiredException, …NotReadyException).
  ReportNotPresent: { code: 'ReportNotPresent', status: 410 },
  ReportExpired: { code: 'ReportExpired', status: 410 },
  ReportInProgress: { code: 'ReportInProgress', status: 404 },
};

/**
 * Authentication failures (AuthenticationError's reason) as AWS's common errors name them:
 * an unknown key or token is InvalidClientTokenId (403), a signature or credential scope that does
 * not verify is SignatureDoesNotMatch (403; AWS says so for a wrong region or service in the scope
 * and for a signing time out of bounds), a malformed Authorization is IncompleteSignature (400),
 * no authentication at all is MissingAuthenticationToken (403), an expired session ExpiredToken (400)
 * and an expired presigned URL RequestExpired (400).
 */
const AUTHENTICATION_ERROR_CODES: Readonly<Record<string, { readonly code: string; readonly status: number }>> = {
  MISSING_AUTHENTICATION: { code: 'MissingAuthenticationToken', status: 403 },
  MALFORMED_AUTHORIZATION: { code: 'IncompleteSignature', status: 400 },
  MISSING_SIGNED_HEADER: { code: 'IncompleteSignature', status: 400 },
  UNSUPPORTED_ALGORITHM: { code: 'IncompleteSignature', status: 400 },
  INVALID_CREDENTIAL_SCOPE: { code: 'SignatureDoesNotMatch', status: 403 },
  REQUEST_TIME_TOO_SKEWED: { code: 'SignatureDoesNotMatch', status: 403 },
  SIGNATURE_MISMATCH: { code: 'SignatureDoesNotMatch', status: 403 },
  BODY_HASH_MISMATCH: { code: 'SignatureDoesNotMatch', status: 403 },
  REQUEST_EXPIRED: { code: 'RequestExpired', status: 400 },
  UNKNOWN_ACCESS_KEY: { code: 'InvalidClientTokenId', status: 403 },
  INACTIVE_ACCESS_KEY: { code: 'InvalidClientTokenId', status: 403 },
  INVALID_SECURITY_TOKEN: { code: 'InvalidClientTokenId', status: 403 },
  SESSION_REVOKED: { code: 'InvalidClientTokenId', status: 403 },
  EXPIRED_TOKEN: { code: 'ExpiredToken', status: 400 },
};

/** A request the front itself refuses before any operation runs: unknown action, bad parameters. */
export class QueryRequestError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'QueryRequestError';
  }
}

/** AWS's ValidationError (400): a parameter missing or out of its model's constraints. */
export function validationError(message: string): QueryRequestError {
  return new QueryRequestError('ValidationError', 400, message);
}

/** What AWS answers for an error Warden expects; undefined for anything else (a 500, logged). */
export function awsErrorOf(error: unknown): AwsError | undefined {
  if (error instanceof QueryRequestError) return { code: error.code, status: error.status, message: error.message, type: 'Sender' };
  if (error instanceof AuthenticationError) {
    const reason = typeof error.extensions['reason'] === 'string' ? error.extensions['reason'] : '';
    const known = AUTHENTICATION_ERROR_CODES[reason] ?? { code: 'InvalidClientTokenId', status: 403 };
    return { ...known, message: error.message, type: 'Sender' };
  }
  if (error instanceof IamError) {
    const { code, status } = IAM_ERROR_CODES[error.code];
    // AWS's format for a denial that can be explained (EC2's UnauthorizedOperation, among others):
    // the encoded message follows the sentence, for sts:DecodeAuthorizationMessage.
    const encoded = error instanceof AccessDeniedError ? error.encodedAuthorizationMessage : undefined;
    const message = encoded ? `${error.message} Encoded authorization failure message: ${encoded}` : error.message;
    return { code, status, message, type: 'Sender' };
  }
  return undefined;
}
