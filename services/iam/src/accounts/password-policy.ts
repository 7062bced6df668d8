import { InvalidInputError, PasswordPolicyViolationError } from '../kernel/iam-error.js';

/**
 * The account password policy, as AWS IAM defines it (UpdateAccountPasswordPolicy): minimum length
 * 6 to 128, required character classes, whether users may change their own password, maximum age
 * (1 to 1,095 days) with a forced change, reuse prevention over the last 1 to 24, hard expiry.
 * Without a policy, AWS's default applies: at least 8 characters, three of the four classes, and
 * not the user name or the account alias.
 */
export interface PasswordPolicy {
  readonly minimumPasswordLength: number;
  readonly requireSymbols: boolean;
  readonly requireNumbers: boolean;
  readonly requireUppercaseCharacters: boolean;
  readonly requireLowercaseCharacters: boolean;
  readonly allowUsersToChangePassword: boolean;
  readonly maxPasswordAge: number | null;
  readonly passwordReusePrevention: number | null;
  readonly hardExpiry: boolean;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minimumPasswordLength: 8,
  requireSymbols: false,
  requireNumbers: false,
  requireUppercaseCharacters: false,
  requireLowercaseCharacters: false,
  allowUsersToChangePassword: true,
  maxPasswordAge: null,
  passwordReusePrevention: null,
  hardExpiry: false,
};

/** The account's password policy as its settings hold it; null when none is set. */
export function passwordPolicyOf(settings: Readonly<Record<string, unknown>>): PasswordPolicy | null {
  return (settings['passwordPolicy'] as PasswordPolicy | undefined) ?? null;
}

/** How many earlier passwords a login profile remembers: AWS's largest PasswordReusePrevention. */
export const PASSWORD_HISTORY_LENGTH = 24;

// AWS's symbol set for passwords.
const SYMBOLS = /[!@#$%^&*()_+\-=[\]{}|']/;

/**
 * What UpdateAccountPasswordPolicy sets for a value the call leaves out (AWS: the call sets the
 * whole policy; MinimumPasswordLength defaults to 6, AllowUsersToChangePassword to false).
 */
export const PASSWORD_POLICY_UPDATE_DEFAULTS: PasswordPolicy = { ...DEFAULT_PASSWORD_POLICY, minimumPasswordLength: 6, allowUsersToChangePassword: false };

export function checkPasswordPolicy(policy: PasswordPolicy): void {
  if (!Number.isInteger(policy.minimumPasswordLength) || policy.minimumPasswordLength < 6 || policy.minimumPasswordLength > 128) {
    throw new InvalidInputError('MinimumPasswordLength must be between 6 and 128.');
  }
  if (policy.maxPasswordAge !== null && (!Number.isInteger(policy.maxPasswordAge) || policy.maxPasswordAge < 1 || policy.maxPasswordAge > 1095)) {
    throw new InvalidInputError('MaxPasswordAge must be between 1 and 1095 days.');
  }
  if (
    policy.passwordReusePrevention !== null &&
    (!Number.isInteger(policy.passwordReusePrevention) || policy.passwordReusePrevention < 1 || policy.passwordReusePrevention > PASSWORD_HISTORY_LENGTH)
  ) {
    throw new InvalidInputError(`PasswordReusePrevention must be between 1 and ${PASSWORD_HISTORY_LENGTH}.`);
  }
}

/** The first rule the password breaks, named, or nothing when it complies. */
export function checkPassword(password: string, policy: PasswordPolicy | null, context: { userName?: string | undefined }): void {
  if (typeof password !== 'string' || password.length === 0) throw new PasswordPolicyViolationError('The password must not be empty.');
  if (password.length > 128) throw new PasswordPolicyViolationError('The password must be at most 128 characters.');
  // AWS's pattern for passwords: tab, line feed, carriage return, and U+0020 to U+00FF.
  if (!/^[\t\n\r\u0020-\u00FF]+$/.test(password))
    throw new PasswordPolicyViolationError('The password may contain only tab, line feed, carriage return and the characters U+0020 to U+00FF (printable ASCII and Latin-1).');
  const classes = [/[A-Z]/.test(password), /[a-z]/.test(password), /[0-9]/.test(password), SYMBOLS.test(password)];
  if (policy === null) {
    // AWS's default password policy.
    if (password.length < DEFAULT_PASSWORD_POLICY.minimumPasswordLength) throw new PasswordPolicyViolationError('The password must be at least 8 characters (the default password policy).');
    if (classes.filter(Boolean).length < 3)
      throw new PasswordPolicyViolationError('The password must mix at least three of: uppercase letters, lowercase letters, numbers, symbols (the default password policy).');
    if (context.userName && password.toLowerCase() === context.userName.toLowerCase()) throw new PasswordPolicyViolationError('The password must not be the user name (the default password policy).');
    return;
  }
  if (password.length < policy.minimumPasswordLength)
    throw new PasswordPolicyViolationError(`The password must be at least ${policy.minimumPasswordLength} characters (the account's password policy).`);
  if (policy.requireUppercaseCharacters && !classes[0]) throw new PasswordPolicyViolationError("The password must contain an uppercase letter (the account's password policy).");
  if (policy.requireLowercaseCharacters && !classes[1]) throw new PasswordPolicyViolationError("The password must contain a lowercase letter (the account's password policy).");
  if (policy.requireNumbers && !classes[2]) throw new PasswordPolicyViolationError("The password must contain a number (the account's password policy).");
  if (policy.requireSymbols && !classes[3])
    throw new PasswordPolicyViolationError("The password must contain one of the symbols ! @ # $ % ^ & * ( ) _ + - = [ ] { } | ' (the account's password policy).");
}
