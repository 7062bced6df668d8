import { describe, expect, it } from 'vitest';
import { checkAccountAlias, checkDescription, checkGroupName, checkMaxSessionDuration, checkPath, checkPolicyName, checkRoleName, checkRoleSessionName, checkUserName } from './iam-names.js';

/*
 * Sources:
 *   [Q]  IAM User Guide, "IAM and AWS STS quotas" (reference_iam-quotas): name requirements and
 *        character limits.
 *   [API] IAM API Reference: CreateUser, CreateGroup, CreateRole, CreatePolicy, UpdateRole,
 *        CreateAccountAlias request parameters (length constraints and patterns).
 *   [STS] AWS STS API Reference: AssumeRole RoleSessionName.
 */

const NAME_SPECIALS = '_+=,.@-';

describe.each([
  // [Q] "User name: 64 characters"; [API] CreateUser UserName 1–64, [\w+=,.@-]+
  { check: checkUserName, element: 'UserName', max: 64 },
  // [Q] "Group name: 128 characters"; [API] CreateGroup GroupName 1–128, [\w+=,.@-]+
  { check: checkGroupName, element: 'GroupName', max: 128 },
  // [Q] "Role name: 64 characters"; [API] CreateRole RoleName 1–64, [\w+=,.@-]+
  { check: checkRoleName, element: 'RoleName', max: 64 },
  // [Q] "Policy name: 128 characters"; [API] CreatePolicy PolicyName 1–128, [\w+=,.@-]+
  { check: checkPolicyName, element: 'PolicyName', max: 128 },
])('$element', ({ check, element, max }) => {
  it(`accepts 1 and ${max} characters`, () => {
    expect(check('a')).toBeUndefined();
    expect(check('a'.repeat(max))).toBeUndefined();
  });

  it(`rejects empty and ${max + 1} characters, naming the element and the limit`, () => {
    expect(check('')).toBe(`${element} must be 1 to ${max} characters long; it is empty.`);
    expect(check('a'.repeat(max + 1))).toBe(`${element} must be 1 to ${max} characters long; it is ${max + 1}.`);
  });

  it('accepts letters, digits and _+=,.@- ([Q]: "alphanumeric, including … + = , . @ _ -")', () => {
    expect(check(`Alice.Smith${NAME_SPECIALS}09`)).toBeUndefined();
    for (const c of NAME_SPECIALS) expect(check(`x${c}y`)).toBeUndefined();
  });

  it.each([
    ['a space', 'alice smith', 'U+0020 at position 6'],
    ['a slash', 'dev/alice', '"/" (U+002F) at position 4'],
    ['a colon', 'a:b', '":" (U+003A) at position 2'],
    ['an asterisk', 'a*', '"*" (U+002A) at position 2'],
    ['a non-ASCII letter (AWS \\w is ASCII only)', 'zoë', '"ë" (U+00EB) at position 3'],
    ['a control character', 'a\nb', 'U+000A at position 2'],
  ])('rejects %s', (_why, name, where) => {
    expect(check(name)).toBe(`${element} may contain only letters, digits and the characters _ + = , . @ -; it contains ${where}.`);
  });

  it('rejects a value that is not a string', () => {
    expect(check(42 as unknown as string)).toBe(`${element} must be a string.`);
  });
});

describe('RoleSessionName', () => {
  // [STS] AssumeRole RoleSessionName: minimum length 2, maximum 64, pattern [\w+=,.@-]*; [Q] "Role session name: 64 characters"
  it('accepts 2 and 64 characters', () => {
    expect(checkRoleSessionName('ab')).toBeUndefined();
    expect(checkRoleSessionName('s'.repeat(64))).toBeUndefined();
    expect(checkRoleSessionName(`alice@example.com${NAME_SPECIALS}`)).toBeUndefined();
  });

  it('rejects 1 and 65 characters', () => {
    expect(checkRoleSessionName('a')).toBe('RoleSessionName must be 2 to 64 characters long; it is 1.');
    expect(checkRoleSessionName('')).toBe('RoleSessionName must be 2 to 64 characters long; it is empty.');
    expect(checkRoleSessionName('s'.repeat(65))).toBe('RoleSessionName must be 2 to 64 characters long; it is 65.');
  });

  it('rejects characters outside [\\w+=,.@-]', () => {
    expect(checkRoleSessionName('my session')).toMatch(/^RoleSessionName may contain only .* it contains U\+0020 at position 3\.$/);
    expect(checkRoleSessionName('ci/run')).toMatch(/"\/" \(U\+002F\) at position 3/);
  });
});

