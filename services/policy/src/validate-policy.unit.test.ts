import { describe, expect, it } from 'vitest';
import type { Finding } from './finding.js';
import { countPolicyCharacters } from './size-limits.js';
import { measureJsonText, validatePolicy, type ValidatePolicyOptions } from './validate-policy.js';

/**
 * Validation, check by check: each test names the finding it expects, at the path it expects.
 * Checks follow IAM Access Analyzer's policy validation (access-analyzer-reference-policy-checks).
 */
const ALICE = 'arn:aws:iam::111122223333:user/alice';

function policy(statement: object | object[], extra: object = {}): object {
  return { Version: '2012-10-17', ...extra, Statement: statement };
}

function findingsOf(input: unknown, options?: ValidatePolicyOptions): Finding[] {
  return [...validatePolicy(input, options).findings];
}

function expectFinding(input: unknown, severity: Finding['severity'], code: string, path: string, options?: ValidatePolicyOptions): Finding {
  const found = findingsOf(input, options).find((finding) => finding.code === code);
  expect(found, `${code} in ${JSON.stringify(findingsOf(input, options))}`).toBeDefined();
  expect(found!.severity).toBe(severity);
  expect(found!.path).toBe(path);
  return found!;
}

const allow = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' };

describe('a valid policy', () => {
  it('has no findings and yields a normalised document', () => {
    const result = validatePolicy(policy([allow, { ...allow, Effect: 'Deny', Sid: 'NoSecrets', Resource: 'arn:aws:s3:::bucket/secret/*' }]));
    expect(result.findings).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.document?.statements).toHaveLength(2);
    expect(result.document?.statements[1]).toMatchObject({ index: 1, sid: 'NoSecrets', effect: 'Deny', action: { negated: false, values: ['s3:GetObject'] } });
  });

  it('accepts Statement as a single object and counts its size without white space', () => {
    const text = JSON.stringify(policy(allow), null, 4);
    const result = validatePolicy(text);
    expect(result.valid).toBe(true);
    expect(result.size).toBe(JSON.stringify(policy(allow)).length);
  });
});

