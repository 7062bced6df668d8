import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { nulCharacterInVariables, nulCharacterRule } from './nul-characters.js';

const schema = buildSchema(`
  input Filter { names: [String!], json: JSON }
  scalar JSON
  type Query { user(userName: String, filter: Filter): String }
`);

const errorsOf = (query: string) => validate(schema, parse(query), [...specifiedRules, nulCharacterRule]);

describe('nulCharacterRule', () => {
  it.each([
    ['an escape', '{ user(userName: "a\\u0000b") }'],
    ['a braced escape', '{ user(userName: "a\\u{0}b") }'],
    ['a raw character', '{ user(userName: "a\u0000b") }'],
    ['a block string', '{ user(userName: """a\u0000b""") }'],
    ['a list item of an input object', '{ user(filter: { names: ["ok", "a\\u0000"] }) }'],
    ['a default value', 'query($n: String = "\\u0000") { user(userName: $n) }'],
  ])('refuses a NUL character in %s, with a 400 and BAD_USER_INPUT', (_label, query) => {
    const errors = errorsOf(query);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe('A string in the document contains a NUL character (U+0000), which no name, ARN or other value may hold. Remove it.');
    expect(errors[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', http: { status: 400, spec: false } });
    expect(errors[0]?.locations).toHaveLength(1);
  });

  it('accepts other control characters and text that only looks like an escape', () => {
    expect(errorsOf('{ user(userName: "tab\\tnewline\\n\\u0001") }')).toEqual([]);
    expect(errorsOf('{ user(userName: "\\\\u0000") }')).toEqual([]);
  });
});

describe('nulCharacterInVariables', () => {
  it.each([
    ['a string', { n: 'a\u0000' }, 'n'],
    ['a nested object', { input: { userName: 'ok', tags: [{ key: 'k', value: 'v\u0000' }] } }, 'input'],
    ['a list', { f: { eventTypes: ['UserCreated', '\u0000'] } }, 'f'],
    ['a key of a JSON value', { i: { context: { 'aws:\u0000': 'x' } } }, 'i'],
    ['the second variable', { a: 'fine', b: ['\u0000'] }, 'b'],
  ])('names the variable that holds one in %s', (_label, variables, name) => {
    const error = nulCharacterInVariables(variables);
    expect(error?.message).toBe(`The variable $${name} contains a NUL character (U+0000), which no name, ARN or other value may hold. Remove it.`);
    expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT', http: { status: 400, spec: false } });
  });

  it('accepts variables without one, and none at all', () => {
    expect(nulCharacterInVariables({ a: 'x', b: 1, c: null, d: [true, { e: 'f\u0001' }] })).toBeUndefined();
    expect(nulCharacterInVariables(undefined)).toBeUndefined();
    expect(nulCharacterInVariables(null)).toBeUndefined();
  });

  it('walks a value nested deeper than recursion could', () => {
    let deep: unknown = '\u0000';
    for (let level = 0; level < 200_000; level++) deep = [deep];
    expect(nulCharacterInVariables({ deep })?.message).toContain('$deep');
  });
});
