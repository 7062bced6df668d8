import { describe, expect, it } from 'vitest';
import { ANY_CHARACTER, ANY_SEQUENCE, compileGlob, compileWildcardPattern, type GlobToken, hasWildcard, tokenizeWildcards } from './wildcard.js';

describe('tokenizeWildcards', () => {
  it('returns no tokens for the empty pattern', () => {
    expect(tokenizeWildcards('')).toEqual([]);
  });

  it('keeps a pattern without wildcards as one literal', () => {
    expect(tokenizeWildcards('s3:GetObject')).toEqual(['s3:GetObject']);
  });

  it('turns * into ANY_SEQUENCE and ? into ANY_CHARACTER, splitting literals around them', () => {
    expect(tokenizeWildcards('s3:Get*')).toEqual(['s3:Get', ANY_SEQUENCE]);
    expect(tokenizeWildcards('*.txt')).toEqual([ANY_SEQUENCE, '.txt']);
    expect(tokenizeWildcards('a*?b')).toEqual(['a', ANY_SEQUENCE, ANY_CHARACTER, 'b']);
    expect(tokenizeWildcards('??')).toEqual([ANY_CHARACTER, ANY_CHARACTER]);
    expect(tokenizeWildcards('*')).toEqual([ANY_SEQUENCE]);
  });

  it('never produces the literal strings "*" or "?" as tokens', () => {
    const tokens = tokenizeWildcards('x*y?z');
    expect(tokens).not.toContain('*');
    expect(tokens).not.toContain('?');
    expect(tokens).toEqual(['x', ANY_SEQUENCE, 'y', ANY_CHARACTER, 'z']);
  });

  it('keeps a non-BMP character whole inside a literal', () => {
    expect(tokenizeWildcards('a😀*')).toEqual(['a😀', ANY_SEQUENCE]);
  });
});

describe('hasWildcard', () => {
  it('is true only when a wildcard symbol is present', () => {
    expect(hasWildcard(['abc'])).toBe(false);
    expect(hasWildcard([])).toBe(false);
    // A literal '*' string (e.g. from a ${*} escape) is not a wildcard.
    expect(hasWildcard(['a', '*', '?'])).toBe(false);
    expect(hasWildcard(['a', ANY_SEQUENCE])).toBe(true);
    expect(hasWildcard([ANY_CHARACTER])).toBe(true);
  });
});

describe('compileGlob fast paths', () => {
  it('empty token list matches only the empty string', () => {
    const match = compileGlob([]);
    expect(match('')).toBe(true);
    expect(match('a')).toBe(false);
  });

  it('empty literal tokens are dropped (still matches only the empty string)', () => {
    const match = compileGlob(['', '']);
    expect(match('')).toBe(true);
    expect(match(' ')).toBe(false);
  });

  it('exact literal: equal only, case-sensitive', () => {
    const match = compileGlob(['s3:GetObject']);
    expect(match('s3:GetObject')).toBe(true);
    expect(match('s3:getobject')).toBe(false);
    expect(match('s3:GetObjectAcl')).toBe(false);
    expect(match('s3:GetObjec')).toBe(false);
  });

  it('adjacent literal tokens are concatenated', () => {
    const match = compileGlob(['s3:', 'Get', 'Object']);
    expect(match('s3:GetObject')).toBe(true);
    expect(match('s3:')).toBe(false);
  });

  it('match-all: a lone ANY_SEQUENCE (or repeated ones) matches everything, including empty', () => {
    for (const tokens of [[ANY_SEQUENCE], [ANY_SEQUENCE, ANY_SEQUENCE, ANY_SEQUENCE]] as GlobToken[][]) {
      const match = compileGlob(tokens);
      expect(match('')).toBe(true);
      expect(match('anything:at/all')).toBe(true);
    }
  });

  it('prefix: literal followed by ANY_SEQUENCE', () => {
    const match = compileGlob(['s3:Get', ANY_SEQUENCE]);
    expect(match('s3:Get')).toBe(true);
    expect(match('s3:GetObject')).toBe(true);
    expect(match('s3:PutObject')).toBe(false);
    expect(match('S3:GetObject')).toBe(false);
    expect(match('xs3:GetObject')).toBe(false);
  });

  it('prefix with a doubled trailing ANY_SEQUENCE behaves like a single one', () => {
    const match = compileGlob(['ab', ANY_SEQUENCE, ANY_SEQUENCE]);
    expect(match('ab')).toBe(true);
    expect(match('abc')).toBe(true);
    expect(match('a')).toBe(false);
  });

  it('suffix: ANY_SEQUENCE followed by a literal', () => {
    const match = compileGlob([ANY_SEQUENCE, '.txt']);
    expect(match('.txt')).toBe(true);
    expect(match('notes.txt')).toBe(true);
    expect(match('notes.txt.bak')).toBe(false);
    expect(match('notes.TXT')).toBe(false);
  });

  it('a single ANY_CHARACTER matches exactly one character', () => {
    const match = compileGlob([ANY_CHARACTER]);
    expect(match('a')).toBe(true);
    expect(match('')).toBe(false);
    expect(match('ab')).toBe(false);
  });
});

