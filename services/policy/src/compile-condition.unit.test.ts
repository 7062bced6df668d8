import { describe, expect, it } from 'vitest';
import { type CompiledCondition, compileCondition } from './compile-condition.js';
import { parsePolicy } from './parse-policy.js';
import type { PolicyVersion } from './policy-document.js';
import { type ContextInput, RequestContext } from './request-context.js';

// Pages cited in `// AWS:` comments are under https://docs.aws.amazon.com/IAM/latest/UserGuide/.

/** Parses a one-statement identity policy and compiles the first condition clause of its statement. */
function compile(condition: Record<string, unknown>, version: PolicyVersion | 'none' = '2012-10-17'): CompiledCondition {
  const statement = { Effect: 'Allow', Action: '*', Resource: '*', Condition: condition };
  const document = version === 'none' ? { Statement: [statement] } : { Version: version, Statement: [statement] };
  const parsed = parsePolicy(document, 'identity');
  if (!parsed.document) throw new Error(`fixture does not parse: ${JSON.stringify(parsed.findings)}`);
  const clause = parsed.document.statements[0]?.conditions[0];
  if (!clause) throw new Error('fixture has no condition clause');
  return compileCondition(clause);
}

function run(condition: CompiledCondition, context: ContextInput = {}): boolean {
  return condition(RequestContext.from(context));
}

