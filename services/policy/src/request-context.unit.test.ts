import { describe, expect, it } from 'vitest';
import { type ContextInput, RequestContext } from './request-context.js';

function readError(input: unknown): string | undefined {
  const result = RequestContext.read(input as ContextInput);
  return result.ok ? undefined : result.error;
}

describe('RequestContext.read', () => {
  it('reads undefined and null as the empty context', () => {
    const fromUndefined = RequestContext.read(undefined);
    const fromNull = RequestContext.read(null);
    expect(fromUndefined).toEqual({ ok: true, context: RequestContext.EMPTY });
    expect(fromNull.ok && fromNull.context).toBe(RequestContext.EMPTY);
    expect([...RequestContext.EMPTY.entries()]).toEqual([]);
  });

  it('refuses a non-object and an array', () => {
    expect(readError('aws:username')).toBe('context must be an object of condition keys to values');
    expect(readError(42)).toBe('context must be an object of condition keys to values');
    expect(readError(['aws:username'])).toBe('context must be an object of condition keys to values');
  });

  it('stores keys lower-cased, so lookups are case-insensitive through lower-cased keys', () => {
    // AWS: reference_policies_elements_condition.html — "condition key names are not case-sensitive"
    const context = RequestContext.from({ 'aws:SourceIp': '203.0.113.5', 'aws:PrincipalTag/Team': 'Eng' });
    expect(context.get('aws:sourceip')).toBe('203.0.113.5');
    expect(context.has('aws:sourceip')).toBe(true);
    expect(context.get('aws:principaltag/team')).toBe('Eng');
    // the caller must lower-case: the mixed-case spelling is not a stored key
    expect(context.get('aws:SourceIp')).toBeUndefined();
    expect(context.has('aws:SourceIp')).toBe(false);
    expect([...context.entries()]).toEqual([
      ['aws:sourceip', '203.0.113.5'],
      ['aws:principaltag/team', 'Eng'],
    ]);
  });

  it('keeps values as given (values are case-sensitive)', () => {
    expect(RequestContext.from({ k: 'MiXeD' }).get('k')).toBe('MiXeD');
  });

  it('refuses two keys that differ only by case', () => {
    expect(readError({ 'aws:UserName': 'a', 'aws:username': 'b' })).toBe('context key "aws:username" is given twice (keys are case-insensitive)');
  });

  it('reads arrays as multivalued keys, including the empty array', () => {
    const context = RequestContext.from({ 'aws:TagKeys': ['env', 'team'], 'aws:CalledVia': [] });
    expect(context.get('aws:tagkeys')).toEqual(['env', 'team']);
    expect(context.get('aws:calledvia')).toEqual([]);
    expect(context.has('aws:calledvia')).toBe(true);
  });

  it('turns numbers and booleans into strings, alone and in lists', () => {
    const context = RequestContext.from({ n: 5, f: 1.5, neg: -2, t: true, no: false, list: [1, true, 'x'] });
    expect(context.get('n')).toBe('5');
    expect(context.get('f')).toBe('1.5');
    expect(context.get('neg')).toBe('-2');
    expect(context.get('t')).toBe('true');
    expect(context.get('no')).toBe('false');
    expect(context.get('list')).toEqual(['1', 'true', 'x']);
  });

  it('refuses values that are not strings, finite numbers, booleans or lists of them', () => {
    const scalarError = (key: string) => `context key ${JSON.stringify(key)} must be a string, number, boolean or a list of them`;
    expect(readError({ k: null })).toBe(scalarError('k'));
    expect(readError({ k: undefined })).toBe(scalarError('k'));
    expect(readError({ k: {} })).toBe(scalarError('k'));
    expect(readError({ k: Number.NaN })).toBe(scalarError('k'));
    expect(readError({ k: Number.POSITIVE_INFINITY })).toBe(scalarError('k'));
    expect(readError({ K: 10n })).toBe(scalarError('K'));
    const listError = 'context key "aws:TagKeys" holds a list with a value that is not a string, number or boolean';
    expect(readError({ 'aws:TagKeys': ['a', null] })).toBe(listError);
    expect(readError({ 'aws:TagKeys': [['nested']] })).toBe(listError);
    expect(readError({ 'aws:TagKeys': [{}] })).toBe(listError);
  });
});

describe('RequestContext.from', () => {
  it('returns a RequestContext unchanged', () => {
    const context = RequestContext.from({ a: 'b' });
    expect(RequestContext.from(context)).toBe(context);
  });

  it('returns EMPTY for undefined and null', () => {
    expect(RequestContext.from(undefined)).toBe(RequestContext.EMPTY);
    expect(RequestContext.from(null)).toBe(RequestContext.EMPTY);
  });

  it('throws a TypeError with the read error', () => {
    expect(() => RequestContext.from({ a: 'x', A: 'y' })).toThrow(new TypeError('context key "A" is given twice (keys are case-insensitive)'));
    expect(() => RequestContext.from({ a: null })).toThrow(TypeError);
  });
});

describe('RequestContext.single', () => {
  it('returns single values only', () => {
    const context = RequestContext.from({ 'aws:username': 'bob', 'aws:TagKeys': ['a'], empty: '' });
    expect(context.single('aws:username')).toBe('bob');
    expect(context.single('empty')).toBe('');
    expect(context.single('aws:tagkeys')).toBeUndefined();
    expect(context.single('missing')).toBeUndefined();
  });
});

describe('RequestContext.withDefaults', () => {
  it('adds absent keys, lower-cased', () => {
    const base = RequestContext.from({ 'aws:username': 'bob' });
    const withTime = base.withDefaults({ 'aws:CurrentTime': '2026-01-01T00:00:00Z', 'aws:TagKeys': ['a'] });
    expect(withTime.get('aws:currenttime')).toBe('2026-01-01T00:00:00Z');
    expect(withTime.get('aws:tagkeys')).toEqual(['a']);
    expect(withTime.get('aws:username')).toBe('bob');
  });

  it('does not override a key the request already has, whatever its case', () => {
    const base = RequestContext.from({ 'aws:CurrentTime': '2020-01-01T00:00:00Z' });
    const result = base.withDefaults({ 'AWS:CURRENTTIME': '2026-01-01T00:00:00Z' });
    expect(result.get('aws:currenttime')).toBe('2020-01-01T00:00:00Z');
    expect(result).toBe(base);
  });

  it('does not modify the original context', () => {
    const base = RequestContext.from({ a: '1' });
    const extended = base.withDefaults({ b: '2' });
    expect(extended).not.toBe(base);
    expect(base.has('b')).toBe(false);
    expect(extended.get('b')).toBe('2');
    expect(RequestContext.EMPTY.withDefaults({ x: 'y' }).get('x')).toBe('y');
    expect(RequestContext.EMPTY.has('x')).toBe(false);
  });

  it('returns the same instance when there is nothing to add', () => {
    const base = RequestContext.from({ a: '1' });
    expect(base.withDefaults({})).toBe(base);
  });
});