describe('compileGlob general matcher', () => {
  it('? matches exactly one character in the middle', () => {
    const match = compileGlob(['a', ANY_CHARACTER, 'c']);
    expect(match('abc')).toBe(true);
    expect(match('axc')).toBe(true);
    expect(match('ac')).toBe(false);
    expect(match('abbc')).toBe(false);
  });

  it('* matches any run, including none, in the middle', () => {
    const match = compileGlob(['a', ANY_SEQUENCE, 'c']);
    expect(match('ac')).toBe(true);
    expect(match('abbbc')).toBe(true);
    expect(match('abcd')).toBe(false);
    expect(match('bc')).toBe(false);
  });

  it('backtracks to a later occurrence of the literal after a star', () => {
    const match = compileGlob(['a', ANY_SEQUENCE, 'b']);
    expect(match('aXbYb')).toBe(true);
    expect(match('aXbY')).toBe(false);
  });

  it('handles several stars with backtracking', () => {
    const match = compileGlob(['a', ANY_SEQUENCE, 'b', ANY_SEQUENCE, 'c']);
    expect(match('abc')).toBe(true);
    expect(match('aXXbYYc')).toBe(true);
    expect(match('abXcYc')).toBe(true);
    expect(match('acb')).toBe(false);
    expect(match('aXXbYY')).toBe(false);
  });

  it('*x* contains-match', () => {
    const match = compileGlob([ANY_SEQUENCE, 'mid', ANY_SEQUENCE]);
    expect(match('mid')).toBe(true);
    expect(match('in the middle')).toBe(true);
    expect(match('mi d')).toBe(false);
  });

  it('*? needs at least one character; ?* too', () => {
    for (const tokens of [
      [ANY_SEQUENCE, ANY_CHARACTER],
      [ANY_CHARACTER, ANY_SEQUENCE],
    ] as GlobToken[][]) {
      const match = compileGlob(tokens);
      expect(match('')).toBe(false);
      expect(match('a')).toBe(true);
      expect(match('abc')).toBe(true);
    }
  });

  it('trailing stars after a literal accept the rest', () => {
    const match = compileGlob(['a', ANY_SEQUENCE, 'b', ANY_SEQUENCE]);
    expect(match('ab')).toBe(true);
    expect(match('aXbY')).toBe(true);
    expect(match('aX')).toBe(false);
  });

  it('? works on UTF-16 code units: a surrogate pair needs two', () => {
    expect(compileGlob([ANY_CHARACTER, 'x'])('😀x')).toBe(false);
    expect(compileGlob([ANY_CHARACTER, ANY_CHARACTER, 'x'])('😀x')).toBe(true);
  });

  it('literal "*" and "?" strings are literal, only the symbols are wildcards', () => {
    // e.g. tokens produced from the ${*} and ${?} policy-variable escapes
    const star = compileGlob(['a', '*', 'b']);
    expect(star('a*b')).toBe(true);
    expect(star('aXb')).toBe(false);
    expect(star('ab')).toBe(false);
    const question = compileGlob(['a', '?']);
    expect(question('a?')).toBe(true);
    expect(question('ab')).toBe(false);
    // mixed: a literal '*' next to a real wildcard
    const mixed = compileGlob(['*', ANY_SEQUENCE, '?']);
    expect(mixed('*foo?')).toBe(true);
    expect(mixed('*?')).toBe(true);
    expect(mixed('foo?')).toBe(false);
    expect(mixed('*foo!')).toBe(false);
  });

  it('a literal "*" as the only token is an exact match, not match-all', () => {
    const match = compileGlob(['*']);
    expect(match('*')).toBe(true);
    expect(match('anything')).toBe(false);
    expect(match('')).toBe(false);
  });

  it('a literal "*" prefix token is matched literally in the prefix fast path', () => {
    const match = compileGlob(['*', ANY_SEQUENCE]);
    expect(match('*abc')).toBe(true);
    expect(match('abc')).toBe(false);
  });
});

describe('compileGlob ignoreCase contract', () => {
  it('lower-cases the pattern literals; the caller lower-cases the input', () => {
    const match = compileGlob(['S3:Get', ANY_SEQUENCE], true);
    expect(match('s3:getobject')).toBe(true);
    // Input is not lower-cased by the matcher: upper-case input does not match.
    expect(match('S3:GetObject')).toBe(false);
    expect(match('s3:putobject')).toBe(false);
  });

  it('applies to exact, suffix and general shapes', () => {
    expect(compileGlob(['ABC'], true)('abc')).toBe(true);
    expect(compileGlob(['ABC'], true)('ABC')).toBe(false);
    expect(compileGlob([ANY_SEQUENCE, '.TXT'], true)('a.txt')).toBe(true);
    expect(compileGlob([ANY_SEQUENCE, '.TXT'], true)('a.TXT')).toBe(false);
    const general = compileGlob(['A', ANY_CHARACTER, 'C', ANY_SEQUENCE, 'E'], true);
    expect(general('abcde')).toBe(true);
    expect(general('aBcdE')).toBe(false);
  });

  it('without ignoreCase, literals keep their case', () => {
    expect(compileGlob(['ABC'])('abc')).toBe(false);
    expect(compileGlob(['ABC'])('ABC')).toBe(true);
  });
});

describe('compileWildcardPattern', () => {
  it('treats every * and ? in the text as wildcards', () => {
    const match = compileWildcardPattern('iam:*AccessKey?');
    expect(match('iam:CreateAccessKeys')).toBe(true);
    expect(match('iam:ListAccessKeys')).toBe(true);
    expect(match('iam:CreateAccessKey')).toBe(false);
    expect(match('iam:CreateAccessKeysX')).toBe(false);
  });

  it('passes ignoreCase through', () => {
    expect(compileWildcardPattern('IAM:List*', true)('iam:listusers')).toBe(true);
    expect(compileWildcardPattern('IAM:List*')('iam:listusers')).toBe(false);
  });
});