describe('values and negation', () => {
  it('the values listed for a key are ORed', () => {
    // AWS: reference_policies_condition-logic-multiple-context-keys-or-values.html — several values for one key are evaluated with a logical OR
    const condition = compile({ StringEquals: { 'aws:username': ['alice', 'bob'] } });
    expect(run(condition, { 'aws:username': 'alice' })).toBe(true);
    expect(run(condition, { 'aws:username': 'bob' })).toBe(true);
    expect(run(condition, { 'aws:username': 'carol' })).toBe(false);
    // String matching is case-sensitive
    expect(run(condition, { 'aws:username': 'Alice' })).toBe(false);
  });

  it('a negated operator NORs its values', () => {
    // AWS: reference_policies_condition-logic-multiple-context-keys-or-values.html — for a negated operator the values are evaluated with a logical NOR
    const condition = compile({ StringNotEquals: { 'aws:username': ['alice', 'bob'] } });
    expect(run(condition, { 'aws:username': 'alice' })).toBe(false);
    expect(run(condition, { 'aws:username': 'bob' })).toBe(false);
    expect(run(condition, { 'aws:username': 'carol' })).toBe(true);
  });

  it('a missing key makes a positive operator false and a negated one true', () => {
    // AWS: reference_policies_elements_condition_operators.html — an absent key does not match, so the condition is false; a negated operator (e.g. StringNotLike) is then true
    expect(run(compile({ StringEquals: { 'aws:username': 'alice' } }))).toBe(false);
    expect(run(compile({ StringNotEquals: { 'aws:username': 'alice' } }))).toBe(true);
    expect(run(compile({ StringNotLike: { 'aws:username': 'a*' } }))).toBe(true);
    expect(run(compile({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/x' } }))).toBe(true);
    expect(run(compile({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }))).toBe(true);
    expect(run(compile({ NumericLessThan: { 's3:max-keys': '10' } }))).toBe(false);
  });

  it('condition keys are matched case-insensitively', () => {
    // AWS: reference_policies_elements_condition.html — condition key names are not case-sensitive
    const condition = compile({ StringEquals: { 'AWS:UserName': 'alice' } });
    expect(run(condition, { 'aws:username': 'alice' })).toBe(true);
    expect(run(condition, { 'Aws:USERNAME': 'alice' })).toBe(true);
    expect(run(condition, { 'aws:username': 'bob' })).toBe(false);
  });

  it('StringEqualsIgnoreCase ignores case, StringEquals does not', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_String — StringEqualsIgnoreCase is exact matching, ignoring case
    const condition = compile({ StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': ['Eng', 'OPS'] } });
    expect(run(condition, { 'aws:PrincipalTag/team': 'eNG' })).toBe(true);
    expect(run(condition, { 'aws:PrincipalTag/team': 'ops' })).toBe(true);
    expect(run(condition, { 'aws:PrincipalTag/team': 'eng2' })).toBe(false);
    const negated = compile({ StringNotEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'Eng' } });
    expect(run(negated, { 'aws:PrincipalTag/team': 'ENG' })).toBe(false);
    expect(run(negated, { 'aws:PrincipalTag/team': 'ops' })).toBe(true);
  });

  it('StringLike takes * and ?, StringEquals takes them literally', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_String — StringLike values can include * and ? anywhere in the string
    const like = compile({ StringLike: { 's3:prefix': ['home/*', 'tmp/?'] } });
    expect(run(like, { 's3:prefix': 'home/alice/doc' })).toBe(true);
    expect(run(like, { 's3:prefix': 'tmp/a' })).toBe(true);
    expect(run(like, { 's3:prefix': 'tmp/ab' })).toBe(false);
    expect(run(like, { 's3:prefix': 'Home/alice' })).toBe(false);
    const notLike = compile({ StringNotLike: { 's3:prefix': 'home/*' } });
    expect(run(notLike, { 's3:prefix': 'home/x' })).toBe(false);
    expect(run(notLike, { 's3:prefix': 'other' })).toBe(true);
    const equals = compile({ StringEquals: { 's3:prefix': 'home/*' } });
    expect(run(equals, { 's3:prefix': 'home/*' })).toBe(true);
    expect(run(equals, { 's3:prefix': 'home/x' })).toBe(false);
  });

  it('an empty string value is a present value', () => {
    const condition = compile({ StringEquals: { 's3:prefix': '' } });
    expect(run(condition, { 's3:prefix': '' })).toBe(true);
    expect(run(condition, { 's3:prefix': 'x' })).toBe(false);
  });
});

describe('IfExists', () => {
  it('is true when the key is absent, and checks the value when it is present', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_IfExists — if the key is absent the condition is true; if present it is evaluated as written
    const condition = compile({ StringEqualsIfExists: { 'ec2:InstanceType': ['t3.micro', 't3.small'] } });
    expect(run(condition)).toBe(true);
    expect(run(condition, { 'ec2:InstanceType': 't3.small' })).toBe(true);
    expect(run(condition, { 'ec2:InstanceType': 'm5.large' })).toBe(false);
  });

  it('negated IfExists: absent true, present-and-equal false', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_IfExists — absent key makes an ...IfExists condition true
    const condition = compile({ StringNotEqualsIfExists: { 'ec2:InstanceType': 't3.micro' } });
    expect(run(condition)).toBe(true);
    expect(run(condition, { 'ec2:InstanceType': 't3.micro' })).toBe(false);
    expect(run(condition, { 'ec2:InstanceType': 'm5.large' })).toBe(true);
  });

  it('an empty list counts as absent', () => {
    const condition = compile({ StringEqualsIfExists: { 'aws:TagKeys': 'env' } });
    expect(run(condition, { 'aws:TagKeys': [] })).toBe(true);
  });
});

describe('set qualifiers', () => {
  it('ForAllValues: every request value must match some policy value', () => {
    // AWS: reference_policies_condition-single-vs-multi-valued-context-keys.html — ForAllValues is true if every request value matches at least one policy value
    const condition = compile({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } });
    expect(run(condition, { 'aws:TagKeys': ['env'] })).toBe(true);
    expect(run(condition, { 'aws:TagKeys': ['env', 'team'] })).toBe(true);
    expect(run(condition, { 'aws:TagKeys': ['env', 'cost'] })).toBe(false);
    expect(run(condition, { 'aws:TagKeys': ['cost'] })).toBe(false);
    expect(run(condition, { 'aws:TagKeys': 'team' })).toBe(true);
    expect(run(condition, { 'aws:TagKeys': 'cost' })).toBe(false);
  });

  it('ForAllValues is true when the key is absent or empty', () => {
    // AWS: reference_policies_condition-single-vs-multi-valued-context-keys.html — ForAllValues returns true if the key is missing or resolves to an empty set
    const condition = compile({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } });
    expect(run(condition)).toBe(true);
    expect(run(condition, { 'aws:TagKeys': [] })).toBe(true);
  });

  it('ForAnyValue: at least one request value must match', () => {
    // AWS: reference_policies_condition-single-vs-multi-valued-context-keys.html — ForAnyValue is true if at least one request value matches a policy value
    const condition = compile({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env', 'team'] } });
    expect(run(condition, { 'aws:TagKeys': ['cost', 'team'] })).toBe(true);
    expect(run(condition, { 'aws:TagKeys': ['env'] })).toBe(true);
    expect(run(condition, { 'aws:TagKeys': ['cost', 'owner'] })).toBe(false);
    expect(run(condition, { 'aws:TagKeys': 'env' })).toBe(true);
    expect(run(condition, { 'aws:TagKeys': 'cost' })).toBe(false);
  });

  it('ForAnyValue is false when the key is absent or empty', () => {
    // AWS: reference_policies_condition-single-vs-multi-valued-context-keys.html — ForAnyValue returns false if the key is missing or resolves to an empty set
    const condition = compile({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env', 'team'] } });
    expect(run(condition)).toBe(false);
    expect(run(condition, { 'aws:TagKeys': [] })).toBe(false);
  });

  it('ForAllValues with a negated operator: no request value may match any policy value', () => {
    // AWS: reference_policies_condition_examples-multi-valued-context-keys.html — ForAllValues:StringNotLike is true only when every request value matches none of the patterns
    const condition = compile({ 'ForAllValues:StringNotLike': { 'aws:TagKeys': ['key1*'] } });
    expect(run(condition, { 'aws:TagKeys': ['other', 'cost'] })).toBe(true);
    expect(run(condition, { 'aws:TagKeys': ['other', 'key1a'] })).toBe(false);
    expect(run(condition, { 'aws:TagKeys': ['key1a'] })).toBe(false);
    expect(run(condition)).toBe(true);
    expect(run(condition, { 'aws:TagKeys': [] })).toBe(true);
  });

  it('ForAnyValue with a negated operator: some request value matches none of the policy values', () => {
    const condition = compile({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['env', 'team'] } });
    expect(run(condition, { 'aws:TagKeys': ['env', 'cost'] })).toBe(true);
    expect(run(condition, { 'aws:TagKeys': ['env', 'team'] })).toBe(false);
    expect(run(condition, { 'aws:TagKeys': ['team'] })).toBe(false);
    expect(run(condition)).toBe(false);
    expect(run(condition, { 'aws:TagKeys': [] })).toBe(false);
  });

  it('IfExists makes a ForAnyValue condition true on an absent key', () => {
    const condition = compile({ 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'env' } });
    expect(run(condition)).toBe(true);
    expect(run(condition, { 'aws:TagKeys': ['cost'] })).toBe(false);
    expect(run(condition, { 'aws:TagKeys': ['cost', 'env'] })).toBe(true);
  });

  it('ForAnyValue:StringLike matches a pattern against each request value', () => {
    const condition = compile({ 'ForAnyValue:StringLike': { 'aws:TagKeys': 'cost-*' } });
    expect(run(condition, { 'aws:TagKeys': ['env', 'cost-center'] })).toBe(true);
    expect(run(condition, { 'aws:TagKeys': ['env', 'costcenter'] })).toBe(false);
  });
});

describe('unqualified operator on a multivalued key', () => {
  it('is true when any value matches', () => {
    const condition = compile({ StringEquals: { 'aws:TagKeys': ['env', 'team'] } });
    expect(run(condition, { 'aws:TagKeys': ['cost', 'team'] })).toBe(true);
    expect(run(condition, { 'aws:TagKeys': ['cost', 'owner'] })).toBe(false);
    expect(run(condition, { 'aws:TagKeys': [] })).toBe(false);
  });

  it('a negated one is true only when no value matches', () => {
    const condition = compile({ StringNotEquals: { 'aws:TagKeys': ['env', 'team'] } });
    expect(run(condition, { 'aws:TagKeys': ['cost', 'team'] })).toBe(false);
    expect(run(condition, { 'aws:TagKeys': ['cost', 'owner'] })).toBe(true);
    expect(run(condition, { 'aws:TagKeys': [] })).toBe(true);
  });
});

describe('Null', () => {
  it('Null true holds when the key is absent (or an empty list), not when present', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_Null — "true" means the key does not exist (is null)
    const condition = compile({ Null: { 'aws:TokenIssueTime': 'true' } });
    expect(run(condition)).toBe(true);
    expect(run(condition, { 'aws:TokenIssueTime': [] })).toBe(true);
    expect(run(condition, { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' })).toBe(false);
    expect(run(condition, { 'aws:TokenIssueTime': ['x'] })).toBe(false);
  });

  it('Null false holds when the key is present, not when absent or an empty list', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_Null — "false" means the key exists and its value is not null
    const condition = compile({ Null: { 'aws:TokenIssueTime': 'false' } });
    expect(run(condition)).toBe(false);
    expect(run(condition, { 'aws:TokenIssueTime': [] })).toBe(false);
    expect(run(condition, { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' })).toBe(true);
    expect(run(condition, { 'aws:TagKeys': ['a'] })).toBe(false);
    expect(run(compile({ Null: { 'aws:TagKeys': 'false' } }), { 'aws:TagKeys': ['a'] })).toBe(true);
  });

  it('Null reads JSON booleans and any letter case', () => {
    const condition = compile({ Null: { 'aws:TokenIssueTime': true } });
    expect(run(condition)).toBe(true);
    expect(run(condition, { 'aws:TokenIssueTime': 'x' })).toBe(false);
    expect(run(compile({ Null: { 'aws:TokenIssueTime': 'FALSE' } }), { 'aws:TokenIssueTime': 'x' })).toBe(true);
  });

  it('Null with both true and false is always true (values are ORed)', () => {
    const condition = compile({ Null: { 'aws:TokenIssueTime': ['true', 'false'] } });
    expect(run(condition)).toBe(true);
    expect(run(condition, { 'aws:TokenIssueTime': 'x' })).toBe(true);
  });

  it('ForAllValues:Null is always true', () => {
    // Module contract (compile-condition.ts): the qualified Null forms are constants.
    for (const expected of ['true', 'false']) {
      const condition = compile({ 'ForAllValues:Null': { 'aws:TagKeys': expected } });
      expect(run(condition)).toBe(true);
      expect(run(condition, { 'aws:TagKeys': [] })).toBe(true);
      expect(run(condition, { 'aws:TagKeys': ['a'] })).toBe(true);
      expect(run(condition, { 'aws:TagKeys': 'a' })).toBe(true);
    }
  });

  it('ForAnyValue:Null is always false', () => {
    // Module contract (compile-condition.ts): the qualified Null forms are constants.
    for (const expected of ['true', 'false']) {
      const condition = compile({ 'ForAnyValue:Null': { 'aws:TagKeys': expected } });
      expect(run(condition)).toBe(false);
      expect(run(condition, { 'aws:TagKeys': [] })).toBe(false);
      expect(run(condition, { 'aws:TagKeys': ['a'] })).toBe(false);
      expect(run(condition, { 'aws:TagKeys': 'a' })).toBe(false);
    }
  });
});

describe('Numeric operators', () => {
  it('compare as numbers, each operator on both sides of its boundary', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_Numeric — NumericLessThan, ...Equals, ...GreaterThan compare numeric values
    const key = 's3:max-keys';
    const cases: [string, string, boolean][] = [
      ['NumericEquals', '10', true],
      ['NumericEquals', '10.0', true],
      ['NumericEquals', '9', false],
      ['NumericNotEquals', '10', false],
      ['NumericNotEquals', '11', true],
      ['NumericLessThan', '9', true],
      ['NumericLessThan', '10', false],
      ['NumericLessThanEquals', '10', true],
      ['NumericLessThanEquals', '11', false],
      ['NumericGreaterThan', '11', true],
      ['NumericGreaterThan', '10', false],
      ['NumericGreaterThanEquals', '10', true],
      ['NumericGreaterThanEquals', '9.99', false],
    ];
    for (const [operator, value, expected] of cases) {
      expect(run(compile({ [operator]: { [key]: '10' } }), { [key]: value }), `${operator} 10 vs ${value}`).toBe(expected);
    }
  });

  it('compares numerically, not as text', () => {
    const condition = compile({ NumericLessThan: { 's3:max-keys': '100' } });
    expect(run(condition, { 's3:max-keys': '9' })).toBe(true);
    expect(run(condition, { 's3:max-keys': '1000' })).toBe(false);
  });

  it('ORs several policy values', () => {
    const condition = compile({ NumericEquals: { 's3:max-keys': [5, 10] } });
    expect(run(condition, { 's3:max-keys': 10 })).toBe(true);
    expect(run(condition, { 's3:max-keys': 5 })).toBe(true);
    expect(run(condition, { 's3:max-keys': 7 })).toBe(false);
  });

  it('a request value that is not a number does not match a positive operator', () => {
    const condition = compile({ NumericLessThan: { 's3:max-keys': '10' } });
    expect(run(condition, { 's3:max-keys': 'five' })).toBe(false);
    expect(run(condition, { 's3:max-keys': '5' })).toBe(true);
  });
});

describe('Date operators', () => {
  it('compare instants', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_Date — Date operators compare date/time values
    const key = 'aws:CurrentTime';
    const policy = '2026-01-01T00:00:00Z';
    const cases: [string, string, boolean][] = [
      ['DateEquals', '2026-01-01T00:00:00Z', true],
      ['DateEquals', '2026-01-01T00:00:01Z', false],
      ['DateNotEquals', '2026-01-01T00:00:00Z', false],
      ['DateNotEquals', '2026-01-02T00:00:00Z', true],
      ['DateLessThan', '2025-12-31T23:59:59Z', true],
      ['DateLessThan', '2026-01-01T00:00:00Z', false],
      ['DateLessThanEquals', '2026-01-01T00:00:00Z', true],
      ['DateLessThanEquals', '2026-01-01T00:00:01Z', false],
      ['DateGreaterThan', '2026-06-01T00:00:00Z', true],
      ['DateGreaterThan', '2026-01-01T00:00:00Z', false],
      ['DateGreaterThanEquals', '2026-01-01T00:00:00Z', true],
      ['DateGreaterThanEquals', '2025-12-31T23:59:59Z', false],
    ];
    for (const [operator, value, expected] of cases) {
      expect(run(compile({ [operator]: { [key]: policy } }), { [key]: value }), `${operator} ${policy} vs ${value}`).toBe(expected);
    }
  });

  it('compares an epoch-seconds request value and an offset with the ISO policy value', () => {
    const condition = compile({ DateEquals: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } });
    expect(run(condition, { 'aws:CurrentTime': String(Date.UTC(2026, 0, 1) / 1000) })).toBe(true);
    expect(run(condition, { 'aws:CurrentTime': '2026-01-01T01:00:00+01:00' })).toBe(true);
    expect(run(condition, { 'aws:CurrentTime': '2026-01-01T00:00:00+01:00' })).toBe(false);
  });

  it('a request value that is not a date does not match', () => {
    const condition = compile({ DateLessThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } });
    expect(run(condition, { 'aws:CurrentTime': 'yesterday' })).toBe(false);
  });
});

describe('Bool', () => {
  it('matches true or false, case-insensitively', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_Boolean — Bool matches a true/false value
    const condition = compile({ Bool: { 'aws:SecureTransport': 'true' } });
    expect(run(condition, { 'aws:SecureTransport': 'true' })).toBe(true);
    expect(run(condition, { 'aws:SecureTransport': true })).toBe(true);
    expect(run(condition, { 'aws:SecureTransport': 'TRUE' })).toBe(true);
    expect(run(condition, { 'aws:SecureTransport': 'false' })).toBe(false);
    expect(run(condition, { 'aws:SecureTransport': 'yes' })).toBe(false);
    expect(run(condition)).toBe(false);
  });

  it('BoolIfExists false is true when the key is absent', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_IfExists — BoolIfExists aws:MultiFactorAuthPresent false also covers requests without the key
    const condition = compile({ BoolIfExists: { 'aws:MultiFactorAuthPresent': false } });
    expect(run(condition)).toBe(true);
    expect(run(condition, { 'aws:MultiFactorAuthPresent': 'false' })).toBe(true);
    expect(run(condition, { 'aws:MultiFactorAuthPresent': 'true' })).toBe(false);
  });
});

