import {
  AccessDeniedError,
  DeleteConflictError,
  EntityAlreadyExistsError,
  IdpRejectedClaimError,
  InvalidInputError,
  LimitExceededError,
  MalformedPolicyDocumentError,
  NoSuchEntityError,
  PackedPolicyTooLargeError,
  ThrottlingError,
} from '@warden/iam';
import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../authenticate.js';
import { awsErrorOf, validationError } from './aws-errors.js';

describe('awsErrorOf', () => {
  it("maps Warden's IamErrors to IAM's codes and statuses", () => {
    const cases: [Error, string, number][] = [
      [new NoSuchEntityError('x'), 'NoSuchEntity', 404],
      [new EntityAlreadyExistsError('x'), 'EntityAlreadyExists', 409],
      [new LimitExceededError('x'), 'LimitExceeded', 409],
      [new DeleteConflictError('x'), 'DeleteConflict', 409],
      [new MalformedPolicyDocumentError('x'), 'MalformedPolicyDocument', 400],
      [new InvalidInputError('x'), 'InvalidInput', 400],
      [new AccessDeniedError('x'), 'AccessDenied', 403],
      // STS's model: PackedPolicyTooLargeException is PackedPolicyTooLarge (400), IDPRejectedClaimException IDPRejectedClaim (403).
      [new PackedPolicyTooLargeError('x'), 'PackedPolicyTooLarge', 400],
      [new IdpRejectedClaimError('x'), 'IDPRejectedClaim', 403],
      [validationError('x'), 'ValidationError', 400],
    ];
    for (const [error, code, status] of cases) expect(awsErrorOf(error)).toEqual({ code, status, message: 'x', type: 'Sender' });
    // AWS's common errors: throttling is Throttling, 400.
    expect(awsErrorOf(new ThrottlingError(30))).toMatchObject({ code: 'Throttling', status: 400 });
  });

  it("appends a denial's encoded authorization message in AWS's words", () => {
    expect(awsErrorOf(new AccessDeniedError('User: u is not authorized.', 'ENCODED'))?.message).toBe('User: u is not authorized. Encoded authorization failure message: ENCODED');
  });

  it("maps authentication failures to AWS's common errors", () => {
    const cases: [string, string, number][] = [
      ['UNKNOWN_ACCESS_KEY', 'InvalidClientTokenId', 403],
      ['INVALID_SECURITY_TOKEN', 'InvalidClientTokenId', 403],
      ['SIGNATURE_MISMATCH', 'SignatureDoesNotMatch', 403],
      ['INVALID_CREDENTIAL_SCOPE', 'SignatureDoesNotMatch', 403],
      ['MALFORMED_AUTHORIZATION', 'IncompleteSignature', 400],
      ['MISSING_SIGNED_HEADER', 'IncompleteSignature', 400],
      ['MISSING_AUTHENTICATION', 'MissingAuthenticationToken', 403],
      ['EXPIRED_TOKEN', 'ExpiredToken', 400],
      ['REQUEST_EXPIRED', 'RequestExpired', 400],
    ];
    for (const [reason, code, status] of cases) expect(awsErrorOf(new AuthenticationError('m', reason))).toEqual({ code, status, message: 'm', type: 'Sender' });
  });

  it('leaves unexpected errors to the caller (a 500, logged)', () => {
    expect(awsErrorOf(new Error('boom'))).toBeUndefined();
  });
});