describe('structure errors', () => {
  it('malformed JSON', () => {
    expectFinding('{"Version": "2012-10-17", "Statement": [', 'error', 'JSON_SYNTAX_ERROR', '$');
  });

  it('a document that is not an object', () => {
    expectFinding('[]', 'error', 'DATA_TYPE_MISMATCH', '$');
  });

  it('unknown top-level and statement elements (names are case-sensitive)', () => {
    expectFinding(policy(allow, { Foo: 1 }), 'error', 'INVALID_POLICY_ELEMENT', '$.Foo');
    expectFinding(policy({ ...allow, effect: 'Allow' }), 'error', 'INVALID_POLICY_ELEMENT', '$.Statement.effect');
  });

  it('an invalid Version', () => {
    expectFinding(policy(allow, { Version: '2012-10-18' }), 'error', 'INVALID_VERSION', '$.Version');
  });

  it('a missing or empty Statement', () => {
    expectFinding({ Version: '2012-10-17' }, 'error', 'MISSING_STATEMENT', '$');
    expectFinding(policy([]), 'error', 'MISSING_STATEMENT', '$.Statement');
  });

  it('a missing Effect, and a wrongly cased one with a hint', () => {
    const { Effect: _effect, ...noEffect } = allow;
    expectFinding(policy([noEffect]), 'error', 'MISSING_EFFECT', '$.Statement[0]');
    const finding = expectFinding(policy([{ ...allow, Effect: 'allow' }]), 'error', 'INVALID_EFFECT', '$.Statement[0].Effect');
    expect(finding.message).toContain('write "Allow"');
  });

  it('Action and NotAction together, or neither', () => {
    expectFinding(policy({ ...allow, NotAction: 's3:PutObject' }), 'error', 'UNSUPPORTED_ELEMENT_COMBINATION', '$.Statement');
    const { Action: _action, ...noAction } = allow;
    expectFinding(policy(noAction), 'error', 'MISSING_ACTION', '$.Statement');
  });

  it('an action that is not service:name', () => {
    expectFinding(policy({ ...allow, Action: ['s3:GetObject', 'GetObject'] }), 'error', 'INVALID_ACTION', '$.Statement.Action[1]');
    expectFinding(policy({ ...allow, Action: 's3:Get Object' }), 'error', 'INVALID_ACTION', '$.Statement.Action');
  });

  it('values of the wrong type', () => {
    expectFinding(policy({ ...allow, Action: 42 }), 'error', 'DATA_TYPE_MISMATCH', '$.Statement.Action');
    expectFinding(policy({ ...allow, Resource: ['arn:aws:s3:::a', null] }), 'error', 'DATA_TYPE_MISMATCH', '$.Statement.Resource[1]');
    expectFinding(policy({ ...allow, Sid: 7 }), 'error', 'DATA_TYPE_MISMATCH', '$.Statement.Sid');
    expectFinding(policy({ ...allow, Condition: [] }), 'error', 'DATA_TYPE_MISMATCH', '$.Statement.Condition');
    expectFinding(policy({ ...allow, Condition: { StringEquals: { 'aws:username': { nested: true } } } }), 'error', 'DATA_TYPE_MISMATCH', '$.Statement.Condition.StringEquals["aws:username"]');
  });

  it('a Resource that is neither "*" nor an ARN, and ARNs with wildcards in partition or service', () => {
    expectFinding(policy({ ...allow, Resource: 'bucket/*' }), 'error', 'INVALID_ARN', '$.Statement.Resource');
    expectFinding(policy({ ...allow, Resource: 'arn:aws:s3:bucket' }), 'error', 'INVALID_ARN', '$.Statement.Resource');
    expectFinding(policy({ ...allow, Resource: 'arn:aws:s*:::bucket' }), 'error', 'INVALID_ARN', '$.Statement.Resource');
    expectFinding(policy({ ...allow, Resource: 'arn:aws:S3:::bucket' }), 'error', 'INVALID_ARN_SERVICE_CASE', '$.Statement.Resource');
    // A pattern cut short after a trailing * is an ARN whose star spans the rest.
    expect(validatePolicy(policy({ ...allow, Resource: 'arn:aws:s3:*' })).valid).toBe(true);
  });

  it('Sid with characters IAM does not accept', () => {
    expectFinding(policy({ ...allow, Sid: 'read-only' }), 'error', 'INVALID_SID', '$.Statement.Sid');
    // Resource policies of other services accept more; there it is a warning.
    expectFinding(policy({ ...allow, Sid: 'read-only', Principal: '*' }), 'warning', 'INVALID_SID', '$.Statement.Sid', { kind: 'resource' });
  });

  it('duplicate Sids: required unique in IAM policies', () => {
    expectFinding(
      policy([
        { ...allow, Sid: 'A' },
        { ...allow, Sid: 'A' },
      ]),
      'error',
      'UNIQUE_SIDS_REQUIRED',
      '$.Statement[1].Sid',
    );
  });

  it('duplicate keys in the JSON text', () => {
    expectFinding('{"Version":"2012-10-17","Statement":{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}}', 'error', 'DUPLICATE_KEY', '$.Statement.Effect');
  });

  it('characters outside what IAM accepts', () => {
    expectFinding(policy({ ...allow, Sid: 'Caf\u00e9' }), 'error', 'INVALID_SID', '$.Statement.Sid');
    expectFinding(policy({ ...allow, Resource: 'arn:aws:s3:::bucket/\u4e2d' }), 'error', 'UNSUPPORTED_CHARACTER', '$');
  });
});

