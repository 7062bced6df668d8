/**
 * Building blocks shared by the name and tag checks. Every check returns `undefined` when the
 * value is valid and otherwise one human-readable sentence naming the element, the rule it breaks
 * and the limit.
 */

/** `undefined` when valid; otherwise why not. */
export type CheckResult = string | undefined;

/** Length in Unicode code points (what AWS documents as "characters"). */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** `U+0020` style code point label. */
function codePointLabel(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

const INVISIBLE = /^[\p{C}\p{Z}]$/u;

/**
 * A character shown safely in a message: visible ones quoted with their code point; controls,
 * spaces and other invisible ones (categories C and Z) by code point only.
 */
export function describeCharacter(char: string): string {
  return INVISIBLE.test(char) ? codePointLabel(char) : `${JSON.stringify(char)} (${codePointLabel(char)})`;
}

export function checkString(element: string, value: unknown): CheckResult {
  return typeof value === 'string' ? undefined : `${element} must be a string.`;
}

export function checkLength(element: string, value: string, min: number, max: number): CheckResult {
  const length = characterCount(value);
  if (length >= min && length <= max) return undefined;
  const range = min === 0 ? `at most ${max} characters long` : `${min} to ${max} characters long`;
  const actual = length === 0 ? 'it is empty' : `it is ${length}`;
  return `${element} must be ${range}; ${actual}.`;
}

/**
 * Checks every character of `value` against `allowed` (a single-character class, compiled with
 * the `u` flag) and names the first one that is not, with its 1-based position.
 */
export function checkCharacters(element: string, value: string, allowed: RegExp, allowedDescription: string): CheckResult {
  let position = 0;
  for (const char of value) {
    position++;
    if (!allowed.test(char)) {
      return `${element} may contain only ${allowedDescription}; it contains ${describeCharacter(char)} at position ${position}.`;
    }
  }
  return undefined;
}

/** The first failing check, if any. */
export function firstProblem(...checks: (() => CheckResult)[]): CheckResult {
  for (const check of checks) {
    const problem = check();
    if (problem !== undefined) return problem;
  }
  return undefined;
}
