import {
  AccessDeniedError,
  ConcurrentModificationError,
  DeleteConflictError,
  EntityAlreadyExistsError,
  IamError,
  InvalidInputError,
  LimitExceededError,
  MalformedPolicyDocumentError,
  NoSuchEntityError,
  PasswordPolicyViolationError,
  InvalidUserTypeError,
  InvalidAuthenticationCodeError,
  SignInFailedError,
  SignInThrottledError,
  InvalidIdentityTokenError,
  ExpiredTokenError,
  IdpCommunicationError,
  PackedPolicyTooLargeError,
  AccountAlreadyClosedError,
  ConstraintViolationError,
  IdpRejectedClaimError,
  ThrottlingError,
  PointInTimeBeforeAccountError,
  PointInTimeInFutureError,
  CredentialReportNotPresentError,
  CredentialReportExpiredError,
  CredentialReportInProgressError,
} from '@warden/iam';
import { builder } from '../builder.js';

/**
 * Expected failures are typed results, every one implementing `Error` with a message and a stable
 * code (AWS's error code). Unexpected errors are not listed anywhere, so they stay masked.
 */
export const ErrorInterface = builder.interfaceRef<IamError>('Error').implement({
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.exposeString('code'),
  }),
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any error class, whatever its constructor takes: Pothos infers the type from the constructor's parameters, and never or unknown make it refuse the interfaces
function errorType(cls: new (...args: any[]) => IamError, name: string, description: string) {
  builder.objectType(cls, {
    name,
    description,
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof cls,
  });
  return cls;
}

errorType(EntityAlreadyExistsError, 'EntityAlreadyExistsError', 'An entity with that name already exists.');
errorType(NoSuchEntityError, 'NoSuchEntityError', 'The entity named in the request does not exist.');
errorType(LimitExceededError, 'LimitExceededError', 'The request would exceed a quota of the account.');
errorType(DeleteConflictError, 'DeleteConflictError', 'The entity cannot be deleted until what depends on it is removed.');
builder.objectType(AccessDeniedError, {
  name: 'AccessDeniedError',
  description: 'The caller is not allowed to perform the action on the resource.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof AccessDeniedError,
  fields: (t) => ({
    encodedAuthorizationMessage: t.string({
      nullable: true,
      description: 'The decision in full, encrypted: decodeAuthorizationMessage reveals it to a principal allowed sts:DecodeAuthorizationMessage.',
      resolve: (error) => error.encodedAuthorizationMessage ?? null,
    }),
  }),
});
errorType(InvalidInputError, 'InvalidInputError', 'A value in the request breaks a naming rule or limit.');
errorType(PasswordPolicyViolationError, 'PasswordPolicyViolationError', "The password does not meet the account's password policy; the message names the rule.");
errorType(InvalidUserTypeError, 'InvalidUserTypeError', 'The operation is not for this kind of principal.');
errorType(InvalidAuthenticationCodeError, 'InvalidAuthenticationCodeError', 'The MFA codes do not match the device, or were already used.');
errorType(SignInFailedError, 'SignInFailedError', 'The sign-in failed. The message is the same whatever the cause, so that it tells nothing about which users exist.');
builder.objectType(SignInThrottledError, {
  name: 'SignInThrottledError',
  description: 'Too many failed sign-ins for this user or from this address.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof SignInThrottledError,
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt('retryAfterSeconds'),
    locked: t.exposeBoolean('locked', { description: 'A lockout (an administrator can clear it with clearSignInLockout), not just a delay.' }),
  }),
});
builder.objectType(ThrottlingError, {
  name: 'ThrottlingError',
  description: "Too many requests from this address (AWS's Throttling): retry after the delay.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ThrottlingError,
  fields: (t) => ({ retryAfterSeconds: t.exposeInt('retryAfterSeconds') }),
});
errorType(ConcurrentModificationError, 'ConcurrentModificationError', 'Another request changed the entity at the same time; retry.');
errorType(
  InvalidIdentityTokenError,
  'InvalidIdentityTokenError',
  'The web identity token or SAML assertion could not be validated (signature, algorithm, issuer, audience, not yet valid, or already used); the message says which.',
);
errorType(ExpiredTokenError, 'ExpiredTokenError', 'The web identity token or SAML assertion has expired: get a new one from the identity provider.');
errorType(IdpCommunicationError, 'IDPCommunicationError', "The identity provider's discovery document or keys could not be fetched; retry later.");
errorType(
  PackedPolicyTooLargeError,
  'PackedPolicyTooLargeError',
  'The session policies and session tags are too large once packed, although each is within its own limit; the message says by what percentage.',
);
errorType(
  IdpRejectedClaimError,
  'IDPRejectedClaimError',
  'The identity provider reported that authentication failed: a SAML response whose status is not Success. assumeRoleWithWebIdentity never answers it (Warden verifies OpenID Connect tokens itself and asks the provider nothing); it is listed there because AWS lists it.',
);

