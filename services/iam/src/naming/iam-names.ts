import { checkCharacters, checkLength, checkString, firstProblem, type CheckResult } from './rules.js';

/**
 * AWS IAM's naming rules. Sources, as of this writing:
 *   - IAM User Guide, "IAM and AWS STS quotas" (reference_iam-quotas): name requirements and
 *     character limits (user 64, group 128, role 64, policy 128, path 512, alias 3–63, role
 *     session name 64; aliases lowercase, no leading/trailing or doubled hyphen, not a 12-digit
 *     number).
 *   - IAM API Reference: CreateUser/CreateGroup/CreateRole/CreatePolicy `UserName`, `GroupName`,
 *     `RoleName`, `PolicyName` (pattern `[\w+=,.@-]+`), `Path` (1–512, pattern
 *     `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`), CreateRole/UpdateRole `Description` (at most
 *     1000, pattern `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`) and `MaxSessionDuration`
 *     (3600–43200), CreateAccountAlias `AccountAlias` (3–63,
 *     `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`).
 *   - AWS STS API Reference: AssumeRole `RoleSessionName` (2–64, pattern `[\w+=,.@-]*`).
 *
 * AWS's `\w` is Java's: ASCII letters, digits and underscore only.
 */

export const NAME_LIMITS = Object.freeze({
  userName: { min: 1, max: 64 },
  groupName: { min: 1, max: 128 },
  roleName: { min: 1, max: 64 },
  policyName: { min: 1, max: 128 },
  path: { min: 1, max: 512 },
  roleSessionName: { min: 2, max: 64 },
  accountAlias: { min: 3, max: 63 },
  description: { min: 0, max: 1000 },
  maxSessionDuration: { min: 3600, max: 43200 },
});

const NAME_CHARACTER = /^[A-Za-z0-9_+=,.@-]$/u;
const NAME_CHARACTERS = 'letters, digits and the characters _ + = , . @ -';

const PATH_CHARACTER = /^[\u0021-\u007E]$/u;
const PATH_CHARACTERS = 'ASCII characters from ! to ~ (U+0021 to U+007E)';

const DESCRIPTION_CHARACTER = /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]$/u;
const DESCRIPTION_CHARACTERS = 'tab, line feed, carriage return and the characters U+0020 to U+007E and U+00A1 to U+00FF';

const ALIAS_CHARACTER = /^[a-z0-9-]$/u;
const ALIAS_CHARACTERS = 'lowercase letters, digits and hyphens';

function checkName(element: string, value: unknown, limits: { min: number; max: number }): CheckResult {
  if (typeof value !== 'string') return checkString(element, value);
  return firstProblem(
    () => checkLength(element, value, limits.min, limits.max),
    () => checkCharacters(element, value, NAME_CHARACTER, NAME_CHARACTERS),
  );
}

/** An IAM user name: 1–64 characters of `[\w+=,.@-]`. `element`: the parameter the message names (UpdateUser's `NewUserName`). */
export function checkUserName(name: string, element = 'UserName'): CheckResult {
  return checkName(element, name, NAME_LIMITS.userName);
}

/** An IAM group name: 1–128 characters of `[\w+=,.@-]`. `element`: the parameter the message names (UpdateGroup's `NewGroupName`). */
export function checkGroupName(name: string, element = 'GroupName'): CheckResult {
  return checkName(element, name, NAME_LIMITS.groupName);
}

/** An IAM role name: 1–64 characters of `[\w+=,.@-]`. */
export function checkRoleName(name: string): CheckResult {
  return checkName('RoleName', name, NAME_LIMITS.roleName);
}

/** A managed or inline policy name: 1–128 characters of `[\w+=,.@-]`. */
export function checkPolicyName(name: string): CheckResult {
  return checkName('PolicyName', name, NAME_LIMITS.policyName);
}

/** A role session name (STS AssumeRole): 2–64 characters of `[\w+=,.@-]`. */
export function checkRoleSessionName(name: string): CheckResult {
  return checkName('RoleSessionName', name, NAME_LIMITS.roleSessionName);
}

/**
 * An IAM path: 1–512 characters, either `/` alone or `/`, one or more of `!`…`~`, `/` (so `/a/b/`
 * is fine and `//` is not).
 */
export function checkPath(path: string, element = 'Path'): CheckResult {
  if (typeof path !== 'string') return checkString(element, path);
  return firstProblem(
    () => checkLength(element, path, NAME_LIMITS.path.min, NAME_LIMITS.path.max),
    () => (path.startsWith('/') && path.endsWith('/') ? undefined : `${element} must begin and end with a forward slash (/).`),
    () => (path === '//' ? `${element} must be "/" alone or have at least one character between its first and last slash.` : undefined),
    () => checkCharacters(element, path, PATH_CHARACTER, PATH_CHARACTERS),
  );
}

/**
 * An account alias: 3–63 lowercase letters, digits and hyphens, not starting or ending with a
 * hyphen, without two hyphens in a row, and not a 12-digit number (which would read as an
 * account id).
 */
export function checkAccountAlias(alias: string): CheckResult {
  const element = 'AccountAlias';
  if (typeof alias !== 'string') return checkString(element, alias);
  return firstProblem(
    () => checkLength(element, alias, NAME_LIMITS.accountAlias.min, NAME_LIMITS.accountAlias.max),
    () => checkCharacters(element, alias, ALIAS_CHARACTER, ALIAS_CHARACTERS),
    () => (alias.startsWith('-') || alias.endsWith('-') ? `${element} must not begin or end with a hyphen.` : undefined),
    () => (alias.includes('--') ? `${element} must not contain two hyphens in a row.` : undefined),
    () => (/^[0-9]{12}$/.test(alias) ? `${element} must not be a 12-digit number, which would read as an account id.` : undefined),
  );
}

/**
 * A role description (CreateRole, UpdateRole, UpdateRoleDescription): at most 1000 characters of
 * tab, line feed, carriage return, U+0020–U+007E and U+00A1–U+00FF.
 */
export function checkDescription(description: string, element = 'Description'): CheckResult {
  if (typeof description !== 'string') return checkString(element, description);
  return firstProblem(
    () => checkLength(element, description, NAME_LIMITS.description.min, NAME_LIMITS.description.max),
    () => checkCharacters(element, description, DESCRIPTION_CHARACTER, DESCRIPTION_CHARACTERS),
  );
}

/** A role's maximum session duration: a whole number of seconds from 3600 (1 hour) to 43200 (12 hours). */
export function checkMaxSessionDuration(seconds: number): CheckResult {
  const element = 'MaxSessionDuration';
  const { min, max } = NAME_LIMITS.maxSessionDuration;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds)) return `${element} must be a whole number of seconds.`;
  if (seconds < min || seconds > max) return `${element} must be from ${min} to ${max} seconds (1 to 12 hours); it is ${seconds}.`;
  return undefined;
}
