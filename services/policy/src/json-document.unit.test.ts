import { describe, expect, it } from 'vitest';
import { type JsonValue, readJson } from './json-document.js';

function value(text: string): JsonValue {
  const result = readJson(text);
  if (!result.ok) throw new Error(result.findings[0]?.message);
  return result.value;
}

function syntaxMessage(text: string): string | undefined {
  const result = readJson(text);
  if (result.ok) return undefined;
  expect(result.findings).toHaveLength(1);
  expect(result.findings[0]?.severity).toBe('error');
  expect(result.findings[0]?.code).toBe('JSON_SYNTAX_ERROR');
  expect(result.findings[0]?.path).toBe('$');
  return result.findings[0]?.message;
}

describe('readJson: values', () => {
  it('reads objects, arrays and scalars', () => {
    const result = readJson('{"a": [1, "x", true, false, null, {}], "b": {"c": []}}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.findings).toEqual([]);
    expect(JSON.stringify(result.value)).toBe('{"a":[1,"x",true,false,null,{}],"b":{"c":[]}}');
  });

  it('reads scalars at the top level and tolerates surrounding white space', () => {
    expect(value(' \t\r\n"s"\n')).toBe('s');
    expect(value('true')).toBe(true);
    expect(value('null')).toBe(null);
  });

  it('reads numbers as JSON defines them', () => {
    expect(value('0')).toBe(0);
    expect(Object.is(value('-0'), -0)).toBe(true);
    expect(value('-12.5')).toBe(-12.5);
    expect(value('1.5e3')).toBe(1500);
    expect(value('2E-2')).toBe(0.02);
    expect(value('1e+2')).toBe(100);
  });

  it('decodes escapes in strings', () => {
    expect(value(String.raw`"a\"b\\c\/d\u0041\n\t"`)).toBe('a"b\\c/dA\n\t');
    expect(value(String.raw`"\ud83d\ude00"`)).toBe('😀');
    expect(value('"plain ü 😀"')).toBe('plain ü 😀');
  });

  it('decodes escapes in keys too', () => {
    const object = value(String.raw`{"E\u0066fect": "Allow"}`) as Record<string, JsonValue>;
    expect(Object.keys(object)).toEqual(['Effect']);
  });
});

describe('readJson: duplicate keys', () => {
  it('reports a duplicate key with the JSONPath of the repeat', () => {
    // AWS: reference_policies_grammar.html — a JSON object in a policy must not repeat a name (IAM refuses such documents)
    const result = readJson('{"Statement": [{"Effect": "Deny", "Action": "*", "Effect": "Allow"}]}');
    expect(result.ok).toBe(true);
    expect(result.findings).toEqual([
      {
        severity: 'error',
        code: 'DUPLICATE_KEY',
        path: '$.Statement[0].Effect',
        message: 'The key "Effect" appears more than once in the same object; keep exactly one.',
      },
    ]);
  });

  it('reports each repeat, with bracket notation for keys that are not identifiers', () => {
    const result = readJson('{"a b": 1, "a b": 2, "x": {"k": 1, "k": 2, "k": 3}}');
    expect(result.findings.map((finding) => finding.path)).toEqual(['$["a b"]', '$.x.k', '$.x.k']);
  });

  it('keys differing only by case are not duplicates', () => {
    expect(readJson('{"Effect": "Allow", "effect": "Deny"}').findings).toEqual([]);
  });

  it('the same key in sibling objects is not a duplicate', () => {
    expect(readJson('[{"a": 1}, {"a": 2}]').findings).toEqual([]);
  });
});

describe('readJson: __proto__', () => {
  it('keeps a "__proto__" key as ordinary data and pollutes nothing', () => {
    const parsed = value('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, JsonValue>;
    expect(Object.keys(parsed)).toEqual(['__proto__', 'a']);
    expect(Object.prototype.hasOwnProperty.call(parsed, '__proto__')).toBe(true);
    expect(parsed['__proto__']).toEqual({ polluted: true });
    expect(Object.getPrototypeOf(parsed)).toBe(null);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('still detects a repeated "__proto__" key', () => {
    expect(readJson('{"__proto__": 1, "__proto__": 2}').findings.map((finding) => finding.path)).toEqual(['$.__proto__']);
  });

  it('keys such as "constructor" and "toString" are not mistaken for existing ones', () => {
    const result = readJson('{"constructor": 1, "toString": 2, "hasOwnProperty": 3}');
    expect(result.findings).toEqual([]);
  });
});

describe('readJson: syntax errors', () => {
  it('gives line and column of the error', () => {
    expect(syntaxMessage('{\n  "a": 1,\n  }')).toBe('The policy is not valid JSON: expected a quoted property name at line 3, column 3.');
  });

  it('reports empty input', () => {
    expect(syntaxMessage('')).toBe('The policy is not valid JSON: unexpected end of input at line 1, column 1.');
    expect(syntaxMessage('   ')).toBe('The policy is not valid JSON: unexpected end of input at line 1, column 4.');
  });

  it('reports text after the value', () => {
    expect(syntaxMessage('{} x')).toBe('The policy is not valid JSON: unexpected text after the JSON value at line 1, column 4.');
    expect(syntaxMessage('01')).toBe('The policy is not valid JSON: unexpected text after the JSON value at line 1, column 2.');
  });

  it('reports object and array punctuation errors', () => {
    expect(syntaxMessage('{"a" 1}')).toBe("The policy is not valid JSON: expected ':' after a property name at line 1, column 6.");
    expect(syntaxMessage('{"a": 1 "b": 2}')).toBe("The policy is not valid JSON: expected ',' or '}' in an object at line 1, column 9.");
    expect(syntaxMessage('{"a": 1')).toBe("The policy is not valid JSON: expected ',' or '}' in an object at line 1, column 8.");
    expect(syntaxMessage('{a: 1}')).toBe('The policy is not valid JSON: expected a quoted property name at line 1, column 2.');
    expect(syntaxMessage('[1 2]')).toBe("The policy is not valid JSON: expected ',' or ']' in an array at line 1, column 4.");
    expect(syntaxMessage('[1,]')).toBe('The policy is not valid JSON: unexpected character "]" at line 1, column 4.');
    expect(syntaxMessage('{"a": 1,}')).toBe('The policy is not valid JSON: expected a quoted property name at line 1, column 9.');
  });

  it('reports bad literals and numbers', () => {
    expect(syntaxMessage('nul')).toBe('The policy is not valid JSON: unexpected token at line 1, column 1.');
    expect(syntaxMessage('True')).toBe('The policy is not valid JSON: unexpected character "T" at line 1, column 1.');
    expect(syntaxMessage('-')).toBe('The policy is not valid JSON: invalid number at line 1, column 1.');
    expect(syntaxMessage('+1')).toBe('The policy is not valid JSON: unexpected character "+" at line 1, column 1.');
    expect(syntaxMessage('.5')).toBe('The policy is not valid JSON: unexpected character "." at line 1, column 1.');
    expect(syntaxMessage('1.')).toBe('The policy is not valid JSON: unexpected text after the JSON value at line 1, column 2.');
    expect(syntaxMessage("'a'")).toBe('The policy is not valid JSON: unexpected character "\'" at line 1, column 1.');
  });

  it('reports string errors', () => {
    expect(syntaxMessage('{"a": "abc')).toBe('The policy is not valid JSON: unterminated string at line 1, column 7.');
    expect(syntaxMessage('"a\nb"')).toBe('The policy is not valid JSON: control character in a string at line 1, column 3.');
    expect(syntaxMessage(String.raw`"\x"`)).toBe('The policy is not valid JSON: invalid escape sequence in a string at line 1, column 1.');
    expect(syntaxMessage(String.raw`"\u12"`)).toBe('The policy is not valid JSON: invalid escape sequence in a string at line 1, column 1.');
    // an escaped quote does not close the string
    expect(syntaxMessage(String.raw`"abc\"`)).toBe('The policy is not valid JSON: unterminated string at line 1, column 1.');
  });

  it('does not treat non-JSON white space as white space', () => {
    expect(syntaxMessage('\u00a0{}')).toBe('The policy is not valid JSON: unexpected character "\u00a0" at line 1, column 1.');
  });
});

describe('readJson: nesting depth', () => {
  it('accepts 65 nested arrays (depth 64) and refuses 66', () => {
    expect(readJson('['.repeat(65) + ']'.repeat(65)).ok).toBe(true);
    expect(syntaxMessage('['.repeat(66) + ']'.repeat(66))).toBe('The policy is not valid JSON: nesting deeper than 64 levels at line 1, column 66.');
  });

  it('counts objects and arrays alike', () => {
    const deepObjects = '{"a":'.repeat(66) + '1' + '}'.repeat(66);
    expect(syntaxMessage(deepObjects)).toMatch(/^The policy is not valid JSON: nesting deeper than 64 levels at line 1, column \d+\.$/);
    const okObjects = '{"a":'.repeat(64) + '1' + '}'.repeat(64);
    expect(readJson(okObjects).ok).toBe(true);
  });

  it('refuses hostile depth without exhausting the stack', () => {
    const depth = 200_000;
    expect(() => readJson('['.repeat(depth) + ']'.repeat(depth))).not.toThrow();
    expect(readJson('['.repeat(depth)).ok).toBe(false);
  });
});

describe('readJson: shareRepeats', () => {
  const share = { shareRepeats: { fromDepth: 1, toDepth: 2 } };

  function read(text: string, options = share): { value: JsonValue[]; findings: readonly unknown[] } {
    const result = readJson(text, options);
    if (!result.ok) throw new Error(result.findings[0]?.message);
    return { value: result.value as JsonValue[], findings: result.findings };
  }

  it('reads a repeated object or array once and puts the same value in each place', () => {
    const { value } = read('[{"a": [1, "x"]}, {"a": [1, "x"]}, [2], [2], {"a": [1,"x"]}]');
    expect(value[1]).toBe(value[0]);
    expect(value[3]).toBe(value[2]);
    // Different text (white space), so a value of its own, equal all the same.
    expect(value[4]).not.toBe(value[0]);
    expect(value[4]).toEqual(value[0]);
  });

  it('shares only at the depths asked for, and only with a value of the same depth', () => {
    const { value } = read('[{"k": {"a": 1}}, {"k": {"a": 1}}, {"a": 1}]', { shareRepeats: { fromDepth: 2, toDepth: 2 } });
    const [first, second, third] = value as Record<string, JsonValue>[];
    expect(second).not.toBe(first);
    expect(second!['k']).toBe(first!['k']);
    expect(third).not.toBe(first!['k']);
    expect(third).toEqual(first!['k']);
  });

  it('never shares a value with a duplicate key: each place has its own finding', () => {
    const { findings } = read('[{"a": 1, "a": 2}, {"a": 1, "a": 2}]');
    expect(findings).toEqual([expect.objectContaining({ code: 'DUPLICATE_KEY', path: '$[0].a' }), expect.objectContaining({ code: 'DUPLICATE_KEY', path: '$[1].a' })]);
  });

  it('finds the end of a value past brackets and escaped quotes inside strings', () => {
    const text = String.raw`[{"s": "}]\"{[", "t": "\\"}, {"s": "}]\"{[", "t": "\\"}, 3]`;
    const { value } = read(text);
    expect(value[1]).toBe(value[0]);
    expect(value[0]).toEqual({ s: '}]"{[', t: '\\' });
    expect(value[2]).toBe(3);
  });

  it('reports syntax errors where the unshared reader does', () => {
    for (const text of ['[{"a": 1}, {"a": 1]', '[{"a": 1}, {"a": "x]', '[[1, 2], [1, 2]', '[{"a": 1}, {"a": 1}}']) {
      expect(readJson(text, share)).toEqual(readJson(text));
    }
  });
});
