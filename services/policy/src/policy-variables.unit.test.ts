import { describe, expect, it } from 'vitest';
import { ANY_CHARACTER, ANY_SEQUENCE, literalGlobTokens, parseTemplate, resolveGlobTokens, resolveText, type TemplatePart, type VariableLookup } from './policy-variables.js';
import { compileGlob } from './wildcard.js';

function parts(text: string): readonly TemplatePart[] {
  const parsed = parseTemplate(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.parts;
}

function lookupFrom(values: Record<string, string>): VariableLookup {
  return (key) => values[key];
}

const none: VariableLookup = () => undefined;

describe('parseTemplate: text and escapes', () => {
  it('returns plain text as one text part with no variables', () => {
    expect(parseTemplate('arn:aws:s3:::bucket/*')).toEqual({ ok: true, parts: [{ kind: 'text', text: 'arn:aws:s3:::bucket/*' }], hasVariables: false });
  });

  it('returns no parts for the empty string', () => {
    expect(parseTemplate('')).toEqual({ ok: true, parts: [], hasVariables: false });
  });

  it('keeps a lone $ or { } as text', () => {
    expect(parseTemplate('cost $5 {x} $')).toEqual({ ok: true, parts: [{ kind: 'text', text: 'cost $5 {x} $' }], hasVariables: false });
  });

  it('reads ${*}, ${?} and ${$} as escapes, which are not variables', () => {
    // AWS: reference_policies_variables.html — "${*}, ${?} and ${$} stand for the literal characters *, ? and $"
    expect(parseTemplate('a${*}b${?}c${$}')).toEqual({
      ok: true,
      parts: [
        { kind: 'text', text: 'a' },
        { kind: 'escape', char: '*' },
        { kind: 'text', text: 'b' },
        { kind: 'escape', char: '?' },
        { kind: 'text', text: 'c' },
        { kind: 'escape', char: '$' },
      ],
      hasVariables: false,
    });
  });
});

describe('parseTemplate: variables', () => {
  it('reads a variable with its key lower-cased and its name as written', () => {
    // AWS: reference_policies_variables.html — "policy variable names are case-insensitive" (aws:username = aws:UserName)
    expect(parseTemplate('home/${aws:UserName}/*')).toEqual({
      ok: true,
      parts: [
        { kind: 'text', text: 'home/' },
        { kind: 'variable', key: 'aws:username', name: 'aws:UserName' },
        { kind: 'text', text: '/*' },
      ],
      hasVariables: true,
    });
  });

  it('gives no defaultValue property to a variable without a default', () => {
    const [part] = parts('${aws:username}');
    expect(part).toEqual({ kind: 'variable', key: 'aws:username', name: 'aws:username' });
    expect(part && 'defaultValue' in part).toBe(false);
  });

  it('reads a default value in single quotes', () => {
    // AWS: reference_policies_variables.html — "${key, 'default-value'} supplies a value when the key is absent"
    expect(parseTemplate("${aws:PrincipalTag/team, 'company-wide'}")).toEqual({
      ok: true,
      parts: [{ kind: 'variable', key: 'aws:principaltag/team', name: 'aws:PrincipalTag/team', defaultValue: 'company-wide' }],
      hasVariables: true,
    });
  });

  it('tolerates white space around the key and the default, and an empty default', () => {
    expect(parts("${ aws:username ,  'x y' }")).toEqual([{ kind: 'variable', key: 'aws:username', name: 'aws:username', defaultValue: 'x y' }]);
    expect(parts("${k,''}")).toEqual([{ kind: 'variable', key: 'k', name: 'k', defaultValue: '' }]);
  });

  it('reads several variables and text around them', () => {
    expect(parts('$${a}-${B}')).toEqual([
      { kind: 'text', text: '$' },
      { kind: 'variable', key: 'a', name: 'a' },
      { kind: 'text', text: '-' },
      { kind: 'variable', key: 'b', name: 'B' },
    ]);
  });
});

describe('parseTemplate: errors', () => {
  it('reports an unclosed variable with its 1-based position', () => {
    expect(parseTemplate('ab${aws:username')).toEqual({ ok: false, message: "the policy variable starting at character 3 is not closed with '}'" });
    expect(parseTemplate('${')).toEqual({ ok: false, message: "the policy variable starting at character 1 is not closed with '}'" });
  });

  it('reports an empty or malformed variable body', () => {
    expect(parseTemplate('${}')).toEqual({ ok: false, message: "${} is not a valid policy variable; write ${key} or ${key, 'default'}" });
    expect(parseTemplate('${a b}')).toEqual({ ok: false, message: "${a b} is not a valid policy variable; write ${key} or ${key, 'default'}" });
  });

  it('refuses an unquoted default, a second default and a nested ${', () => {
    for (const text of ['${a, default}', "${a, 'x', 'y'}", '${a${b}', "${a, 'x}"]) {
      const parsed = parseTemplate(text);
      expect(parsed.ok, text).toBe(false);
    }
  });
});

describe('resolveGlobTokens', () => {
  it('tokenizes text, substitutes variables as literals', () => {
    expect(resolveGlobTokens(parts('home/${aws:username}/*'), lookupFrom({ 'aws:username': 'bob' }))).toEqual(['home/', 'bob', '/', ANY_SEQUENCE]);
  });

  it('looks variables up by the lower-cased key', () => {
    const seen: string[] = [];
    const tokens = resolveGlobTokens(parts('${AWS:UserName}'), (key) => {
      seen.push(key);
      return 'x';
    });
    expect(seen).toEqual(['aws:username']);
    expect(tokens).toEqual(['x']);
  });

  it('keeps escaped * and ? as literal strings, not wildcards', () => {
    const tokens = resolveGlobTokens(parts('a${*}b${?}*'), none);
    expect(tokens).toEqual(['a', '*', 'b', '?', ANY_SEQUENCE]);
    const match = compileGlob(tokens!);
    expect(match('a*b?')).toBe(true);
    expect(match('a*b?tail')).toBe(true);
    expect(match('aXbY')).toBe(false);
  });

  it('keeps wildcard characters in a substituted value literal', () => {
    const tokens = resolveGlobTokens(parts('home/${aws:username}'), lookupFrom({ 'aws:username': 'b*' }));
    expect(tokens).toEqual(['home/', 'b*']);
    const match = compileGlob(tokens!);
    expect(match('home/b*')).toBe(true);
    expect(match('home/bob')).toBe(false);
  });

  it('uses the default when the key has no value', () => {
    expect(resolveGlobTokens(parts("team/${aws:PrincipalTag/team, 'company-wide'}"), none)).toEqual(['team/', 'company-wide']);
  });

  it('prefers the request value over the default, even an empty one', () => {
    const template = parts("${aws:PrincipalTag/team, 'company-wide'}");
    expect(resolveGlobTokens(template, lookupFrom({ 'aws:principaltag/team': 'eng' }))).toEqual(['eng']);
    expect(resolveGlobTokens(template, lookupFrom({ 'aws:principaltag/team': '' }))).toEqual(['']);
  });

  it('returns undefined when a variable has neither a value nor a default', () => {
    // AWS: reference_policies_variables.html — a variable with no value in the request and no default makes the element not match
    expect(resolveGlobTokens(parts('home/${aws:username}/*'), none)).toBeUndefined();
    expect(resolveGlobTokens(parts("${a, 'x'}${b}"), none)).toBeUndefined();
  });
});

describe('resolveText', () => {
  it('joins text, escapes and values', () => {
    expect(resolveText(parts('a${*}${?}${$}-${aws:username}'), lookupFrom({ 'aws:username': 'bob' }))).toBe('a*?$-bob');
  });

  it('keeps * and ? of plain text as they are', () => {
    expect(resolveText(parts('a*b?'), none)).toBe('a*b?');
  });

  it('uses the default, or returns undefined without one', () => {
    expect(resolveText(parts("x-${k, 'dflt'}"), none)).toBe('x-dflt');
    expect(resolveText(parts('x-${k}'), none)).toBeUndefined();
    expect(resolveText(parts('x-${k}'), lookupFrom({ k: 'v' }))).toBe('x-v');
  });

  it('returns the empty string for an empty template', () => {
    expect(resolveText([], none)).toBe('');
  });
});

describe('literalGlobTokens', () => {
  it('tokenizes text and keeps escapes literal', () => {
    expect(literalGlobTokens(parts('a*${?}b?'))).toEqual(['a', ANY_SEQUENCE, '?', 'b', ANY_CHARACTER]);
  });
});
