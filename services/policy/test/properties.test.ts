import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCase } from '../src/cli/evaluation-case.js';
import { type AuthorizationRequest, compilePolicySet, evaluate, validatePolicy } from '../src/index.js';
import { compileWildcardPattern } from '../src/wildcard.js';

/**
 * Properties that must hold for every policy and request, not just the ones we thought of.
 * Policies are drawn from small vocabularies so that statements actually overlap with requests.
 */
const ACCOUNT = '111122223333';
const actions = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 'iam:CreateUser', 'iam:PassRole', 'ec2:RunInstances'];
const actionPatterns = ['*', 's3:*', 's3:Get*', 's3:?etObject', 'iam:*User', 'iam:PassRole', 'ec2:*', 'S3:getobject', ...actions];
const resources = [
  'arn:aws:s3:::bucket/a.txt',
  'arn:aws:s3:::bucket/home/alice/b.txt',
  'arn:aws:s3:::other/c',
  `arn:aws:iam::${ACCOUNT}:user/alice`,
  `arn:aws:iam::${ACCOUNT}:role/admin`,
  `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`,
];
const resourcePatterns = [
  '*',
  'arn:aws:s3:::bucket/*',
  'arn:aws:s3:::bucket/home/${aws:username}/*',
  'arn:aws:s3:::*',
  `arn:aws:iam::${ACCOUNT}:user/*`,
  'arn:aws:iam::*:role/?dmin',
  'arn:aws:ec2:*:*:instance/*',
  'arn:aws:s3:*',
  ...resources,
];
const conditions: Record<string, unknown>[] = [
  { StringEquals: { 'aws:username': 'alice' } },
  { StringNotEquals: { 'aws:PrincipalTag/team': ['red', 'blue'] } },
  { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
  { NotIpAddress: { 'aws:SourceIp': '2001:db8::/32' } },
  { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  { BoolIfExists: { 'aws:SecureTransport': 'false' } },
  { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } },
  { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
  { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['env*'] } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
  { Null: { 'aws:PrincipalTag/team': 'true' } },
  { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/*` } },
];

const statementArb = fc.record(
  {
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: fc.oneof(fc.constantFrom(...actionPatterns), fc.uniqueArray(fc.constantFrom(...actionPatterns), { minLength: 1, maxLength: 3 })),
    Resource: fc.oneof(fc.constantFrom(...resourcePatterns), fc.uniqueArray(fc.constantFrom(...resourcePatterns), { minLength: 1, maxLength: 3 })),
    Condition: fc.constantFrom(...conditions),
  },
  { requiredKeys: ['Effect', 'Action', 'Resource'] },
);
const policyArb = fc.array(statementArb, { minLength: 1, maxLength: 5 }).map((Statement) => ({ Version: '2012-10-17', Statement }));

const contextArb = fc.record(
  {
    'aws:username': fc.constantFrom('alice', 'bob'),
    'aws:PrincipalTag/team': fc.constantFrom('red', 'green'),
    'aws:SourceIp': fc.constantFrom('203.0.113.7', '198.51.100.1', '2001:db8::1'),
    'aws:MultiFactorAuthPresent': fc.constantFrom('true', 'false'),
    'aws:SecureTransport': fc.constantFrom('true', 'false'),
    'aws:CurrentTime': fc.constantFrom('2025-06-01T00:00:00Z', '2026-06-01T00:00:00Z'),
    'aws:MultiFactorAuthAge': fc.constantFrom('60', '7200'),
    'aws:TagKeys': fc.subarray(['env', 'team', 'owner']),
    'aws:PrincipalArn': fc.constantFrom(`arn:aws:iam::${ACCOUNT}:user/alice`, `arn:aws:iam::${ACCOUNT}:role/admin`),
  },
  { requiredKeys: [] },
);
const requestArb = fc.record({
  principal: fc.constant(`arn:aws:iam::${ACCOUNT}:user/alice`),
  action: fc.constantFrom(...actions),
  resource: fc.constantFrom(...resources),
  context: contextArb,
});

type Policy = { Version: string; Statement: Record<string, unknown>[] };

function decide(policies: readonly Policy[], request: AuthorizationRequest, boundary?: Policy): string {
  const compiled = compilePolicySet({ identityPolicies: policies, permissionBoundary: boundary ?? null });
  if (!compiled.ok) throw new Error(`generated policy is invalid: ${JSON.stringify(compiled.errors)}`);
  return evaluate(compiled.policySet, request).decision;
}

describe('evaluation properties', () => {
  it('generated policies are valid (so the properties below are about evaluation, not refusal)', () => {
    fc.assert(fc.property(policyArb, (policy) => validatePolicy(policy).valid));
  });

  // AWS: "an explicit deny in any of these policies overrides the allow" — adding a Deny can only take access away.
  it('adding a Deny statement never turns a denial into an allow', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { minLength: 1, maxLength: 3 }), statementArb, fc.nat(), requestArb, (policies, extra, at, request) => {
        const before = decide(policies, request);
        const target = policies[at % policies.length]!;
        const withDeny = policies.map((policy) => (policy === target ? { ...policy, Statement: [...policy.Statement, { ...extra, Effect: 'Deny' }] } : policy));
        const after = decide(withDeny, request);
        if (before !== 'allow') expect(after).not.toBe('allow');
        if (before === 'explicit_deny') expect(after).toBe('explicit_deny');
      }),
      { numRuns: 400 },
    );
  });

  it('removing an Allow statement never turns a denial into an allow', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { minLength: 1, maxLength: 3 }), fc.nat(), fc.nat(), requestArb, (policies, at, index, request) => {
        const before = decide(policies, request);
        const target = policies[at % policies.length]!;
        const allows = target.Statement.map((statement, i) => (statement['Effect'] === 'Allow' ? i : -1)).filter((i) => i >= 0);
        fc.pre(allows.length > 0 && target.Statement.length > 1);
        const drop = allows[index % allows.length]!;
        const without = policies.map((policy) => (policy === target ? { ...policy, Statement: policy.Statement.filter((_, i) => i !== drop) } : policy));
        const after = decide(without, request);
        if (before !== 'allow') expect(after).not.toBe('allow');
      }),
      { numRuns: 400 },
    );
  });

  // AWS: a permissions boundary "does not grant permissions on its own"; the effective permissions are the intersection.
  it('a permissions boundary never turns a denial into an allow', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { minLength: 1, maxLength: 2 }), policyArb, requestArb, (policies, boundary, request) => {
        const before = decide(policies, request);
        const after = decide(policies, request, boundary);
        if (before !== 'allow') expect(after).not.toBe('allow');
      }),
      { numRuns: 300 },
    );
  });

  it('the order of statements and of policies does not change the decision', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { minLength: 1, maxLength: 3 }), requestArb, (policies, request) => {
        const reversed = [...policies].reverse().map((policy) => ({ ...policy, Statement: [...policy.Statement].reverse() }));
        expect(decide(reversed, request)).toBe(decide(policies, request));
      }),
      { numRuns: 300 },
    );
  });

  it('evaluation of arbitrary JSON as a case never throws and never allows', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = runCase(value);
        expect('error' in result || result.decision !== 'allow').toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary JSON as a policy never throws out of validation, and never allows', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('identity', 'resource', 'trust', 'boundary', 'session') as fc.Arbitrary<'identity'>, (value, kind) => {
        const result = validatePolicy(value, { kind });
        expect(Array.isArray(result.findings)).toBe(true);
        const compiled = compilePolicySet({ identityPolicies: [value] });
        if (compiled.ok) {
          // Only a document that validates compiles; an arbitrary one that does must still need an Allow to match.
          const decision = evaluate(compiled.policySet, { principal: `arn:aws:iam::${ACCOUNT}:user/alice`, action: 's3:GetObject', resource: resources[0]! }).decision;
          expect(['allow', 'explicit_deny', 'implicit_deny']).toContain(decision);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary text as a policy never throws out of validation', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const result = validatePolicy(text);
        expect(result.valid).toBe(result.findings.every((finding) => finding.severity !== 'error'));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('wildcard matching', () => {
  const toRegExp = (pattern: string, flags: string): RegExp =>
    new RegExp(`^${[...pattern].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))).join('')}$`, flags);
  const patternChars = fc.constantFrom('a', 'b', ':', '/', '*', '?', '.', '(', '[', '\\', '$');
  const inputChars = fc.constantFrom('a', 'b', ':', '/', '.', '(', '[', '\\', '$', '*', '?');

  it('a pattern matches exactly what the equivalent regular expression matches', () => {
    fc.assert(
      fc.property(fc.string({ unit: patternChars, maxLength: 12 }), fc.string({ unit: inputChars, maxLength: 14 }), (pattern, input) => {
        expect(compileWildcardPattern(pattern)(input)).toBe(toRegExp(pattern, '').test(input));
      }),
      { numRuns: 5000 },
    );
  });

  it('the same holds for full Unicode text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 12 }), (pattern, input) => {
        expect(compileWildcardPattern(pattern)(input)).toBe(toRegExp(pattern, '').test(input));
      }),
      { numRuns: 3000 },
    );
  });

  it('case-insensitive matching (actions) agrees with the regular expression with the i flag', () => {
    const mixed = fc.constantFrom('a', 'B', 'c', 'S', '3', ':', '*', '?');
    fc.assert(
      fc.property(fc.string({ unit: mixed, maxLength: 10 }), fc.string({ unit: fc.constantFrom('a', 'b', 'C', 's', '3', ':'), maxLength: 12 }), (pattern, input) => {
        expect(compileWildcardPattern(pattern, true)(input.toLowerCase())).toBe(toRegExp(pattern, 'i').test(input));
      }),
      { numRuns: 3000 },
    );
  });
});
