import { describe, expect, it } from 'vitest';
import { type ConditionOperator, parseOperatorName } from './condition-operators.js';
import { explainInvalidPolicyValue, parseBinary, parseBool, parseDate, parseNumber } from './condition-values.js';

function op(name: string): ConditionOperator {
  const parsed = parseOperatorName(name);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.operator;
}

describe('parseNumber', () => {
  it('reads integers and decimals with an optional sign', () => {
    expect(parseNumber('10')).toBe(10);
    expect(parseNumber('0')).toBe(0);
    expect(parseNumber('-1.5')).toBe(-1.5);
    expect(parseNumber('+3')).toBe(3);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('5.')).toBe(5);
    expect(parseNumber('007')).toBe(7);
  });

  it('reads the exponent form JavaScript writes very small or large numbers in', () => {
    expect(parseNumber('1e3')).toBe(1000);
    expect(parseNumber('1e-7')).toBe(1e-7);
    expect(parseNumber(String(1e-7))).toBe(1e-7);
    expect(parseNumber('2.5E+2')).toBe(250);
    expect(parseNumber('-1e21')).toBe(-1e21);
  });

  it('refuses hex, words, blanks, white space and malformed exponents', () => {
    for (const text of ['0x10', 'ten', 'Infinity', 'NaN', '', ' 1', '1 ', '.', '-', '1.2.3', '1,000', 'e3', '1e', '1e+', '1e3.5']) {
      expect(parseNumber(text), text).toBeUndefined();
    }
  });
});

