/**
 * Expected failures of IAM operations, named and coded as AWS IAM names them, so that a client can
 * branch on `code` and a person can act on `message`. Anything else is unexpected and stays masked.
 */
export type IamErrorCode =
  | 'EntityAlreadyExists'
  | 'NoSuchEntity'
  | 'LimitExceeded'
  | 'MalformedPolicyDocument'
  | 'DeleteConflict'
  | 'AccessDenied'
  | 'InvalidInput'
  | 'ConcurrentModification'
  | 'PasswordPolicyViolation'
  | 'InvalidUserType'
  | 'InvalidAuthenticationCode'
  | 'SignInFailed'
  | 'SignInThrottled'
  | 'InvalidIdentityToken'
  | 'ExpiredToken'
  | 'IDPCommunicationError'
  | 'PackedPolicyTooLarge'
  | 'IDPRejectedClaim'
  | 'Throttling'
  | 'AccountAlreadyClosed'
  | 'ConstraintViolation'
  | 'PointInTimeBeforeAccount'
  | 'PointInTimeInFuture'
  | 'ReportNotPresent'
  | 'ReportExpired'
  | 'ReportInProgress';

export class IamError extends Error {
  constructor(
    readonly code: IamErrorCode,
    message: string,
  ) {
    super(message);
    this.name = `${code}Error`;
  }
}

export class EntityAlreadyExistsError extends IamError {
  constructor(message: string) {
    super('EntityAlreadyExists', message);
  }
}

export class NoSuchEntityError extends IamError {
  constructor(message: string) {
    super('NoSuchEntity', message);
  }
}

export class LimitExceededError extends IamError {
  constructor(message: string) {
    super('LimitExceeded', message);
  }
}

export class MalformedPolicyDocumentError extends IamError {
  constructor(
    message: string,
    /** The validation findings that made the document unusable, with their JSON paths. */
    readonly findings: readonly { severity: string; code: string; path: string; message: string }[] = [],
  ) {
    super('MalformedPolicyDocument', message);
  }
}

export class DeleteConflictError extends IamError {
  constructor(message: string) {
    super('DeleteConflict', message);
  }
}

/** A statement that decided a denial, named as the caller's policies name it (never its text). */
export interface DecidingStatement {
  readonly source: 'identity' | 'resource' | 'boundary' | 'session';
  readonly policyName?: string;
  readonly policyArn?: string;
  readonly statementIndex: number;
  readonly sid?: string;
}

/**
 * Why a permission check refused, as the evaluator decided it: what was asked, of whom, and which
 * kind of policy decided (an explicit Deny, with its statements; or the kind of policy that did not
 * allow it). Kept with the error for the call's record; the policy text is never part of it.
 */
export interface Denial {
  readonly action: string;
  readonly resource: string;
  /** The IAM principal whose policies decided: the user, or the role or user behind a session. */
  readonly principalArn?: string;
  /** `refused_by_rule`: no policy was asked; a rule of AWS's refuses it whatever the policies say (only the root user manages its keys…). */
  readonly kind: 'explicit_deny' | 'implicit_deny' | 'invalid_request' | 'refused_by_rule';
  /** The kind of policy that denied explicitly, or that did not allow. */
  readonly policyType?: 'identity' | 'resource' | 'boundary' | 'session';
  /** For an explicit deny, the Deny statements that matched; none for an implicit deny. */
  readonly statements: readonly DecidingStatement[];
}

export class AccessDeniedError extends IamError {
  constructor(
    message: string,
    /**
     * The decision in full (request, context, deciding statements), encrypted so that only a
     * principal of the account allowed sts:DecodeAuthorizationMessage can read it.
     */
    readonly encodedAuthorizationMessage?: string,
    /** The decision's summary, when an evaluation decided it (a refusal by rule, such as another account's principal, has none). */
    readonly denial?: Denial,
  ) {
    super('AccessDenied', message);
  }
}

export class InvalidInputError extends IamError {
  constructor(message: string) {
    super('InvalidInput', message);
  }
}

/** A refusal by rule, not by a policy: what it refused, for the call's record, with the sentence the caller gets. */
export function refusedByRule(action: string, resource: string, message: string): AccessDeniedError {
  return new AccessDeniedError(message, undefined, { action, resource, kind: 'refused_by_rule', statements: [] });
}

/** Refuses input a naming or tag check found a problem with; the check's sentence is the message. */
export function requireValidInput(problem: string | undefined): void {
  if (problem) throw new InvalidInputError(problem);
}

export class ConcurrentModificationError extends IamError {
  constructor(message: string) {
    super('ConcurrentModification', message);
  }
}

/** The password breaks a rule of the account's password policy (or of AWS's default one). */
export class PasswordPolicyViolationError extends IamError {
  constructor(message: string) {
    super('PasswordPolicyViolation', message);
  }
}

