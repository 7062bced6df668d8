import { describe, expect, it } from 'vitest';
import { CONDITION_OPERATOR_NAMES, parseOperatorName } from './condition-operators.js';

describe('CONDITION_OPERATOR_NAMES', () => {
  it('lists the documented operators once each', () => {
    // AWS: reference_policies_elements_condition_operators.html — String, Numeric, Date, Bool, Binary, IP address, ARN and Null operators
    expect([...CONDITION_OPERATOR_NAMES].sort()).toEqual(
      [
        'ArnEquals',
        'ArnLike',
        'ArnNotEquals',
        'ArnNotLike',
        'BinaryEquals',
        'Bool',
        'DateEquals',
        'DateGreaterThan',
        'DateGreaterThanEquals',
        'DateLessThan',
        'DateLessThanEquals',
        'DateNotEquals',
        'IpAddress',
        'NotIpAddress',
        'Null',
        'NumericEquals',
        'NumericGreaterThan',
        'NumericGreaterThanEquals',
        'NumericLessThan',
        'NumericLessThanEquals',
        'NumericNotEquals',
        'StringEquals',
        'StringEqualsIgnoreCase',
        'StringLike',
        'StringNotEquals',
        'StringNotEqualsIgnoreCase',
        'StringNotLike',
      ].sort(),
    );
  });
});