describe('BinaryEquals', () => {
  it('matches base64 values, comparing canonical forms', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_BinaryEquals — BinaryEquals compares base64-encoded binary values
    const key = 'example:BinaryKey';
    const condition = compile({ BinaryEquals: { [key]: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } });
    expect(run(condition, { [key]: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' })).toBe(true);
    expect(run(condition, { [key]: 'QUJD' })).toBe(false);
    expect(run(condition, { [key]: 'not base64' })).toBe(false);
    expect(run(condition)).toBe(false);
    const padded = compile({ BinaryEquals: { [key]: 'QR==' } });
    expect(run(padded, { [key]: 'QQ==' })).toBe(true);
    expect(run(padded, { [key]: 'Qg==' })).toBe(false);
  });
});

describe('IP address operators', () => {
  it('IpAddress matches addresses in any listed block', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_IPAddress — IpAddress matches an address inside the CIDR block; values are ORed
    const condition = compile({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } });
    expect(run(condition, { 'aws:SourceIp': '203.0.113.5' })).toBe(true);
    expect(run(condition, { 'aws:SourceIp': '2001:DB8:1::1' })).toBe(true);
    expect(run(condition, { 'aws:SourceIp': '198.51.100.1' })).toBe(false);
    expect(run(condition, { 'aws:SourceIp': '2001:db9::1' })).toBe(false);
    expect(run(condition, { 'aws:SourceIp': 'not-an-ip' })).toBe(false);
    expect(run(condition)).toBe(false);
  });

  it('NotIpAddress is true outside every block', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_IPAddress — NotIpAddress matches an address outside the range
    const condition = compile({ NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '198.51.100.7'] } });
    expect(run(condition, { 'aws:SourceIp': '192.0.2.1' })).toBe(true);
    expect(run(condition, { 'aws:SourceIp': '203.0.113.9' })).toBe(false);
    expect(run(condition, { 'aws:SourceIp': '198.51.100.7' })).toBe(false);
    expect(run(condition, { 'aws:SourceIp': '198.51.100.8' })).toBe(true);
  });
});

