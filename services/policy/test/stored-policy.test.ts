import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuthorizationRequest,
  compilePolicy,
  type CompiledPolicy,
  compilePolicySet,
  compileStoredPolicy,
  compileStoredPolicySet,
  evaluate,
  type EvaluationResult,
  placeCompiledPolicy,
  type PolicyKind,
  PolicySet,
  validatePolicy,
} from '../src/index.js';
import type { PolicyDocument } from '../src/policy-document.js';
import { readStoredPolicy } from '../src/read-stored-policy.js';

/**
 * The stored-document path (`compileStoredPolicy`: native JSON.parse, no validation) must decide
 * exactly as the validated path (`compilePolicy`) for every document that passes validation. Seeded
 * random documents of every kind, over a vocabulary wide enough to reach every element and
 * operator family, each asked many requests; the decisions and the matched statements must agree.
 */
const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/admin/s1`;

const actions = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 'iam:CreateUser', 'iam:PassRole', 'ec2:RunInstances', 'sts:AssumeRole', 'kms:Decrypt'];
const actionPatterns = ['*', 's3:*', 's3:Get*', 's3:?etObject', 'iam:*User', 'iam:PassRole', 'ec2:*', 'S3:getobject', 'IAM:CREATEUSER', '*:Get*', 's?:*', 'sts:AssumeRole', ...actions];
const resources = [
  'arn:aws:s3:::bucket/a.txt',
  'arn:aws:s3:::bucket/home/alice/b.txt',
  'arn:aws:s3:::Bucket/A.txt',
  'arn:aws:s3:::other/c',
  `arn:aws:iam::${ACCOUNT}:user/alice`,
  `arn:aws:iam::${ACCOUNT}:role/admin`,
  `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`,
  `arn:aws:kms:us-east-1:${OTHER}:key/k1`,
  `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app:log-stream:x`,
];
const resourcePatterns = [
  '*',
  'arn:aws:s3:::bucket/*',
  'arn:aws:s3:::bucket/home/${aws:username}/*',
  "arn:aws:s3:::bucket/home/${aws:PrincipalTag/team, 'nobody'}/*",
  'arn:aws:s3:::bucket/${*}',
  'arn:aws:s3:::*',
  'arn:aws:s3:::bucket/?.txt',
  `arn:aws:iam::${ACCOUNT}:user/*`,
  'arn:aws:iam::*:role/?dmin',
  'arn:aws:ec2:*:*:instance/*',
  'arn:aws:s3:*',
  'arn:aws:logs:*:*:log-group:app:*',
  `arn:aws:kms:*:${OTHER}:key/*`,
  ...resources,
];
const conditions: Record<string, unknown>[] = [
  { StringEquals: { 'aws:username': 'alice' } },
  { StringEquals: { 'aws:username': '${aws:PrincipalTag/owner}' } },
  { StringNotEquals: { 'aws:PrincipalTag/team': ['red', 'blue'] } },
  { StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'RED' } },
  { StringLike: { 's3:prefix': ['home/${aws:username}/*', 'shared/*'] } },
  { StringNotLike: { 'aws:PrincipalTag/team': 'gr*' } },
  { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '10.0.0.0/8'] } },
  { NotIpAddress: { 'aws:SourceIp': '2001:db8::/32' } },
  { Bool: { 'aws:MultiFactorAuthPresent': true } },
  { BoolIfExists: { 'aws:SecureTransport': 'false' } },
  { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } },
  { NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 } },
  { NumericGreaterThanEqualsIfExists: { 'aws:MultiFactorAuthAge': '60' } },
  { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['env*'] } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
  { Null: { 'aws:PrincipalTag/team': 'true' } },
  { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/*` } },
  { ArnNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/\${aws:username}` } },
  { BinaryEquals: { 'aws:PrincipalTag/blob': 'QUJD' } },
  { StringEquals: { 'aws:PrincipalTag/team': 'red' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
];
const principals: unknown[] = [
  '*',
  { AWS: '*' },
  { AWS: ALICE },
  { AWS: [ACCOUNT, `arn:aws:iam::${OTHER}:root`] },
  { AWS: `arn:aws:iam::${ACCOUNT}:role/admin` },
  { AWS: SESSION, Service: 'lambda.amazonaws.com' },
  { Service: ['ec2.amazonaws.com'] },
  { Federated: 'cognito-identity.amazonaws.com' },
];

const oneOrMany = <T>(items: readonly T[]) => fc.oneof(fc.constantFrom(...items), fc.uniqueArray(fc.constantFrom(...items), { minLength: 1, maxLength: 3 }));

function statementArb(kind: PolicyKind) {
  const common = {
    Sid: fc.constantFrom('A', 'Read', 'X'),
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: oneOrMany(actionPatterns),
    NotAction: oneOrMany(actionPatterns),
    Resource: oneOrMany(resourcePatterns),
    NotResource: oneOrMany(resourcePatterns),
    Condition: fc.constantFrom(...conditions),
  };
  const withPrincipal = kind === 'resource' || kind === 'trust';
  return fc
    .record(
      { ...common, Principal: fc.constantFrom(...principals), NotPrincipal: fc.constantFrom(...principals.slice(1)), useNot: fc.boolean(), useNotPrincipal: fc.boolean() },
      { requiredKeys: ['Effect', 'Action', 'Resource', 'Principal', 'useNot', 'useNotPrincipal'] },
    )
    .map(({ useNot, useNotPrincipal, Action, NotAction, Resource, NotResource, Principal, NotPrincipal, ...rest }) => {
      const statement: Record<string, unknown> = { ...rest };
      if (useNot && NotAction !== undefined) statement['NotAction'] = NotAction;
      else statement['Action'] = Action;
      if (kind !== 'trust') {
        if (useNot && NotResource !== undefined) statement['NotResource'] = NotResource;
        else statement['Resource'] = Resource;
      }
      if (withPrincipal) {
        if (kind === 'resource' && useNotPrincipal && statement['Effect'] === 'Deny' && NotPrincipal !== undefined) statement['NotPrincipal'] = NotPrincipal;
        else statement['Principal'] = Principal;
      }
      return statement;
    });
}

function policyArb(kind: PolicyKind) {
  return fc
    .record({
      version: fc.constantFrom<(string | undefined)[]>('2012-10-17', '2012-10-17', '2008-10-17', undefined),
      // Sids must be unique within a policy: each is made so by its position.
      statements: fc
        .array(statementArb(kind), { minLength: 1, maxLength: 5 })
        .map((list) => list.map((statement, i) => (statement['Sid'] === undefined ? statement : { ...statement, Sid: `${statement['Sid'] as string}${i}` }))),
      single: fc.boolean(),
    })
    .map(({ version, statements, single }) => ({
      ...(version === undefined ? {} : { Version: version }),
      Statement: single && statements.length === 1 ? statements[0] : statements,
    }));
}

const requestArb: fc.Arbitrary<AuthorizationRequest> = fc.record({
  principal: fc.constantFrom(ALICE, SESSION, `arn:aws:iam::${OTHER}:user/bob`, 'ec2.amazonaws.com'),
  action: fc.constantFrom(...actions, 's3:getobject', 'IAM:CreateUser'),
  resource: fc.constantFrom(...resources, '*'),
  context: fc.record(
    {
      'aws:username': fc.constantFrom('alice', 'bob'),
      'aws:PrincipalTag/team': fc.constantFrom('red', 'green', 'RED'),
      'aws:PrincipalTag/owner': fc.constantFrom('alice', 'carol'),
      'aws:PrincipalTag/blob': fc.constantFrom('QUJD', 'QUJE'),
      'aws:SourceIp': fc.constantFrom('203.0.113.7', '10.1.2.3', '198.51.100.1', '2001:db8::1'),
      'aws:MultiFactorAuthPresent': fc.constantFrom('true', 'false'),
      'aws:SecureTransport': fc.constantFrom('true', 'false'),
      'aws:CurrentTime': fc.constantFrom('2025-06-01T00:00:00Z', '2026-06-01T00:00:00Z'),
      'aws:MultiFactorAuthAge': fc.constantFrom('30', '600', '7200'),
      'aws:TagKeys': fc.subarray(['env', 'team', 'owner']),
      'aws:PrincipalArn': fc.constantFrom(ALICE, `arn:aws:iam::${ACCOUNT}:role/admin`),
      's3:prefix': fc.constantFrom('home/alice/x', 'shared/y', 'other/'),
    },
    { requiredKeys: [] },
  ),
});

function outcome(result: EvaluationResult): unknown {
  return { decision: result.decision, matched: result.matched, reason: result.reason };
}

function compiledOrThrow(result: ReturnType<typeof compilePolicy>): CompiledPolicy {
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.policy;
}

const SEED = 20261205;

describe('compileStoredPolicy decides as compilePolicy for every validated document', () => {
  it('identity policies, a boundary and session policies: the same decisions and matched statements for every request', () => {
    let compared = 0;
    const documents = fc.record({
      identity: fc.array(policyArb('identity'), { minLength: 1, maxLength: 4 }),
      boundary: fc.option(policyArb('boundary'), { nil: undefined }),
      session: fc.array(policyArb('session'), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(documents, fc.array(requestArb, { minLength: 8, maxLength: 8 }), ({ identity, boundary, session }, requests) => {
        const all = [...identity.map((d) => [d, 'identity'] as const), ...(boundary ? [[boundary, 'boundary'] as const] : []), ...session.map((d) => [d, 'session'] as const)];
        fc.pre(all.every(([document, kind]) => validatePolicy(JSON.stringify(document), { kind }).valid));
        const input = {
          identityPolicies: identity.map((d) => JSON.stringify(d)),
          permissionBoundary: boundary ? JSON.stringify(boundary) : null,
          sessionPolicies: session.map((d) => JSON.stringify(d)),
        };
        const validated = compilePolicySet(input);
        const storedText = compileStoredPolicySet(input);
        const storedValue = compileStoredPolicySet({ identityPolicies: identity, permissionBoundary: boundary ?? null, sessionPolicies: session });
        if (!validated.ok || !storedText.ok || !storedValue.ok) throw new Error('a validated document was refused');
        for (const request of requests) {
          const expected = outcome(evaluate(validated.policySet, request));
          expect(outcome(evaluate(storedText.policySet, request))).toEqual(expected);
          expect(outcome(evaluate(storedValue.policySet, request))).toEqual(expected);
          compared++;
        }
      }),
      { seed: SEED, numRuns: 600 },
    );
    expect(compared).toBeGreaterThan(3000);
  }, 60_000);

  it('resource-based and trust policies: the same decisions, principal matches included', () => {
    let compared = 0;
    const documents = fc
      .record({ kind: fc.constantFrom<PolicyKind>('resource', 'trust'), identity: fc.array(policyArb('identity'), { maxLength: 2 }) })
      .chain(({ kind, identity }) => fc.record({ kind: fc.constant(kind), identity: fc.constant(identity), resource: policyArb(kind) }));
    fc.assert(
      fc.property(documents, fc.array(requestArb, { minLength: 8, maxLength: 8 }), ({ kind, identity, resource }, requests) => {
        const text = JSON.stringify(resource);
        fc.pre(validatePolicy(text, { kind }).valid && identity.every((d) => validatePolicy(d).valid));
        const set = compilePolicySet({ identityPolicies: identity });
        if (!set.ok) throw new Error('a validated document was refused');
        const validated = compiledOrThrow(compilePolicy(text, kind));
        const stored = compiledOrThrow(compileStoredPolicy(text, kind));
        for (const request of requests) {
          expect(outcome(evaluate(set.policySet, request, { resourcePolicy: stored }))).toEqual(outcome(evaluate(set.policySet, request, { resourcePolicy: validated })));
          compared++;
        }
      }),
      { seed: SEED + 1, numRuns: 600 },
    );
    expect(compared).toBeGreaterThan(2000);
  }, 60_000);

  it('reads every validated document into the very document validation built', () => {
    const kinds: PolicyKind[] = ['identity', 'boundary', 'session', 'resource', 'trust'];
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds).chain((kind) => fc.tuple(fc.constant(kind), policyArb(kind))),
        ([kind, document]) => {
          const validation = validatePolicy(document, { kind });
          fc.pre(validation.valid);
          expect(withPaths(readStoredPolicy(JSON.parse(JSON.stringify(document)), kind))).toEqual(withPaths(validation.document));
        },
      ),
      { seed: SEED + 2, numRuns: 2000 },
    );
  }, 60_000);
});

describe('compileStoredPolicy given what it was not promised', () => {
  it.each([
    ['JSON that does not parse', '{"Statement": '],
    ['a value that is not a document', '[1, 2]'],
    ['a statement with an Effect of the wrong case', '{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"*","Resource":"*"}}'],
    ['a statement without Action or NotAction', '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}'],
    ['an unknown condition operator', '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}}'],
    ['an empty Statement array', '{"Version":"2012-10-17","Statement":[]}'],
    ['an unknown principal type', '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Someone":"x"},"Action":"*","Resource":"*"}}'],
  ])('refuses %s instead of guessing', (_, text) => {
    const kind: PolicyKind = text.includes('Principal') ? 'resource' : 'identity';
    const result = compileStoredPolicy({ name: 'stored', document: text }, kind, 2);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ source: sourceOf(kind), policyIndex: 2, policyName: 'stored' });
    expect(result.error.findings.map((finding) => finding.code)).toEqual(['STORED_POLICY_UNREADABLE']);
  });

  it('a whole set is refused when one stored document is', () => {
    const good = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } });
    const result = compileStoredPolicySet({ identityPolicies: [good, '{}'] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((error) => error.policyIndex)).toEqual([1]);
  });

  it('a CIDR block that cannot be read matches nothing, where the validated path refuses the document', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': ['not-an-address', '10.0.0.0/8'] } } } });
    expect(compilePolicy(text, 'identity').ok).toBe(false);
    const set = compileStoredPolicySet({ identityPolicies: [text] });
    if (!set.ok) throw new Error('refused');
    const request = (ip: string) => ({ principal: ALICE, action: 's3:GetObject', resource: '*', context: { 'aws:SourceIp': ip } });
    expect(evaluate(set.policySet, request('10.1.2.3')).decision).toBe('allow');
    expect(evaluate(set.policySet, request('203.0.113.7')).decision).toBe('implicit_deny');
  });
});

describe('placeCompiledPolicy', () => {
  const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::bucket/*' }] });
  const request = { principal: ALICE, action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/a.txt' };

  it('reports the statements at the new position and name, as compiling there would', () => {
    const compiled = compiledOrThrow(compileStoredPolicy(text, 'identity'));
    const placed = placeCompiledPolicy(compiled, 3, { name: 'ReadBucket', arn: `arn:aws:iam::${ACCOUNT}:policy/ReadBucket` });
    const direct = compiledOrThrow(compilePolicy({ name: 'ReadBucket', arn: `arn:aws:iam::${ACCOUNT}:policy/ReadBucket`, document: text }, 'identity', 3));
    expect(placed.statements.map((statement) => statement.matched)).toEqual(direct.statements.map((statement) => statement.matched));
    expect(JSON.stringify(placed.statements[0]!.matched)).toBe(JSON.stringify(direct.statements[0]!.matched));
    expect(placed.name).toBe('ReadBucket');
  });

  it('shares the matchers: a placed policy decides with the rules of the one it came from', () => {
    const compiled = compiledOrThrow(compileStoredPolicy(text, 'identity'));
    const placed = placeCompiledPolicy(compiled, 1);
    expect(placed.statements[0]!.rule).toBe(compiled.statements[0]!.rule);
    const result = evaluate(new PolicySet([compiled, placed], undefined, []), request);
    expect(result.decision).toBe('allow');
    expect(result.matched.map((statement) => statement.policyIndex)).toEqual([0, 1]);
  });
});

/** A document with each condition's JSONPath read out (the stored reader formats it only when asked). */
function withPaths(document: PolicyDocument | undefined): unknown {
  return document && { ...document, statements: document.statements.map((statement) => ({ ...statement, conditions: statement.conditions.map((clause) => ({ ...clause, path: clause.path })) })) };
}

function sourceOf(kind: PolicyKind): string {
  return kind === 'trust' ? 'resource' : kind;
}