describe('parseDate', () => {
  it('reads a date alone as midnight UTC', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_Date — dates are W3C ISO 8601 forms, e.g. 2020-01-01
    expect(parseDate('2026-01-31')).toBe(Date.UTC(2026, 0, 31));
  });

  it('reads a date-time with Z', () => {
    expect(parseDate('2026-01-31T12:00:00Z')).toBe(Date.UTC(2026, 0, 31, 12));
    expect(parseDate('2026-01-31T12:34Z')).toBe(Date.UTC(2026, 0, 31, 12, 34));
  });

  it('reads a date-time without a zone as UTC', () => {
    expect(parseDate('2026-01-31T12:00:00')).toBe(Date.UTC(2026, 0, 31, 12));
    expect(parseDate('2026-01-31T12:34')).toBe(Date.UTC(2026, 0, 31, 12, 34));
  });

  it('applies +hh:mm and -hh:mm offsets', () => {
    expect(parseDate('2026-01-31T12:00:00+01:00')).toBe(Date.UTC(2026, 0, 31, 11));
    expect(parseDate('2026-01-31T12:00:00-05:30')).toBe(Date.UTC(2026, 0, 31, 17, 30));
  });

  it('applies +hhmm and -hhmm offsets (no colon)', () => {
    expect(parseDate('2026-01-31T12:00:00+0100')).toBe(Date.UTC(2026, 0, 31, 11));
    expect(parseDate('2026-01-31T12:00:00-0530')).toBe(Date.UTC(2026, 0, 31, 17, 30));
    expect(parseDate('2026-01-31T12:00+0100')).toBe(Date.UTC(2026, 0, 31, 11));
  });

  it('reads fractional seconds', () => {
    expect(parseDate('2026-01-31T12:00:00.123Z')).toBe(Date.UTC(2026, 0, 31, 12, 0, 0, 123));
    expect(parseDate('2026-01-31T12:00:00.5Z')).toBe(Date.UTC(2026, 0, 31, 12, 0, 0, 500));
    expect(parseDate('2026-01-31T12:00:00.123456789Z')).toBe(Date.UTC(2026, 0, 31, 12, 0, 0, 123));
    expect(parseDate('2026-01-31T12:00:00.250+0100')).toBe(Date.UTC(2026, 0, 31, 11, 0, 0, 250));
  });

  it('accepts a space or lower-case t and z', () => {
    expect(parseDate('2026-01-31 12:00:00Z')).toBe(Date.UTC(2026, 0, 31, 12));
    expect(parseDate('2026-01-31t12:00:00z')).toBe(Date.UTC(2026, 0, 31, 12));
  });

  it('reads epoch seconds', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_Date — date values may also be given in epoch (Unix) time
    expect(parseDate('1700000000')).toBe(1_700_000_000_000);
    expect(parseDate('1700000000.5')).toBe(1_700_000_000_500);
    expect(parseDate('0')).toBe(0);
    expect(parseDate('-1')).toBe(-1000);
  });

  it('one instant written in different forms parses to the same number', () => {
    const instant = Date.UTC(2026, 0, 1);
    expect(parseDate('2026-01-01')).toBe(instant);
    expect(parseDate('2026-01-01T01:00:00+01:00')).toBe(instant);
    expect(parseDate(String(instant / 1000))).toBe(instant);
  });

  it('refuses months outside 1-12 and days outside 1-31', () => {
    expect(parseDate('2026-13-01')).toBeUndefined();
    expect(parseDate('2026-00-10')).toBeUndefined();
    expect(parseDate('2026-01-32')).toBeUndefined();
    expect(parseDate('2026-01-00')).toBeUndefined();
  });

  it('refuses days that do not exist in their month', () => {
    expect(parseDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    // Date.parse rolls these over to the next month; a date that does not exist is not a date.
    expect(parseDate('2026-02-30')).toBeUndefined();
    expect(parseDate('2025-02-29')).toBeUndefined();
    expect(parseDate('2026-04-31T00:00:00Z')).toBeUndefined();
  });

  it('refuses out-of-range times', () => {
    expect(parseDate('2026-01-31T24:00:00Z')).toBeUndefined();
    expect(parseDate('2026-01-31T12:60:00Z')).toBeUndefined();
    expect(parseDate('2026-01-31T12:00:60Z')).toBeUndefined();
    expect(parseDate('2026-01-31T12:00:00+25:00')).toBeUndefined();
  });

  it('refuses other text', () => {
    for (const text of [
      '',
      'yesterday',
      '2026-1-31',
      '26-01-31',
      '2026-01-31T',
      '2026-01-31T12',
      '2026-01-31Z',
      '2026/01/31',
      '1.5e9',
      ' 2026-01-31',
      '2026-01-31T12:00:00.1234567890Z',
      '2026-01-31T12:00:00+1',
    ]) {
      expect(parseDate(text), text).toBeUndefined();
    }
  });
});

describe('parseBool', () => {
  it('reads true and false in any letter case', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_Boolean — Bool compares true/false values
    expect(parseBool('true')).toBe(true);
    expect(parseBool('TRUE')).toBe(true);
    expect(parseBool('True')).toBe(true);
    expect(parseBool('false')).toBe(false);
    expect(parseBool('FaLsE')).toBe(false);
  });

  it('refuses anything else', () => {
    for (const text of ['', 'yes', 'no', '1', '0', ' true', 'true ', 't']) expect(parseBool(text), text).toBeUndefined();
  });
});

describe('parseBinary', () => {
  it('returns canonical base64 unchanged', () => {
    expect(parseBinary('QmluYXJ5VmFsdWVJbkJhc2U2NA==')).toBe('QmluYXJ5VmFsdWVJbkJhc2U2NA==');
    expect(parseBinary('QUJD')).toBe('QUJD');
    expect(parseBinary('QQ==')).toBe('QQ==');
    expect(parseBinary('QUI=')).toBe('QUI=');
    expect(parseBinary('')).toBe('');
  });

  it('canonicalises encodings with non-zero padding bits to the same text', () => {
    expect(parseBinary('QR==')).toBe('QQ==');
    expect(parseBinary('QUJ=')).toBe('QUI=');
    expect(parseBinary('QR==')).toBe(parseBinary('QQ=='));
  });

  it('refuses text that is not padded, standard-alphabet base64', () => {
    for (const text of ['Q', 'QQ', 'QQ=', 'QQ===', 'Q===', 'QU=I', 'QUJD\n', 'QU JD', '-_-_', '!!!!', 'QUJDQ']) {
      expect(parseBinary(text), text).toBeUndefined();
    }
  });
});