errorType(CredentialReportNotPresentError, 'CredentialReportNotPresentError', "No credential report exists yet: generate one (AWS's ReportNotPresent).");
errorType(CredentialReportExpiredError, 'CredentialReportExpiredError', "The credential report is more than four hours old: generate a new one (AWS's ReportExpired).");
errorType(CredentialReportInProgressError, 'CredentialReportInProgressError', "The credential report is being generated: ask again shortly (AWS's ReportInProgress).");
errorType(AccountAlreadyClosedError, 'AccountAlreadyClosedError', "The account is already closed (Organizations' AccountAlreadyClosedException).");
errorType(ConstraintViolationError, 'ConstraintViolationError', "The organization's rules forbid it, such as closing the management account (Organizations' ConstraintViolationException).");

errorType(PointInTimeBeforeAccountError, 'PointInTimeBeforeAccountError', "Warden's: the instant asked about (at, from) is before the account's first event.");
errorType(
  PointInTimeInFutureError,
  'PointInTimeInFutureError',
  "Warden's: the instant asked about (at, to) is later than the server's clock allows (a few seconds of skew): only the past can be asked about.",
);

const PolicyFinding = builder.objectRef<MalformedPolicyDocumentError['findings'][number]>('PolicyFinding').implement({
  description: 'A problem found in a policy document, with where it is.',
  fields: (t) => ({
    severity: t.exposeString('severity'),
    code: t.exposeString('code'),
    path: t.exposeString('path', { description: 'JSONPath of the offending element.' }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(MalformedPolicyDocumentError, {
  name: 'MalformedPolicyDocumentError',
  description: 'The policy document is not valid; `findings` says where and why.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof MalformedPolicyDocumentError,
  fields: (t) => ({
    findings: t.field({ type: [PolicyFinding], resolve: (error) => [...error.findings] }),
  }),
});

/** The errors any mutation of the IAM API can end in. */
export const MUTATION_ERRORS = [
  AccessDeniedError,
  NoSuchEntityError,
  EntityAlreadyExistsError,
  LimitExceededError,
  MalformedPolicyDocumentError,
  DeleteConflictError,
  InvalidInputError,
  ConcurrentModificationError,
];

/** The errors of a mutation that sets a password. */
export const PASSWORD_MUTATION_ERRORS = [...MUTATION_ERRORS, PasswordPolicyViolationError, InvalidUserTypeError];

/** The errors of an MFA device operation that checks codes. */
export const MFA_MUTATION_ERRORS = [...MUTATION_ERRORS, InvalidAuthenticationCodeError];

/** The errors of signIn. */
export const SIGN_IN_ERRORS = [SignInFailedError, SignInThrottledError, AccessDeniedError, InvalidInputError, PasswordPolicyViolationError];

/** The errors of an STS mutation that takes session policies or tags (assumeRole, getFederationToken). */
export const SESSION_POLICY_MUTATION_ERRORS = [...MUTATION_ERRORS, PackedPolicyTooLargeError];

/** The errors of assumeRoleWithWebIdentity (AWS's, for that action). */
export const WEB_IDENTITY_ERRORS = [
  AccessDeniedError,
  InvalidIdentityTokenError,
  ExpiredTokenError,
  IdpCommunicationError,
  IdpRejectedClaimError,
  MalformedPolicyDocumentError,
  PackedPolicyTooLargeError,
  InvalidInputError,
  NoSuchEntityError,
  ConcurrentModificationError,
  ThrottlingError,
];

/** The errors of closeAccount (Organizations' CloseAccount). */
export const CLOSE_ACCOUNT_ERRORS = [AccessDeniedError, NoSuchEntityError, InvalidInputError, ConcurrentModificationError, AccountAlreadyClosedError, ConstraintViolationError];

/** The errors of the live audit tail: a read's, and too many tails open. */
export const LIVE_AUDIT_ERRORS = [AccessDeniedError, InvalidInputError, LimitExceededError];

/** The errors of ensureOrganizationAccessRole: the role's own (a quota of managed policies) and a closed or management account's. */
export const ENSURE_ORGANIZATION_ACCESS_ROLE_ERRORS = [AccessDeniedError, NoSuchEntityError, InvalidInputError, ConcurrentModificationError, ConstraintViolationError, LimitExceededError];

/** The errors a read can end in. */
export const QUERY_ERRORS = [AccessDeniedError, NoSuchEntityError, InvalidInputError, MalformedPolicyDocumentError];

/** The errors of a question that may be about a past instant (authorize, simulatePrincipalPolicy, accessHistory). */
export const POINT_IN_TIME_QUERY_ERRORS = [...QUERY_ERRORS, PointInTimeBeforeAccountError, PointInTimeInFutureError];

/** The errors of credentialReport (AWS's GetCredentialReport). */
export const CREDENTIAL_REPORT_ERRORS = [AccessDeniedError, CredentialReportNotPresentError, CredentialReportExpiredError, CredentialReportInProgressError];

/** AssumeRoleWithSAML's: web identity's, less IDPCommunicationError (the assertion brings its own proof; no provider is fetched). */
export const SAML_ERRORS = WEB_IDENTITY_ERRORS.filter((error) => error !== IdpCommunicationError);
