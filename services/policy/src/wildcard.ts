/**
 * IAM's wildcard patterns: `*` matches any run of characters (including none), `?` exactly one.
 * A pattern is a list of tokens so that characters that came from a policy-variable escape
 * (`${*}`, `${?}`) or from a substituted value stay literal.
 *
 * Matching never builds a RegExp: a compiled matcher is a closure over a precomputed shape,
 * with fast paths for the shapes policies use most (exact, prefix `s3:Get*`, suffix, match-all).
 */
export const ANY_SEQUENCE: unique symbol = Symbol('*');
export const ANY_CHARACTER: unique symbol = Symbol('?');
export type GlobToken = string | typeof ANY_SEQUENCE | typeof ANY_CHARACTER;

export type StringMatcher = (input: string) => boolean;

const STAR_CODE = 42;
const QUESTION_CODE = 63;

/** Tokens of a pattern in which every `*` and `?` is a wildcard. */
export function tokenizeWildcards(pattern: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  let literalStart = 0;
  for (let i = 0; i < pattern.length; i++) {
    const code = pattern.charCodeAt(i);
    if (code !== STAR_CODE && code !== QUESTION_CODE) continue;
    if (i > literalStart) tokens.push(pattern.slice(literalStart, i));
    tokens.push(code === STAR_CODE ? ANY_SEQUENCE : ANY_CHARACTER);
    literalStart = i + 1;
  }
  if (literalStart < pattern.length) tokens.push(literalStart === 0 ? pattern : pattern.slice(literalStart));
  return tokens;
}

export function hasWildcard(tokens: readonly GlobToken[]): boolean {
  for (const token of tokens) if (typeof token !== 'string') return true;
  return false;
}

/**
 * Compiles tokens into a matcher. With `ignoreCase`, the literals are lower-cased here and the
 * caller must pass lower-cased input (so that the input is lower-cased once per request, not once
 * per pattern).
 */
export function compileGlob(tokens: readonly GlobToken[], ignoreCase = false): StringMatcher {
  const normalized = mergeLiterals(tokens, ignoreCase);
  if (normalized.length === 0) return (input) => input.length === 0;
  const [first] = normalized;
  if (normalized.length === 1) {
    if (first === ANY_SEQUENCE) return () => true;
    if (typeof first === 'string') return (input) => input === first;
  }
  if (normalized.length === 2 && typeof first === 'string' && normalized[1] === ANY_SEQUENCE) {
    return (input) => input.startsWith(first);
  }
  const last = normalized[normalized.length - 1];
  if (normalized.length === 2 && first === ANY_SEQUENCE && typeof last === 'string') {
    return (input) => input.endsWith(last);
  }
  return compileGeneral(normalized);
}

export function compileWildcardPattern(pattern: string, ignoreCase = false): StringMatcher {
  return compileGlob(tokenizeWildcards(pattern), ignoreCase);
}

function mergeLiterals(tokens: readonly GlobToken[], ignoreCase: boolean): GlobToken[] {
  const merged: GlobToken[] = [];
  for (const token of tokens) {
    const previous = merged[merged.length - 1];
    if (typeof token === 'string') {
      if (token === '') continue;
      const text = ignoreCase ? token.toLowerCase() : token;
      if (typeof previous === 'string') merged[merged.length - 1] = previous + text;
      else merged.push(text);
    } else if (!(token === ANY_SEQUENCE && previous === ANY_SEQUENCE)) {
      merged.push(token);
    }
  }
  return merged;
}

const STAR = -1;
const QUESTION = -2;

/**
 * The classic linear-space wildcard match with single-star backtracking, over UTF-16 code units
 * (so `?` matches one code unit, as a RegExp without the `u` flag would).
 */
function compileGeneral(tokens: readonly GlobToken[]): StringMatcher {
  const codes: number[] = [];
  for (const token of tokens) {
    if (token === ANY_SEQUENCE) codes.push(STAR);
    else if (token === ANY_CHARACTER) codes.push(QUESTION);
    else for (let i = 0; i < token.length; i++) codes.push(token.charCodeAt(i));
  }
  const pattern = Int32Array.from(codes);
  const patternLength = pattern.length;
  return (input) => {
    const inputLength = input.length;
    let p = 0;
    let i = 0;
    let starP = -1;
    let starI = 0;
    while (i < inputLength) {
      const code = p < patternLength ? pattern[p]! : 0;
      if (p < patternLength && (code === QUESTION || code === input.charCodeAt(i))) {
        p++;
        i++;
      } else if (p < patternLength && code === STAR) {
        starP = p++;
        starI = i;
      } else if (starP >= 0) {
        p = starP + 1;
        i = ++starI;
      } else return false;
    }
    while (p < patternLength && pattern[p] === STAR) p++;
    return p === patternLength;
  };
}