describe('explainInvalidPolicyValue', () => {
  it('String operators accept any text', () => {
    expect(explainInvalidPolicyValue(op('StringEquals'), '')).toBeUndefined();
    expect(explainInvalidPolicyValue(op('StringLike'), '${oops')).toBeUndefined();
  });

  it('Numeric operators need a number', () => {
    expect(explainInvalidPolicyValue(op('NumericLessThan'), '10')).toBeUndefined();
    expect(explainInvalidPolicyValue(op('NumericLessThan'), 'ten')).toBe('"ten" is not a number, which NumericLessThan needs');
  });

  it('Date operators need a date', () => {
    expect(explainInvalidPolicyValue(op('DateGreaterThan'), '2026-01-31T12:00:00Z')).toBeUndefined();
    expect(explainInvalidPolicyValue(op('DateGreaterThan'), '1700000000')).toBeUndefined();
    expect(explainInvalidPolicyValue(op('DateGreaterThan'), 'tomorrow')).toBe('"tomorrow" is not a date; use ISO 8601 (2026-01-31T12:00:00Z) or epoch seconds');
  });

  it('Bool needs true or false', () => {
    expect(explainInvalidPolicyValue(op('Bool'), 'TRUE')).toBeUndefined();
    expect(explainInvalidPolicyValue(op('Bool'), 'yes')).toBe('"yes" is not "true" or "false"');
  });

  it('BinaryEquals needs base64', () => {
    expect(explainInvalidPolicyValue(op('BinaryEquals'), 'QUJD')).toBeUndefined();
    expect(explainInvalidPolicyValue(op('BinaryEquals'), 'not base64')).toBe('"not base64" is not base64-encoded');
  });

  it('IpAddress operators need an address or CIDR block', () => {
    expect(explainInvalidPolicyValue(op('NotIpAddress'), '203.0.113.0/24')).toBeUndefined();
    expect(explainInvalidPolicyValue(op('IpAddress'), '2001:db8::/32')).toBeUndefined();
    expect(explainInvalidPolicyValue(op('IpAddress'), '256.0.0.0/8')).toBe('"256.0.0.0/8" is not an IPv4 or IPv6 address or CIDR block (e.g. 203.0.113.0/24)');
  });

  it('Arn operators need an ARN, "*", or a value with a policy variable', () => {
    expect(explainInvalidPolicyValue(op('ArnLike'), 'arn:aws:iam::123456789012:role/*')).toBeUndefined();
    expect(explainInvalidPolicyValue(op('ArnEquals'), '*')).toBeUndefined();
    expect(explainInvalidPolicyValue(op('ArnEquals'), '${aws:PrincipalArn}')).toBeUndefined();
    expect(explainInvalidPolicyValue(op('ArnNotLike'), 'role/admin')).toBe('"role/admin" is not an ARN');
  });

  it('Null takes true or false, whatever the qualifier', () => {
    expect(explainInvalidPolicyValue(op('Null'), 'false')).toBeUndefined();
    expect(explainInvalidPolicyValue(op('ForAllValues:Null'), 'True')).toBeUndefined();
    expect(explainInvalidPolicyValue(op('Null'), 'absent')).toBe('Null takes "true" (the key is absent) or "false" (it is present), not "absent"');
  });

  it('the IfExists form is judged like the plain operator', () => {
    expect(explainInvalidPolicyValue(op('NumericEqualsIfExists'), 'x')).toBe('"x" is not a number, which NumericEquals needs');
  });
});