describe('Path', () => {
  // [Q] "Path: 512 characters", "Path names must begin and end with a forward slash (/)";
  // [API] CreateUser Path 1–512, pattern (\u002F)|(\u002F[\u0021-\u007E]+\u002F)
  it('accepts "/" and /…/ paths of printable ASCII', () => {
    expect(checkPath('/')).toBeUndefined();
    expect(checkPath('/division_abc/subdivision_xyz/')).toBeUndefined();
    expect(checkPath('/!"#$%&\'()*+,-.:;<=>?@[\\]^_`{|}~/')).toBeUndefined();
    expect(checkPath('///')).toBeUndefined();
  });

  it('accepts 512 characters and rejects 513', () => {
    const at = (n: number) => `/${'p'.repeat(n - 2)}/`;
    expect(checkPath(at(512))).toBeUndefined();
    expect(checkPath(at(513))).toBe('Path must be 1 to 512 characters long; it is 513.');
  });

  it('rejects an empty path', () => {
    expect(checkPath('')).toBe('Path must be 1 to 512 characters long; it is empty.');
  });

  it.each([
    ['no leading slash', 'engineering/'],
    ['no trailing slash', '/engineering'],
    ['no slashes', 'engineering'],
  ])('rejects %s', (_why, path) => {
    expect(checkPath(path)).toBe('Path must begin and end with a forward slash (/).');
  });

  it('rejects "//", which has nothing between its slashes', () => {
    expect(checkPath('//')).toBe('Path must be "/" alone or have at least one character between its first and last slash.');
  });

  it.each([
    ['a space', '/my team/', 'U+0020 at position 4'],
    ['DEL', '/a\u007F/', 'U+007F at position 3'],
    ['a non-ASCII letter', '/équipe/', '"é" (U+00E9) at position 2'],
  ])('rejects %s', (_why, path, where) => {
    expect(checkPath(path)).toBe(`Path may contain only ASCII characters from ! to ~ (U+0021 to U+007E); it contains ${where}.`);
  });
});

describe('AccountAlias', () => {
  // [API] CreateAccountAlias AccountAlias: 3–63, ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$
  // [Q] "An alias must be lowercase, it must not start or end with a hyphen, it cannot contain two
  //      consecutive hyphens, and it cannot be a 12-digit number"; "Alias for an AWS account ID: 3–63 characters"
  it('accepts lowercase letters, digits and single hyphens, 3 to 63 long', () => {
    expect(checkAccountAlias('abc')).toBeUndefined();
    expect(checkAccountAlias('example-corp-2024')).toBeUndefined();
    expect(checkAccountAlias('a'.repeat(63))).toBeUndefined();
    expect(checkAccountAlias('a-b-c')).toBeUndefined();
  });

  it('accepts digit-only aliases that are not 12 digits long', () => {
    expect(checkAccountAlias('123')).toBeUndefined();
    expect(checkAccountAlias('12345678901')).toBeUndefined();
    expect(checkAccountAlias('1234567890123')).toBeUndefined();
  });

  it('rejects 2 and 64 characters', () => {
    expect(checkAccountAlias('ab')).toBe('AccountAlias must be 3 to 63 characters long; it is 2.');
    expect(checkAccountAlias('a'.repeat(64))).toBe('AccountAlias must be 3 to 63 characters long; it is 64.');
  });

  it('rejects uppercase letters and other characters', () => {
    expect(checkAccountAlias('ExampleCorp')).toBe('AccountAlias may contain only lowercase letters, digits and hyphens; it contains "E" (U+0045) at position 1.');
    expect(checkAccountAlias('example_corp')).toMatch(/"_" \(U\+005F\) at position 8/);
    expect(checkAccountAlias('example.corp')).toMatch(/"\." \(U\+002E\) at position 8/);
  });

  it('rejects a leading or trailing hyphen', () => {
    expect(checkAccountAlias('-example')).toBe('AccountAlias must not begin or end with a hyphen.');
    expect(checkAccountAlias('example-')).toBe('AccountAlias must not begin or end with a hyphen.');
  });

  it('rejects two hyphens in a row', () => {
    expect(checkAccountAlias('example--corp')).toBe('AccountAlias must not contain two hyphens in a row.');
  });

  it('rejects a 12-digit number', () => {
    expect(checkAccountAlias('111122223333')).toBe('AccountAlias must not be a 12-digit number, which would read as an account id.');
  });
});