describe('ARN operators', () => {
  it('ArnLike and ArnEquals take wildcards per segment', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_ARN — ArnEquals and ArnLike behave the same; each segment can include * and ?
    for (const operator of ['ArnLike', 'ArnEquals']) {
      const condition = compile({ [operator]: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin-*' } });
      expect(run(condition, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/admin-ops' })).toBe(true);
      expect(run(condition, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/dev' })).toBe(false);
      expect(run(condition, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/Admin-ops' })).toBe(false);
      expect(run(condition, { 'aws:PrincipalArn': 'admin-ops' })).toBe(false);
    }
  });

  it('a * cannot absorb colons across segments', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_ARN — each of the six colon-delimited components is checked separately
    const condition = compile({ ArnLike: { 'aws:SourceArn': 'arn:aws:sqs:*:123456789012:queue' } });
    expect(run(condition, { 'aws:SourceArn': 'arn:aws:sqs:us-east-1:123456789012:queue' })).toBe(true);
    expect(run(condition, { 'aws:SourceArn': 'arn:aws:sqs:us-east-1:999999999999:123456789012:queue' })).toBe(false);
  });

  it('ArnNotLike and ArnNotEquals are the complements', () => {
    const condition = compile({ ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/a', 'arn:aws:iam::123456789012:role/b*'] } });
    expect(run(condition, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/a' })).toBe(false);
    expect(run(condition, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/bob' })).toBe(false);
    expect(run(condition, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/c' })).toBe(true);
    expect(run(condition, { 'aws:PrincipalArn': 'not-an-arn' })).toBe(true);
    const notEquals = compile({ ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/a' } });
    expect(run(notEquals, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/a' })).toBe(false);
    expect(run(notEquals, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/ab' })).toBe(true);
  });

  it('ArnLike "*" matches any value', () => {
    const condition = compile({ ArnLike: { 'aws:SourceArn': '*' } });
    expect(run(condition, { 'aws:SourceArn': 'arn:aws:s3:::b' })).toBe(true);
    expect(run(condition, { 'aws:SourceArn': 'anything' })).toBe(true);
    expect(run(condition)).toBe(false);
  });
});

describe('policy variables in condition values', () => {
  it('StringEquals substitutes the request value', () => {
    // AWS: reference_policies_variables.html — a policy variable in a condition value is replaced by the request's value of that key
    const condition = compile({ StringEquals: { 's3:prefix': 'home/${aws:username}' } });
    expect(run(condition, { 'aws:username': 'bob', 's3:prefix': 'home/bob' })).toBe(true);
    expect(run(condition, { 'aws:username': 'bob', 's3:prefix': 'home/alice' })).toBe(false);
    expect(run(condition, { 'aws:username': 'bob', 's3:prefix': 'home/${aws:username}' })).toBe(false);
  });

  it('variable names are case-insensitive', () => {
    // AWS: reference_policies_variables.html — policy variable names are case-insensitive
    const condition = compile({ StringEquals: { 's3:prefix': 'home/${AWS:UserName}' } });
    expect(run(condition, { 'aws:username': 'bob', 's3:prefix': 'home/bob' })).toBe(true);
    expect(run(condition, { 'Aws:Username': 'bob', 's3:prefix': 'home/bob' })).toBe(true);
  });

  it('a variable without a value or default makes a positive operator not match', () => {
    // AWS: reference_policies_variables.html — a variable whose key is not in the request and has no default does not match
    const condition = compile({ StringEquals: { 's3:prefix': ['home/${aws:username}', 'public'] } });
    expect(run(condition, { 's3:prefix': 'home/' })).toBe(false);
    expect(run(condition, { 's3:prefix': 'home/${aws:username}' })).toBe(false);
    // the literal value listed alongside still matches
    expect(run(condition, { 's3:prefix': 'public' })).toBe(true);
  });

  it('a multivalued key cannot be a variable: it counts as having no value', () => {
    const condition = compile({ StringEquals: { 's3:prefix': '${aws:TagKeys}' } });
    expect(run(condition, { 'aws:TagKeys': ['a'], 's3:prefix': 'a' })).toBe(false);
  });

  it('a default value stands in when the key is absent', () => {
    // AWS: reference_policies_variables.html — "${aws:PrincipalTag/team, 'company-wide'}" uses the default when the tag is absent
    const condition = compile({ StringEquals: { 's3:prefix': "${aws:PrincipalTag/team, 'company-wide'}" } });
    expect(run(condition, { 's3:prefix': 'company-wide' })).toBe(true);
    expect(run(condition, { 's3:prefix': 'eng' })).toBe(false);
    expect(run(condition, { 'aws:PrincipalTag/team': 'eng', 's3:prefix': 'eng' })).toBe(true);
    expect(run(condition, { 'aws:PrincipalTag/team': 'eng', 's3:prefix': 'company-wide' })).toBe(false);
  });

  it('StringEqualsIgnoreCase compares the substituted text ignoring case', () => {
    const condition = compile({ StringEqualsIgnoreCase: { 's3:prefix': 'HOME/${aws:username}' } });
    expect(run(condition, { 'aws:username': 'Bob', 's3:prefix': 'home/bOB' })).toBe(true);
    expect(run(condition, { 'aws:username': 'Bob', 's3:prefix': 'home/al' })).toBe(false);
    expect(run(condition, { 's3:prefix': 'home/' })).toBe(false);
  });

  it('StringLike keeps its wildcards around a variable', () => {
    // AWS: reference_policies_variables.html — e.g. "home/${aws:username}/*" with StringLike matches the user's own folder
    const condition = compile({ StringLike: { 's3:prefix': 'home/${aws:username}/*' } });
    expect(run(condition, { 'aws:username': 'bob', 's3:prefix': 'home/bob/docs/x' })).toBe(true);
    expect(run(condition, { 'aws:username': 'bob', 's3:prefix': 'home/bob/' })).toBe(true);
    expect(run(condition, { 'aws:username': 'bob', 's3:prefix': 'home/alice/docs' })).toBe(false);
    expect(run(condition, { 's3:prefix': 'home/bob/docs' })).toBe(false);
  });

  it('StringLike takes wildcard characters in a substituted value literally', () => {
    const condition = compile({ StringLike: { 's3:prefix': 'home/${aws:username}/*' } });
    expect(run(condition, { 'aws:username': 'b*', 's3:prefix': 'home/b*/x' })).toBe(true);
    expect(run(condition, { 'aws:username': 'b*', 's3:prefix': 'home/bob/x' })).toBe(false);
  });

  it('StringLike with a default', () => {
    const condition = compile({ StringLike: { 's3:prefix': "team/${aws:PrincipalTag/team, 'shared'}/*" } });
    expect(run(condition, { 's3:prefix': 'team/shared/a' })).toBe(true);
    expect(run(condition, { 'aws:PrincipalTag/team': 'eng', 's3:prefix': 'team/eng/a' })).toBe(true);
    expect(run(condition, { 'aws:PrincipalTag/team': 'eng', 's3:prefix': 'team/shared/a' })).toBe(false);
  });

  it('${*} and ${?} are literal characters in StringLike and StringEquals', () => {
    // AWS: reference_policies_variables.html — ${*} and ${?} stand for the literal characters * and ?
    const like = compile({ StringLike: { 's3:prefix': 'a${*}b${?}' } });
    expect(run(like, { 's3:prefix': 'a*b?' })).toBe(true);
    expect(run(like, { 's3:prefix': 'aXbY' })).toBe(false);
    const equals = compile({ StringEquals: { 's3:prefix': 'cost${$}' } });
    expect(run(equals, { 's3:prefix': 'cost$' })).toBe(true);
    expect(run(equals, { 's3:prefix': 'cost${$}' })).toBe(false);
  });

  it('ArnLike substitutes a variable inside an ARN pattern', () => {
    // AWS: reference_policies_variables.html — policy variables can be used with ARN condition operators
    const condition = compile({ ArnLike: { 'aws:SourceArn': 'arn:aws:iam::123456789012:user/${aws:username}' } });
    expect(run(condition, { 'aws:username': 'bob', 'aws:SourceArn': 'arn:aws:iam::123456789012:user/bob' })).toBe(true);
    expect(run(condition, { 'aws:username': 'bob', 'aws:SourceArn': 'arn:aws:iam::123456789012:user/alice' })).toBe(false);
    expect(run(condition, { 'aws:SourceArn': 'arn:aws:iam::123456789012:user/bob' })).toBe(false);
  });

  it('ArnLike with a default and with a variable standing for the whole ARN', () => {
    const withDefault = compile({ ArnLike: { 'aws:SourceArn': "arn:aws:iam::123456789012:user/${aws:username, 'nobody'}" } });
    expect(run(withDefault, { 'aws:SourceArn': 'arn:aws:iam::123456789012:user/nobody' })).toBe(true);
    expect(run(withDefault, { 'aws:SourceArn': 'arn:aws:iam::123456789012:user/bob' })).toBe(false);
    const whole = compile({ ArnEquals: { 'aws:SourceArn': '${aws:PrincipalArn}' } });
    expect(run(whole, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/r', 'aws:SourceArn': 'arn:aws:iam::123456789012:role/r' })).toBe(true);
    expect(run(whole, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/r', 'aws:SourceArn': 'arn:aws:iam::123456789012:role/s' })).toBe(false);
    expect(run(whole, { 'aws:SourceArn': 'arn:aws:iam::123456789012:role/r' })).toBe(false);
  });

  it('under Version 2008-10-17 or no Version, ${...} is literal text', () => {
    // AWS: reference_policies_variables.html — without Version 2012-10-17, variables are treated as literal strings
    for (const version of ['2008-10-17', 'none'] as const) {
      const condition = compile({ StringEquals: { 's3:prefix': 'home/${aws:username}' } }, version);
      expect(run(condition, { 'aws:username': 'bob', 's3:prefix': 'home/${aws:username}' })).toBe(true);
      expect(run(condition, { 'aws:username': 'bob', 's3:prefix': 'home/bob' })).toBe(false);
    }
  });
});