describe('parseOperatorName', () => {
  it('reads a plain operator', () => {
    expect(parseOperatorName('StringEquals')).toEqual({
      ok: true,
      operator: { name: 'StringEquals', family: 'String', comparison: 'equals', negated: false, acceptsVariables: true },
      qualifier: undefined,
      ifExists: false,
    });
  });

  it('marks negated operators', () => {
    for (const name of ['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'NumericNotEquals', 'DateNotEquals', 'NotIpAddress', 'ArnNotEquals', 'ArnNotLike']) {
      const parsed = parseOperatorName(name);
      expect(parsed.ok && parsed.operator.negated, name).toBe(true);
    }
    for (const name of ['StringEquals', 'StringLike', 'NumericLessThan', 'DateEquals', 'Bool', 'BinaryEquals', 'IpAddress', 'ArnLike', 'Null']) {
      const parsed = parseOperatorName(name);
      expect(parsed.ok && !parsed.operator.negated, name).toBe(true);
    }
  });

  it('gives families and comparisons', () => {
    const check = (name: string, family: string, comparison: string) => {
      const parsed = parseOperatorName(name);
      expect(parsed.ok ? [parsed.operator.family, parsed.operator.comparison] : parsed.message).toEqual([family, comparison]);
    };
    check('StringEqualsIgnoreCase', 'String', 'equalsIgnoreCase');
    check('StringNotLike', 'String', 'like');
    check('NumericLessThanEquals', 'Numeric', 'lessThanEquals');
    check('NumericGreaterThan', 'Numeric', 'greaterThan');
    check('DateGreaterThanEquals', 'Date', 'greaterThanEquals');
    check('DateLessThan', 'Date', 'lessThan');
    check('Bool', 'Bool', 'equals');
    check('BinaryEquals', 'Binary', 'equals');
    check('NotIpAddress', 'IpAddress', 'inRange');
    // AWS: reference_policies_elements_condition_operators.html#Conditions_ARN — ArnEquals and ArnLike behave identically (both take wildcards)
    check('ArnEquals', 'Arn', 'like');
    check('ArnLike', 'Arn', 'like');
    check('Null', 'Null', 'isNull');
  });

  it('only String and ARN operators accept policy variables', () => {
    // AWS: reference_policies_variables.html — policy variables can be used with string and ARN condition operators
    const accepts = (name: string) => {
      const parsed = parseOperatorName(name);
      return parsed.ok && parsed.operator.acceptsVariables;
    };
    expect(accepts('StringLike')).toBe(true);
    expect(accepts('ArnNotEquals')).toBe(true);
    expect(accepts('NumericEquals')).toBe(false);
    expect(accepts('DateEquals')).toBe(false);
    expect(accepts('Bool')).toBe(false);
    expect(accepts('BinaryEquals')).toBe(false);
    expect(accepts('IpAddress')).toBe(false);
    expect(accepts('Null')).toBe(false);
  });

  it('reads the set qualifiers', () => {
    // AWS: reference_policies_condition-single-vs-multi-valued-context-keys.html — ForAnyValue and ForAllValues qualify an operator for multivalued keys
    const any = parseOperatorName('ForAnyValue:StringLike');
    expect(any.ok && any.qualifier).toBe('ForAnyValue');
    expect(any.ok && any.operator.name).toBe('StringLike');
    const all = parseOperatorName('ForAllValues:StringEquals');
    expect(all.ok && all.qualifier).toBe('ForAllValues');
    expect(all.ok && all.ifExists).toBe(false);
  });

  it('reads the IfExists suffix, with and without a qualifier', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_IfExists — any operator except Null can take the IfExists suffix
    expect(parseOperatorName('NumericLessThanIfExists')).toMatchObject({ ok: true, qualifier: undefined, ifExists: true, operator: { name: 'NumericLessThan' } });
    expect(parseOperatorName('ForAllValues:StringNotEqualsIgnoreCaseIfExists')).toMatchObject({
      ok: true,
      qualifier: 'ForAllValues',
      ifExists: true,
      operator: { name: 'StringNotEqualsIgnoreCase', negated: true },
    });
    expect(parseOperatorName('BoolIfExists')).toMatchObject({ ok: true, ifExists: true, operator: { name: 'Bool' } });
  });

  it('refuses Null with IfExists, qualified or not', () => {
    expect(parseOperatorName('NullIfExists')).toEqual({ ok: false, message: '"NullIfExists" is not a condition operator: Null takes no IfExists suffix.' });
    expect(parseOperatorName('ForAnyValue:NullIfExists').ok).toBe(false);
  });

  it('accepts ForAllValues:Null and ForAnyValue:Null', () => {
    expect(parseOperatorName('ForAllValues:Null')).toMatchObject({ ok: true, qualifier: 'ForAllValues', ifExists: false, operator: { name: 'Null', family: 'Null' } });
    expect(parseOperatorName('ForAnyValue:Null')).toMatchObject({ ok: true, qualifier: 'ForAnyValue', operator: { name: 'Null' } });
  });

  it('is case-sensitive and suggests the intended spelling', () => {
    // AWS: reference_policies_elements_condition_operators.html — condition operator names are written exactly as documented (e.g. StringEquals)
    expect(parseOperatorName('stringequals')).toEqual({
      ok: false,
      message: '"stringequals" is not a condition operator; did you mean "StringEquals"?',
      suggestion: 'StringEquals',
    });
    expect(parseOperatorName('StringEqualsifexists')).toMatchObject({ ok: false, suggestion: 'StringEqualsIfExists' });
    expect(parseOperatorName('forallvalues:stringlikeifexists')).toMatchObject({ ok: false, suggestion: 'ForAllValues:StringLikeIfExists' });
    expect(parseOperatorName('forAnyValue:StringEquals')).toMatchObject({ ok: false, suggestion: 'ForAnyValue:StringEquals' });
    expect(parseOperatorName('IPADDRESS')).toMatchObject({ ok: false, suggestion: 'IpAddress' });
  });

  it('gives no suggestion for an unknown name', () => {
    const parsed = parseOperatorName('StringEqualz');
    expect(parsed).toEqual({ ok: false, message: '"StringEqualz" is not a condition operator.' });
    expect('suggestion' in parsed).toBe(false);
  });

  it('refuses malformed qualifier and suffix combinations', () => {
    for (const name of [
      '',
      'IfExists',
      'ForAnyValue:',
      'ForAnyValue:ForAllValues:StringEquals',
      'StringEqualsIfExistsIfExists',
      'ForAnyValue StringEquals',
      ' StringEquals',
      'StringEquals:ForAnyValue',
    ]) {
      expect(parseOperatorName(name).ok, name).toBe(false);
    }
  });

  it('never suggests a name that is itself refused', () => {
    // A wrong-case "nullifexists" must not be answered with "did you mean NullIfExists?", which is refused too.
    const parsed = parseOperatorName('nullifexists');
    expect(parsed.ok).toBe(false);
    const suggestion = parsed.ok ? undefined : parsed.suggestion;
    expect(suggestion === undefined || parseOperatorName(suggestion).ok).toBe(true);
  });
});