/** The operation is for another kind of principal (ChangePassword is for IAM users, not the root user or a role). */
export class InvalidUserTypeError extends IamError {
  constructor(message: string) {
    super('InvalidUserType', message);
  }
}

/** An MFA code that does not match the device, or was already used (AWS's InvalidAuthenticationCode). */
export class InvalidAuthenticationCodeError extends IamError {
  constructor(message: string) {
    super('InvalidAuthenticationCode', message);
  }
}

/**
 * A console sign-in that failed. The message is the same whatever the cause (unknown account or
 * user, no password, wrong password, wrong or replayed MFA code), so that it tells nothing about
 * which users exist; the audit log records the cause.
 */
export class SignInFailedError extends IamError {
  static readonly MESSAGE = 'Your authentication information is incorrect. Please try again.';
  constructor() {
    super('SignInFailed', SignInFailedError.MESSAGE);
  }
}

/** Too many failed sign-ins for this user or from this address: retry after the delay, or ask an admin to clear the lockout. */
export class SignInThrottledError extends IamError {
  constructor(
    readonly retryAfterSeconds: number,
    readonly locked: boolean,
  ) {
    super(
      'SignInThrottled',
      locked
        ? `Too many failed sign-in attempts: sign-in is locked for ${retryAfterSeconds} seconds, or until an administrator clears the lockout.`
        : `Too many failed sign-in attempts: try again in ${retryAfterSeconds} seconds.`,
    );
  }
}

/**
 * STS could not validate the web identity token (AWS's InvalidIdentityToken): a bad signature, an
 * algorithm that is not asymmetric, another issuer, an audience that is not a client id, a token
 * not valid yet, or one already used. The message says which, never the token.
 */
export class InvalidIdentityTokenError extends IamError {
  constructor(message: string) {
    super('InvalidIdentityToken', message);
  }
}

/** The web identity token has expired (AWS's ExpiredToken): get a new one from the identity provider. */
export class ExpiredTokenError extends IamError {
  constructor(message: string) {
    super('ExpiredToken', message);
  }
}

/** The identity provider's discovery document or keys could not be fetched (AWS's IDPCommunicationError): retry later. */
export class IdpCommunicationError extends IamError {
  constructor(message: string) {
    super('IDPCommunicationError', message);
  }
}

/**
 * The session policies and session tags of an STS request are too large once packed (AWS's
 * PackedPolicyTooLarge), although each may be within its own plaintext limit; the message says by
 * what percentage of the packed limit.
 */
export class PackedPolicyTooLargeError extends IamError {
  constructor(message: string) {
    super('PackedPolicyTooLarge', message);
  }
}

/** The identity provider itself reported that authentication failed (AWS's IDPRejectedClaim). */
export class IdpRejectedClaimError extends IamError {
  constructor(message: string) {
    super('IDPRejectedClaim', message);
  }
}

/** Too many requests from this address (AWS's Throttling, "Rate exceeded"): retry after the delay. */
export class ThrottlingError extends IamError {
  constructor(readonly retryAfterSeconds: number) {
    super('Throttling', `Rate exceeded: too many requests from this address. Retry in ${retryAfterSeconds} seconds.`);
  }
}

/** Organizations' AccountAlreadyClosedException: closeAccount on an account already closed. */
export class AccountAlreadyClosedError extends IamError {
  constructor(message: string) {
    super('AccountAlreadyClosed', message);
  }
}

/** Organizations' ConstraintViolationException: the organization's rules forbid it (closing the management account). */
export class ConstraintViolationError extends IamError {
  constructor(message: string) {
    super('ConstraintViolation', message);
  }
}

/** Warden's: a point-in-time question (`at`, `from`) about an instant before the account's first event. */
export class PointInTimeBeforeAccountError extends IamError {
  constructor(message: string) {
    super('PointInTimeBeforeAccount', message);
  }
}

/** Warden's: a point-in-time question about an instant still to come (past the allowed clock skew). */
export class PointInTimeInFutureError extends IamError {
  constructor(message: string) {
    super('PointInTimeInFuture', message);
  }
}

/** GetCredentialReport before any report was generated (AWS's ReportNotPresent, CredentialReportNotPresentException). */
export class CredentialReportNotPresentError extends IamError {
  constructor(message: string) {
    super('ReportNotPresent', message);
  }
}

/** GetCredentialReport after the latest report's four hours (AWS's ReportExpired, CredentialReportExpiredException). */
export class CredentialReportExpiredError extends IamError {
  constructor(message: string) {
    super('ReportExpired', message);
  }
}

/** GetCredentialReport while the report is being generated (AWS's ReportInProgress, CredentialReportNotReadyException). */
export class CredentialReportInProgressError extends IamError {
  constructor(message: string) {
    super('ReportInProgress', message);
  }
}
