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
  | 'InvalidUserType';

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

export class AccessDeniedError extends IamError {
  constructor(
    message: string,
    /**
     * The decision in full (request, context, deciding statements), encrypted so that only a
     * principal of the account allowed sts:DecodeAuthorizationMessage can read it.
     */
    readonly encodedAuthorizationMessage?: string,
  ) {
    super('AccessDenied', message);
  }
}

export class InvalidInputError extends IamError {
  constructor(message: string) {
    super('InvalidInput', message);
  }
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
