import { describe, expect, it } from 'vitest';
import { PasswordPolicyViolationError } from '../kernel/iam-error.js';
import { checkPassword, DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from './password-policy.js';

/**
 * AWS IAM's password rules: without an account policy, at least 8 characters, three of the four
 * classes (upper, lower, numbers, the symbols ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '), and not the
 * user name; with one, its length and each required class.
 */
describe('checkPassword', () => {
  const policy = (overrides: Partial<PasswordPolicy>): PasswordPolicy => ({ ...DEFAULT_PASSWORD_POLICY, ...overrides });

  it.each(['Abcdefg1', 'abcdefg1!', 'ABCDEFG!1', "Quote'quote1"])('the default policy accepts %s', (password) => {
    expect(() => checkPassword(password, null, { userName: 'someone' })).not.toThrow();
  });

  it.each([
    ['Abcdef1', /at least 8/],
    ['abcdefgh1', /three of/],
    ['ABCDEFGH', /three of/],
    ['abcdefg~1', /three of/], // ~ is not one of AWS's password symbols
  ])('the default policy refuses %s', (password, message) => {
    expect(() => checkPassword(password, null, {})).toThrow(message);
  });

  it('refuses the user name as the password, whatever the case', () => {
    expect(() => checkPassword('Admin-User1', null, { userName: 'admin-user1' })).toThrow(/user name/);
  });

  it('refuses empty, over-long and non-Latin-1 passwords with a typed error', () => {
    expect(() => checkPassword('', null, {})).toThrow(PasswordPolicyViolationError);
    expect(() => checkPassword('Aa1!'.repeat(33), policy({ minimumPasswordLength: 6 }), {})).toThrow(/at most 128/);
    expect(() => checkPassword('Pässwörd-1€', null, {})).toThrow(/printable ASCII and Latin-1/);
    expect(() => checkPassword('Pässwörd-1', null, {})).not.toThrow();
    // AWS's pattern [\u0009\u000A\u000D\u0020-\u00FF]: tab, newlines and U+007F-U+00A0 are allowed, other controls are not.
    expect(() => checkPassword('Tab\there-1\r\n\u00A0', null, {})).not.toThrow();
    expect(() => checkPassword('Bell\u0007-Pass1', null, {})).toThrow(PasswordPolicyViolationError);
  });

  it('applies each required class of an account policy, and only those', () => {
    expect(() => checkPassword('alllowercase', policy({ minimumPasswordLength: 6 }), {})).not.toThrow();
    expect(() => checkPassword('alllowercase', policy({ requireUppercaseCharacters: true }), {})).toThrow(/uppercase/);
    expect(() => checkPassword('ALLUPPERCASE', policy({ requireLowercaseCharacters: true }), {})).toThrow(/lowercase/);
    expect(() => checkPassword('no-numbers', policy({ requireNumbers: true }), {})).toThrow(/number/);
    expect(() => checkPassword('nosymbols1', policy({ requireSymbols: true }), {})).toThrow(/symbols/);
    expect(() => checkPassword('sh0rt!', policy({ minimumPasswordLength: 7 }), {})).toThrow(/at least 7/);
  });
});