describe('Description', () => {
  // [API] CreateRole/UpdateRole Description: maximum length 1000, pattern [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*
  it('accepts empty, 1000 characters, tabs, newlines and Latin-1 letters', () => {
    expect(checkDescription('')).toBeUndefined();
    expect(checkDescription('d'.repeat(1000))).toBeUndefined();
    expect(checkDescription('Line one\r\n\tLine two: café ¡olé! ÿ')).toBeUndefined();
  });

  it('rejects 1001 characters', () => {
    expect(checkDescription('d'.repeat(1001))).toBe('Description must be at most 1000 characters long; it is 1001.');
  });

  it.each([
    ['DEL', 'a\u007Fb', 'U+007F at position 2'],
    ['a C1 control', 'a\u0085b', 'U+0085 at position 2'],
    ['a no-break space (U+00A0 is outside the pattern)', 'a\u00A0b', 'U+00A0 at position 2'],
    ['a character above U+00FF', 'naïve — dash', '"—" (U+2014) at position 7'],
    ['an emoji', 'ok 👍', '"👍" (U+1F44D) at position 4'],
    ['a NUL', 'a\u0000', 'U+0000 at position 2'],
  ])('rejects %s', (_why, text, where) => {
    expect(checkDescription(text)).toBe(`Description may contain only tab, line feed, carriage return and the characters U+0020 to U+007E and U+00A1 to U+00FF; it contains ${where}.`);
  });

  it('names another element when asked', () => {
    expect(checkDescription('d'.repeat(1001), 'PolicyDescription')).toBe('PolicyDescription must be at most 1000 characters long; it is 1001.');
  });
});

describe('MaxSessionDuration', () => {
  // [API] CreateRole MaxSessionDuration: minimum value 3600, maximum value 43200
  it('accepts 3600 and 43200 seconds', () => {
    expect(checkMaxSessionDuration(3600)).toBeUndefined();
    expect(checkMaxSessionDuration(43200)).toBeUndefined();
    expect(checkMaxSessionDuration(7200)).toBeUndefined();
  });

  it('rejects 3599 and 43201 seconds', () => {
    expect(checkMaxSessionDuration(3599)).toBe('MaxSessionDuration must be from 3600 to 43200 seconds (1 to 12 hours); it is 3599.');
    expect(checkMaxSessionDuration(43201)).toBe('MaxSessionDuration must be from 3600 to 43200 seconds (1 to 12 hours); it is 43201.');
  });

  it('rejects fractions and non-numbers', () => {
    expect(checkMaxSessionDuration(3600.5)).toBe('MaxSessionDuration must be a whole number of seconds.');
    expect(checkMaxSessionDuration(Number.NaN)).toBe('MaxSessionDuration must be a whole number of seconds.');
    expect(checkMaxSessionDuration('3600' as unknown as number)).toBe('MaxSessionDuration must be a whole number of seconds.');
  });
});