describe('principals', () => {
  it('identity-based policies, boundaries and session policies cannot name a Principal', () => {
    for (const kind of ['identity', 'boundary', 'session'] as const) {
      expectFinding(policy({ ...allow, Principal: '*' }), 'error', 'UNSUPPORTED_ELEMENT', '$.Statement.Principal', { kind });
    }
  });

  it('resource-based and trust policies must', () => {
    expectFinding(policy(allow), 'error', 'MISSING_PRINCIPAL', '$.Statement', { kind: 'resource' });
    expectFinding(policy({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'error', 'MISSING_PRINCIPAL', '$.Statement', { kind: 'trust' });
  });

  it('Allow with NotPrincipal is a security warning and is refused (AWS supports NotPrincipal only with Deny)', () => {
    const input = policy({ ...allow, NotPrincipal: { AWS: ALICE } });
    expectFinding(input, 'security_warning', 'ALLOW_WITH_NOT_PRINCIPAL', '$.Statement.NotPrincipal', { kind: 'resource' });
    expect(validatePolicy(input, { kind: 'resource' }).valid).toBe(false);
    expect(validatePolicy(policy({ ...allow, Effect: 'Deny', NotPrincipal: { AWS: [ALICE, '111122223333'] } }), { kind: 'resource' }).valid).toBe(true);
  });

  it('partial wildcards and unknown principal types', () => {
    expectFinding(policy({ ...allow, Principal: { AWS: 'arn:aws:iam::111122223333:user/*' } }), 'error', 'INVALID_PRINCIPAL_WILDCARD', '$.Statement.Principal.AWS', { kind: 'resource' });
    expectFinding(policy({ ...allow, Principal: { Service: '*' } }), 'error', 'INVALID_PRINCIPAL_WILDCARD', '$.Statement.Principal.Service', { kind: 'resource' });
    expectFinding(policy({ ...allow, Principal: { User: ALICE } }), 'error', 'INVALID_PRINCIPAL_KEY', '$.Statement.Principal.User', { kind: 'resource' });
    expectFinding(policy({ ...allow, Principal: { AWS: 'alice' } }), 'error', 'INVALID_PRINCIPAL_FORMAT', '$.Statement.Principal.AWS', { kind: 'resource' });
    expectFinding(policy({ ...allow, Principal: 'everyone' }), 'error', 'INVALID_PRINCIPAL_FORMAT', '$.Statement.Principal', { kind: 'resource' });
  });

  it('a trust policy names no Resource and cannot use NotPrincipal', () => {
    expectFinding(policy({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole', Resource: '*' }), 'error', 'UNSUPPORTED_ELEMENT', '$.Statement.Resource', { kind: 'trust' });
    expectFinding(policy({ Effect: 'Deny', NotPrincipal: { AWS: ALICE }, Action: 'sts:AssumeRole' }), 'error', 'UNSUPPORTED_ELEMENT', '$.Statement.NotPrincipal', { kind: 'trust' });
  });

  it('a public grant with no condition is a security warning', () => {
    expectFinding(policy({ ...allow, Principal: '*' }), 'security_warning', 'PUBLIC_ACCESS', '$.Statement.Principal', { kind: 'resource' });
    const guarded = policy({ ...allow, Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-123' } } });
    expect(findingsOf(guarded, { kind: 'resource' }).map((finding) => finding.code)).not.toContain('PUBLIC_ACCESS');
  });
});

describe('conditions', () => {
  const withCondition = (condition: object): object => policy({ ...allow, Condition: condition });

  it('an unknown operator, with a suggestion when only the case is wrong', () => {
    const finding = expectFinding(withCondition({ stringequals: { 'aws:username': 'a' } }), 'error', 'INVALID_CONDITION_OPERATOR', '$.Statement.Condition.stringequals');
    expect(finding.message).toContain('did you mean "StringEquals"?');
    expectFinding(withCondition({ StringEqualz: { 'aws:username': 'a' } }), 'error', 'INVALID_CONDITION_OPERATOR', '$.Statement.Condition.StringEqualz');
    expectFinding(withCondition({ NullIfExists: { 'aws:username': 'true' } }), 'error', 'INVALID_CONDITION_OPERATOR', '$.Statement.Condition.NullIfExists');
  });

  it('values that do not fit the operator', () => {
    const path = (operator: string, key: string): string => `$.Statement.Condition.${operator}["${key}"]`;
    expectFinding(withCondition({ NumericLessThan: { 's3:max-keys': 'ten' } }), 'error', 'INVALID_CONDITION_VALUE', path('NumericLessThan', 's3:max-keys'));
    expectFinding(withCondition({ DateLessThan: { 'aws:CurrentTime': 'tomorrow' } }), 'error', 'INVALID_CONDITION_VALUE', path('DateLessThan', 'aws:CurrentTime'));
    expectFinding(withCondition({ Bool: { 'aws:SecureTransport': 'yes' } }), 'error', 'INVALID_CONDITION_VALUE', path('Bool', 'aws:SecureTransport'));
    expectFinding(withCondition({ IpAddress: { 'aws:SourceIp': '203.0.113.0/33' } }), 'error', 'INVALID_CONDITION_VALUE', path('IpAddress', 'aws:SourceIp'));
    expectFinding(withCondition({ BinaryEquals: { 'k:bin': 'not base64!' } }), 'error', 'INVALID_CONDITION_VALUE', path('BinaryEquals', 'k:bin'));
    expectFinding(withCondition({ ArnLike: { 'aws:SourceArn': 'bucket' } }), 'error', 'INVALID_CONDITION_VALUE', path('ArnLike', 'aws:SourceArn'));
    expectFinding(withCondition({ Null: { 'aws:TokenIssueTime': 'maybe' } }), 'error', 'INVALID_CONDITION_VALUE', path('Null', 'aws:TokenIssueTime'));
  });

  it('Bool takes one value', () => {
    expectFinding(withCondition({ Bool: { 'aws:SecureTransport': ['true', 'false'] } }), 'error', 'INVALID_CONDITION_MULTIPLE_BOOLEAN', '$.Statement.Condition.Bool["aws:SecureTransport"]');
  });

  it('the same key twice in different case', () => {
    expectFinding(withCondition({ StringEquals: { 'aws:username': 'a', 'AWS:UserName': 'b' } }), 'error', 'DUPLICATE_KEYS_WITH_DIFFERENT_CASE', '$.Statement.Condition.StringEquals["AWS:UserName"]');
  });

  it('a multivalued key needs a set qualifier; ForAllValues on a single-valued key is a security warning', () => {
    expectFinding(withCondition({ StringEquals: { 'aws:TagKeys': 'env' } }), 'error', 'MISSING_QUALIFIER', '$.Statement.Condition.StringEquals["aws:TagKeys"]');
    expectFinding(
      withCondition({ 'ForAllValues:StringEquals': { 'aws:username': 'a' } }),
      'security_warning',
      'FORALLVALUES_WITH_SINGLE_VALUED_KEY',
      '$.Statement.Condition["ForAllValues:StringEquals"]["aws:username"]',
    );
  });

  it('type mismatches, wildcards without a Like operator, unknown global keys, Null with a qualifier', () => {
    expectFinding(withCondition({ IpAddress: { 'aws:username': '203.0.113.0/24' } }), 'warning', 'TYPE_MISMATCH', '$.Statement.Condition.IpAddress["aws:username"]');
    expectFinding(withCondition({ StringEquals: { 'aws:username': 'a*' } }), 'warning', 'WILDCARD_WITHOUT_LIKE_OPERATOR', '$.Statement.Condition.StringEquals["aws:username"]');
    expectFinding(withCondition({ StringEquals: { 'aws:usrname': 'a' } }), 'warning', 'UNKNOWN_GLOBAL_CONDITION_KEY', '$.Statement.Condition.StringEquals["aws:usrname"]');
    expectFinding(withCondition({ 'ForAllValues:Null': { 'aws:TagKeys': 'true' } }), 'suggestion', 'NULL_WITH_QUALIFIER', '$.Statement.Condition["ForAllValues:Null"]["aws:TagKeys"]');
  });

  it('policy variables: only in Resource and String/ARN conditions, and well formed', () => {
    expectFinding(policy({ ...allow, Action: 's3:${aws:username}' }), 'error', 'VARIABLE_UNSUPPORTED_IN_ELEMENT', '$.Statement.Action');
    expectFinding(
      withCondition({ NumericEquals: { 'aws:MultiFactorAuthAge': '${aws:EpochTime}' } }),
      'error',
      'VARIABLE_UNSUPPORTED_IN_OPERATOR',
      '$.Statement.Condition.NumericEquals["aws:MultiFactorAuthAge"]',
    );
    expectFinding(policy({ ...allow, Resource: 'arn:aws:s3:::bucket/${aws:username' }), 'error', 'INVALID_POLICY_VARIABLE', '$.Statement.Resource');
    expectFinding(policy({ ...allow, Resource: 'arn:aws:iam::${aws:PrincipalAccount}:user/x' }), 'error', 'VARIABLE_UNSUPPORTED_IN_ELEMENT', '$.Statement.Resource');
    expect(validatePolicy(policy({ ...allow, Resource: "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*" })).valid).toBe(true);
  });
});

describe('web identity condition keys', () => {
  it('are named after the issuer: host, optional port and path, a colon, a claim', () => {
    for (const key of ['token.actions.githubusercontent.com:sub', 'accounts.google.com:aud', 'oidc.eks.us-east-1.amazonaws.com/id/ABC123:aud', '127.0.0.1:8443/issuer:amr']) {
      expect(
        validatePolicy(policy({ ...allow, Condition: { StringEquals: { [key]: 'x' } } })).findings.filter((finding) => finding.code === 'INVALID_CONDITION_KEY_FORMAT'),
        key,
      ).toEqual([]);
    }
    for (const key of ['token.example.com', 'token.example.com:', 'token .example.com:sub', 'token.example.com/:']) {
      expectFinding(policy({ ...allow, Condition: { StringEquals: { [key]: 'x' } } }), 'error', 'INVALID_CONDITION_KEY_FORMAT', `$.Statement.Condition.StringEquals["${key}"]`);
    }
  });
});

describe('inputs found by review', () => {
  it('condition keys that are Object.prototype member names do not crash validation', () => {
    for (const key of ['constructor', '__proto__', 'toString']) {
      expectFinding(policy({ ...allow, Condition: { StringEquals: { [key]: 'x' } } }), 'error', 'INVALID_CONDITION_KEY_FORMAT', `$.Statement.Condition.StringEquals.${key}`);
    }
    expectFinding(
      policy({ ...allow, Condition: { 'ForAnyValue:StringEquals': { 'aws:constructor': 'x' } } }),
      'warning',
      'UNKNOWN_GLOBAL_CONDITION_KEY',
      '$.Statement.Condition["ForAnyValue:StringEquals"]["aws:constructor"]',
    );
  });

  // AWS: "You can't use a variable to replace parts of the ARN before the fifth colon".
  it('a policy variable before the fifth colon is refused, in shortened ARNs too', () => {
    expectFinding(policy({ ...allow, Resource: 'arn:aws:${aws:PrincipalTag/svc}*' }), 'error', 'VARIABLE_UNSUPPORTED_IN_ELEMENT', '$.Statement.Resource');
    expectFinding(policy({ ...allow, Resource: 'arn:aws:s3:${aws:username}*' }), 'error', 'VARIABLE_UNSUPPORTED_IN_ELEMENT', '$.Statement.Resource');
  });

  // AWS: wildcards may be used in any ARN segment except the service.
  it('a wildcard in the partition is accepted', () => {
    expect(validatePolicy(policy({ ...allow, Resource: 'arn:*:s3:::bucket/*' })).valid).toBe(true);
  });

  // AWS: "You cannot identify a user group as a principal".
  it("groups, other services' ARNs and empty names are not principals", () => {
    for (const arn of ['arn:aws:iam::111122223333:group/devs', 'arn:aws:ec2:us-east-1:111122223333:instance/i-1', 'arn:aws:iam::111122223333:user/']) {
      expectFinding(policy({ ...allow, Principal: { AWS: arn } }), 'error', 'INVALID_PRINCIPAL_FORMAT', '$.Statement.Principal.AWS', { kind: 'resource' });
    }
  });

  it('dates that do not exist are refused rather than rolled over', () => {
    expectFinding(
      policy({ ...allow, Condition: { DateLessThan: { 'aws:CurrentTime': '2025-02-30T00:00:00Z' } } }),
      'error',
      'INVALID_CONDITION_VALUE',
      '$.Statement.Condition.DateLessThan["aws:CurrentTime"]',
    );
    expect(validatePolicy(policy({ ...allow, Condition: { DateLessThan: { 'aws:CurrentTime': '2024-02-29T00:00:00Z' } } })).valid).toBe(true);
  });

  it('JSON numbers written in exponent form are numbers', () => {
    expect(validatePolicy(policy({ ...allow, Condition: { NumericLessThan: { 's3:max-keys': 0.0000001 } } })).valid).toBe(true);
  });
});

describe('warnings and suggestions', () => {
  it('a missing Version, and variables under 2008-10-17 (literal text there)', () => {
    expectFinding({ Statement: allow }, 'warning', 'MISSING_VERSION', '$');
    expectFinding({ Version: '2008-10-17', Statement: { ...allow, Resource: 'arn:aws:s3:::b/${aws:username}' } }, 'warning', 'VARIABLE_UNSUPPORTED_IN_VERSION', '$.Version');
  });

  it('full access and PassRole on every role are security warnings', () => {
    expectFinding(policy({ Effect: 'Allow', Action: '*', Resource: '*' }), 'security_warning', 'FULL_ACCESS', '$.Statement');
    expectFinding(policy({ Effect: 'Allow', Action: 'iam:Pass*', Resource: '*' }), 'security_warning', 'PASS_ROLE_WITH_STAR_IN_RESOURCE', '$.Statement');
    expect(findingsOf(policy({ Effect: 'Deny', Action: '*', Resource: '*' }))).toEqual([]);
  });

  it('Allow with NotAction or NotResource is a warning', () => {
    expectFinding(policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), 'warning', 'ALLOW_WITH_NOT_ACTION', '$.Statement.NotAction');
    expectFinding(policy({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::secret/*' }), 'warning', 'ALLOW_WITH_NOT_RESOURCE', '$.Statement.NotResource');
  });

  it('empty arrays and repeated entries are suggestions', () => {
    expectFinding(policy({ ...allow, Action: [] }), 'suggestion', 'EMPTY_ARRAY_ACTION', '$.Statement.Action');
    expectFinding(policy({ ...allow, Action: ['s3:GetObject', 'S3:getobject'] }), 'suggestion', 'REDUNDANT_ACTION', '$.Statement.Action[1]');
  });

  it('findings come errors first', () => {
    const severities = findingsOf({
      Statement: [
        { Effect: 'Allow', Action: [], Resource: '*' },
        { Effect: 'Nope', Action: '*', Resource: '*' },
      ],
    }).map((finding) => finding.severity);
    expect(severities[0]).toBe('error');
    expect([...severities].sort((a, b) => ['error', 'security_warning', 'warning', 'suggestion'].indexOf(a) - ['error', 'security_warning', 'warning', 'suggestion'].indexOf(b))).toEqual(severities);
  });
});

describe('size limits (IAM quotas, white space not counted)', () => {
  const sized = (count: number): object => policy(Array.from({ length: count }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-number-${i}/*` })));

  it('managed 6,144; inline user 2,048, group 5,120, role 10,240; trust and session 2,048', () => {
    const big = sized(60);
    const size = validatePolicy(big).size!;
    expect(size).toBeGreaterThan(5120);
    expect(size).toBeLessThan(6144);
    expect(validatePolicy(big).valid).toBe(true);
    expect(validatePolicy(big, { kind: 'identity', inlineOn: 'group' }).findings.map((finding) => finding.code)).toContain('POLICY_SIZE_EXCEEDED');
    expect(validatePolicy(big, { kind: 'identity', inlineOn: 'role' }).valid).toBe(true);
    expect(validatePolicy(sized(20), { kind: 'session' }).valid).toBe(true);
    expect(validatePolicy(sized(25), { kind: 'session' }).valid).toBe(false);
    expect(validatePolicy(sized(25), { kind: 'trust' }).findings.map((finding) => finding.code)).toContain('POLICY_SIZE_EXCEEDED');
    expect(validatePolicy(sized(70)).findings.map((finding) => finding.code)).toContain('POLICY_SIZE_EXCEEDED');
  });
});

describe('measureJsonText', () => {
  /** What validation counted before: the characters of JSON.stringify's text, and its first one outside tab, LF, CR and U+0020–U+00FF. */
  const fromText = (value: unknown) => {
    const text = JSON.stringify(value);
    const offending = /[^\t\n\r\u0020-\u00ff]/u.exec(text)?.[0];
    return { size: countPolicyCharacters(text), unsupported: offending, variableMarker: text.includes('${') };
  };

  it('measures what JSON.stringify writes, without writing it', () => {
    const values: unknown[] = [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: 'arn:aws:s3:::a b/*' }] },
      ['quote " backslash \\ tab \t newline \n cr \r bell \u0007 del \u007f', 'ÿ é', '\b\f', ''],
      { 'k e y': [1, -0, 1.5e300, 1e21, -3.25, Infinity, NaN, true, false, null], empty: {}, list: [], nested: [[[{}]]] },
      ['snowman ☃ first', 'pair 😀', 'lone high \ud800 x', 'lone low \udc00', 'high at end \ud83d', '\ue000'],
      { '😀': 'key first' },
      'just a string',
      { Resource: 'arn:aws:s3:::b/${aws:username}' },
      ['$', '{', '$ {'],
      42,
    ];
    for (const value of values) expect(measureJsonText(value)).toEqual(fromText(value));
  });

  it('agrees with JSON.stringify on random strings of every kind of code unit', () => {
    let state = 7;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
    const units = [0, 9, 10, 13, 31, 32, 34, 36, 123, 92, 65, 127, 200, 255, 256, 0x2028, 0xd83d, 0xde00, 0xdbff, 0xdc00, 0xe000, 0xffff];
    for (let run = 0; run < 500; run++) {
      const text = String.fromCharCode(...Array.from({ length: next() % 12 }, () => units[next() % units.length]!));
      const value = { [text]: [text, { x: text }] };
      expect(measureJsonText(value)).toEqual(fromText(value));
    }
  });

  it('leaves anything but plain JSON values to JSON.stringify', () => {
    expect(measureJsonText({ a: undefined })).toBeUndefined();
    expect(measureJsonText([() => 1])).toBeUndefined();
    expect(measureJsonText(new Date(0))).toBeUndefined();
    expect(measureJsonText({ toJSON: () => 'x' })).toBeUndefined();
    expect(measureJsonText(10n)).toBeUndefined();
    // A sparse array's hole is written as null by JSON.stringify: left to it.
    const sparse: unknown[] = [1];
    sparse[2] = 2;
    expect(measureJsonText(sparse)).toBeUndefined();
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(measureJsonText(cycle)).toBeUndefined();
    // Validation still reports such a value as it did.
    expect(validatePolicy(cycle).findings[0]?.code).toBe('JSON_SYNTAX_ERROR');
  });
});
