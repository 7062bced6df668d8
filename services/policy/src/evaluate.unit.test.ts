import { describe, expect, it } from 'vitest';
import { compilePolicy, type CompiledPolicy } from './compile-policy.js';
import { describeDecision } from './describe-decision.js';
import { type AuthorizationRequest, evaluate, type EvaluateOptions } from './evaluate.js';
import { compilePolicySet, type PolicySetInput } from './policy-set.js';
import { RequestContext } from './request-context.js';

/**
 * The evaluation flow of AWS's "Policy evaluation logic" pages, through the library API; the
 * per-rule corpus lives in test/corpus. Here: which policy decides, what is reported as matched,
 * the reason, the injected clock, and input the evaluator must refuse.
 */
const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/build-42`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ci/Deployer`;
const OBJECT = 'arn:aws:s3:::bucket/key';

const doc = (...Statement: object[]): object => ({ Version: '2012-10-17', Statement });
const allowAll = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
const allowGet = doc({ Sid: 'Get', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' });

function set(input: PolicySetInput) {
  const compiled = compilePolicySet(input);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  return compiled.policySet;
}

function resource(document: object, kind: 'resource' | 'trust' = 'resource'): CompiledPolicy {
  const compiled = compilePolicy(document, kind);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.error));
  return compiled.policy;
}

function decide(input: PolicySetInput, request: Partial<AuthorizationRequest>, options: EvaluateOptions = {}) {
  return evaluate(set(input), { principal: ALICE, action: 's3:GetObject', resource: OBJECT, ...request }, options);
}

describe('which policy decides', () => {
  it('nothing applies: implicit deny, blamed on the identity-based policies', () => {
    const result = decide({}, {});
    expect(result).toEqual({ decision: 'implicit_deny', matched: [], reason: { kind: 'implicit_deny', policyType: 'identity' } });
  });

  it('an explicit deny lists every matching Deny, across policy types, and names the first type', () => {
    const deny = doc({ Sid: 'No', Effect: 'Deny', Action: 's3:*', Resource: '*' });
    const result = decide(
      { identityPolicies: [allowGet, deny], permissionBoundary: deny },
      {},
      { resourcePolicy: resource(doc({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: OBJECT })) },
    );
    expect(result.decision).toBe('explicit_deny');
    expect(result.reason).toEqual({ kind: 'explicit_deny', policyType: 'identity' });
    expect(result.matched.map((statement) => `${statement.source}:${statement.policyIndex}:${statement.statementIndex}`)).toEqual(['identity:1:0', 'boundary:0:0', 'resource:0:0']);
  });

  // AWS: a permissions boundary sets the maximum permissions; it does not grant on its own.
  it('an identity allow outside the boundary is denied because of the boundary', () => {
    const boundary = doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' });
    expect(decide({ identityPolicies: [allowGet], permissionBoundary: boundary }, {}).reason).toEqual({ kind: 'implicit_deny', policyType: 'boundary' });
    expect(decide({ identityPolicies: [], permissionBoundary: allowAll }, {}).reason).toEqual({ kind: 'implicit_deny', policyType: 'identity' });
  });

  it('an allow inside the boundary reports the identity and boundary statements that granted it', () => {
    const result = decide({ identityPolicies: [allowGet], permissionBoundary: allowAll }, {});
    expect(result.decision).toBe('allow');
    expect(result.matched).toEqual([
      { source: 'identity', policyIndex: 0, statementIndex: 0, sid: 'Get', effect: 'Allow' },
      { source: 'boundary', policyIndex: 0, statementIndex: 0, effect: 'Allow' },
    ]);
  });

  it('session policies intersect: every session policy need not allow, but one must', () => {
    const denyNothing = doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' });
    expect(decide({ identityPolicies: [allowGet], sessionPolicies: [denyNothing] }, { principal: SESSION }).reason).toEqual({ kind: 'implicit_deny', policyType: 'session' });
    expect(decide({ identityPolicies: [allowGet], sessionPolicies: [denyNothing, allowAll] }, { principal: SESSION }).decision).toBe('allow');
  });

  it('policies are named in matched statements when given a name, and a managed policy by its ARN too', () => {
    const arn = 'arn:aws:iam::aws:policy/AdministratorAccess';
    const result = decide({ identityPolicies: [{ name: 'AdministratorAccess', arn, document: allowAll }, { name: 'inline', document: allowAll }, allowAll] }, {});
    expect(result.matched).toEqual([
      { source: 'identity', policyIndex: 0, policyName: 'AdministratorAccess', policyArn: arn, statementIndex: 0, effect: 'Allow' },
      { source: 'identity', policyIndex: 1, policyName: 'inline', statementIndex: 0, effect: 'Allow' },
      { source: 'identity', policyIndex: 2, statementIndex: 0, effect: 'Allow' },
    ]);
  });

  it('a policy that does not compile is reported by its name and ARN', () => {
    const arn = 'arn:aws:iam::111122223333:policy/Broken';
    const result = compilePolicySet({ identityPolicies: [{ name: 'Broken', arn, document: '{"Statement":{"Effect":"allow"}}' }] });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatchObject({ source: 'identity', policyIndex: 0, policyName: 'Broken', policyArn: arn });
  });

  it('matched statements are built when the policy is compiled, not per evaluation', () => {
    const compiled = compilePolicySet({ identityPolicies: [{ name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess', document: allowAll }] });
    if (!compiled.ok) throw new Error('does not compile');
    const first = evaluate(compiled.policySet, { principal: ALICE, action: 's3:GetObject', resource: OBJECT, context: {} });
    const second = evaluate(compiled.policySet, { principal: ALICE, action: 's3:PutObject', resource: OBJECT, context: {} });
    expect(second.matched[0]).toBe(first.matched[0]);
  });
});

describe('resource-based policies', () => {
  const grantTo = (principal: unknown): CompiledPolicy => resource(doc({ Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: OBJECT }));

  // AWS: within an account, a resource policy naming the IAM user grants on its own, not limited by the boundary.
  it('same account, the user named: allowed with no identity policy, even outside its boundary', () => {
    const boundary = doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' });
    const result = decide({ permissionBoundary: boundary }, {}, { resourcePolicy: grantTo({ AWS: ALICE }) });
    expect(result.decision).toBe('allow');
    expect(result.reason).toEqual({ kind: 'allowed', by: 'resource' });
    expect(result.matched).toEqual([{ source: 'resource', policyIndex: 0, statementIndex: 0, effect: 'Allow' }]);
  });

  // AWS: "Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit deny in a permissions boundary or session policy."
  it('same account, the role named: a session of it is limited by its boundary and session policy', () => {
    const policy = grantTo({ AWS: ROLE });
    expect(decide({}, { principal: SESSION }, { resourcePolicy: policy }).decision).toBe('allow');
    const narrow = doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' });
    expect(decide({ permissionBoundary: narrow }, { principal: SESSION }, { resourcePolicy: policy }).reason).toEqual({ kind: 'implicit_deny', policyType: 'boundary' });
    expect(decide({ sessionPolicies: [narrow] }, { principal: SESSION }, { resourcePolicy: policy }).reason).toEqual({ kind: 'implicit_deny', policyType: 'session' });
    // Naming the session itself is a direct grant that neither limits.
    expect(decide({ sessionPolicies: [narrow] }, { principal: SESSION }, { resourcePolicy: grantTo({ AWS: SESSION }) }).decision).toBe('allow');
  });

  // AWS: naming the account "delegates authority to the account": an identity-based policy must allow too.
  it('same account, only the account named: the identity policy must allow', () => {
    for (const account of [ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`]) {
      expect(decide({}, {}, { resourcePolicy: grantTo({ AWS: account }) }).decision).toBe('implicit_deny');
      const allowed = decide({ identityPolicies: [allowGet] }, {}, { resourcePolicy: grantTo({ AWS: account }) });
      expect(allowed.decision).toBe('allow');
      expect(allowed.matched.map((statement) => statement.source)).toEqual(['identity', 'resource']);
    }
  });

  // AWS: cross-account, "the request is allowed only if both evaluations return a decision of Allow".
  it('cross account: both sides must allow, and the missing side is the reason', () => {
    const otherUser = `arn:aws:iam::${OTHER}:user/bob`;
    const request = { principal: otherUser, resource: OBJECT, resourceAccount: ACCOUNT };
    expect(decide({}, request, { resourcePolicy: grantTo({ AWS: otherUser }) }).reason).toEqual({ kind: 'implicit_deny', policyType: 'identity' });
    expect(decide({ identityPolicies: [allowGet] }, request).reason).toEqual({ kind: 'implicit_deny', policyType: 'resource' });
    expect(decide({ identityPolicies: [allowGet] }, request, { resourcePolicy: grantTo({ AWS: OTHER }) }).decision).toBe('allow');
    const narrow = doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' });
    expect(decide({ identityPolicies: [allowGet], permissionBoundary: narrow }, request, { resourcePolicy: grantTo({ AWS: otherUser }) }).reason).toEqual({
      kind: 'implicit_deny',
      policyType: 'boundary',
    });
  });

  it('the resource account defaults to the ARN account, then to the principal account', () => {
    const table = `arn:aws:dynamodb:us-east-1:${OTHER}:table/orders`;
    const allowTable = doc({ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: table });
    // The table is in another account and has no resource policy: cross-account, so denied.
    expect(decide({ identityPolicies: [allowTable] }, { action: 'dynamodb:GetItem', resource: table }).reason).toEqual({ kind: 'implicit_deny', policyType: 'resource' });
    // S3 ARNs carry no account: the principal's account is assumed unless resourceAccount says otherwise.
    expect(decide({ identityPolicies: [allowGet] }, {}).decision).toBe('allow');
    expect(decide({ identityPolicies: [allowGet] }, { resourceAccount: OTHER }).decision).toBe('implicit_deny');
  });

  // AWS: role trust policies "must explicitly allow access for principals", even in the same account.
  it('a trust policy must itself allow: an identity policy alone cannot assume a role', () => {
    const assume = { action: 'sts:AssumeRole', resource: ROLE };
    const trustUser = resource(doc({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole' }), 'trust');
    const trustAccount = resource(doc({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }), 'trust');
    const trustOther = resource(doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }), 'trust');
    expect(decide({}, assume, { resourcePolicy: trustUser }).decision).toBe('allow');
    expect(decide({ identityPolicies: [allowAll] }, assume, { resourcePolicy: trustOther }).reason).toEqual({ kind: 'implicit_deny', policyType: 'resource' });
    expect(decide({}, assume, { resourcePolicy: trustAccount }).decision).toBe('implicit_deny');
    expect(decide({ identityPolicies: [allowAll] }, assume, { resourcePolicy: trustAccount }).decision).toBe('allow');
    expect(evaluate(set({}), { principal: 'ec2.amazonaws.com', ...assume }, { resourcePolicy: trustOther }).decision).toBe('allow');
  });

  it('a service principal is decided by the resource policy alone', () => {
    const policy = grantTo({ Service: 'cloudtrail.amazonaws.com' });
    expect(evaluate(set({ identityPolicies: [allowAll] }), { principal: 'cloudtrail.amazonaws.com', action: 's3:GetObject', resource: OBJECT }).decision).toBe('implicit_deny');
    expect(evaluate(set({}), { principal: 'cloudtrail.amazonaws.com', action: 's3:GetObject', resource: OBJECT }, { resourcePolicy: policy }).decision).toBe('allow');
  });

  // AWS: "NotPrincipal with Deny will always deny any IAM principal that has a permissions boundary policy attached".
  it('Deny with NotPrincipal: exempts only principals listed with their account, never one with a boundary', () => {
    const denyAllBut = (...names: string[]): CompiledPolicy =>
      resource(doc({ Effect: 'Deny', NotPrincipal: { AWS: names }, Action: 's3:*', Resource: '*' }, { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: OBJECT }));
    expect(decide({}, {}, { resourcePolicy: denyAllBut(ALICE, `arn:aws:iam::${ACCOUNT}:root`) }).decision).toBe('allow');
    expect(decide({}, {}, { resourcePolicy: denyAllBut(ALICE) }).decision).toBe('explicit_deny');
    expect(decide({ permissionBoundary: allowAll }, {}, { resourcePolicy: denyAllBut(ALICE, ACCOUNT) }).decision).toBe('explicit_deny');
    expect(decide({}, { principal: SESSION }, { resourcePolicy: denyAllBut(SESSION, ACCOUNT) }).decision).toBe('explicit_deny');
    expect(decide({}, { principal: SESSION }, { resourcePolicy: denyAllBut(SESSION, ROLE, ACCOUNT) }).decision).toBe('allow');
  });
});

describe('resource policies that must allow (found by review)', () => {
  // AWS: role trust policies and KMS key policies "must explicitly allow access for principals".
  it('with resourcePolicyRequired and no resource policy, an identity policy alone allows nothing', () => {
    const assume = { action: 'sts:AssumeRole', resource: ROLE };
    expect(decide({ identityPolicies: [allowAll] }, assume).decision).toBe('allow');
    expect(decide({ identityPolicies: [allowAll] }, assume, { resourcePolicyRequired: true }).reason).toEqual({ kind: 'implicit_deny', policyType: 'resource' });
    const keyPolicy = resource(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/KeyAdmin` }, Action: 'kms:*', Resource: '*' }));
    const decrypt = { action: 'kms:Decrypt', resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234` };
    expect(decide({ identityPolicies: [allowAll] }, decrypt, { resourcePolicy: keyPolicy, resourcePolicyRequired: true }).decision).toBe('implicit_deny');
  });

  // AWS: each account is scoped to one partition.
  it('a principal of another partition does not match', () => {
    const china = resource(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws-cn:iam::${ACCOUNT}:role/ci/Deployer` }, Action: 's3:GetObject', Resource: OBJECT }));
    expect(decide({}, { principal: SESSION }, { resourcePolicy: china }).decision).toBe('implicit_deny');
    const chinaRoot = resource(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws-cn:iam::${ACCOUNT}:root` }, Action: 's3:GetObject', Resource: OBJECT }));
    expect(decide({ identityPolicies: [allowGet] }, { resourceAccount: OTHER }, { resourcePolicy: chinaRoot }).decision).toBe('implicit_deny');
  });

  it('a request action with wildcards is refused', () => {
    const deleteDenied = doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' });
    expect(decide({ identityPolicies: [deleteDenied] }, { action: 's3:DeleteObjec?' }).reason.kind).toBe('invalid_request');
    expect(decide({ identityPolicies: [deleteDenied] }, { action: '*' }).reason.kind).toBe('invalid_request');
  });
});

describe('request context and clock', () => {
  const untilNewYear = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } } });

  it('reads no clock: without aws:CurrentTime in the context and no `now`, a date condition does not match', () => {
    expect(decide({ identityPolicies: [untilNewYear] }, {}).decision).toBe('implicit_deny');
  });

  it('`now` supplies aws:CurrentTime and aws:EpochTime, but never overrides the context', () => {
    expect(decide({ identityPolicies: [untilNewYear] }, {}, { now: Date.UTC(2026, 10, 28) }).decision).toBe('allow');
    expect(decide({ identityPolicies: [untilNewYear] }, {}, { now: Date.UTC(2027, 5, 1) }).decision).toBe('implicit_deny');
    expect(decide({ identityPolicies: [untilNewYear] }, { context: { 'aws:CurrentTime': '2027-06-01T00:00:00Z' } }, { now: Date.UTC(2026, 0, 1) }).decision).toBe('implicit_deny');
    const epoch = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { NumericGreaterThan: { 'aws:EpochTime': '1800000000' } } });
    expect(decide({ identityPolicies: [epoch] }, {}, { now: 1_800_000_001_000 }).decision).toBe('allow');
  });

  it('accepts a prepared RequestContext, and context keys in any case', () => {
    const byUser = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/${aws:username}' });
    expect(decide({ identityPolicies: [byUser] }, { resource: 'arn:aws:s3:::bucket/alice', context: RequestContext.from({ 'AWS:UserName': 'alice' }) }).decision).toBe('allow');
    expect(decide({ identityPolicies: [byUser] }, { resource: 'arn:aws:s3:::bucket/alice', context: { 'aws:username': 'bob' } }).decision).toBe('implicit_deny');
  });

  it('a malformed request is refused, never allowed', () => {
    const refused = decide({ identityPolicies: [allowAll] }, { context: { 'aws:username': { nested: true } } });
    expect(refused.decision).toBe('implicit_deny');
    expect(refused.reason.kind).toBe('invalid_request');
    expect(decide({ identityPolicies: [allowAll] }, { context: { a: '1', A: '2' } }).reason.kind).toBe('invalid_request');
    expect(decide({ identityPolicies: [allowAll] }, { action: 42 as never }).reason.kind).toBe('invalid_request');
    expect(decide({ identityPolicies: [allowAll] }, {}, { now: Number.NaN }).reason.kind).toBe('invalid_request');
  });
});

describe('statement lookup by service', () => {
  it('finds statements with wildcard services and NotAction for any service, and nothing else', () => {
    const policies = [
      doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }),
      doc({ Effect: 'Allow', Action: '*:Get*', Resource: '*' }),
      doc({ Effect: 'Deny', NotAction: 'sqs:*', Resource: 'arn:aws:s3:::bucket/secret' }),
    ];
    const policySet = set({ identityPolicies: policies });
    expect(policySet.candidatesFor('s3').map((statement) => statement.matched.policyIndex)).toEqual([1, 2]);
    expect(policySet.candidatesFor('iam').map((statement) => statement.matched.policyIndex)).toEqual([0, 1, 2]);
    expect(evaluate(policySet, { principal: ALICE, action: 'S3:GETOBJECT', resource: OBJECT }).decision).toBe('allow');
    expect(evaluate(policySet, { principal: ALICE, action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/secret' }).decision).toBe('explicit_deny');
    expect(evaluate(policySet, { principal: ALICE, action: 'sqs:GetQueueUrl', resource: 'arn:aws:s3:::bucket/secret' }).decision).toBe('allow');
  });

  it('refuses a whole set when one policy is invalid', () => {
    const compiled = compilePolicySet({ identityPolicies: [allowAll, { Statement: { Effect: 'Allow' } }] });
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.errors.map((error) => error.policyIndex)).toEqual([1]);
  });
});

describe('explaining a decision in AWS words', () => {
  const request = { principal: ALICE, action: 's3:GetObject', resource: OBJECT };

  it('implicit and explicit denials, per policy type', () => {
    expect(describeDecision(request, decide({}, {}))).toBe(
      `User: ${ALICE} is not authorized to perform: s3:GetObject on resource: ${OBJECT} because no identity-based policy allows the s3:GetObject action`,
    );
    const boundaryDeny = decide({ identityPolicies: [allowAll], permissionBoundary: doc({ Effect: 'Deny', Action: '*', Resource: '*' }) }, {});
    expect(describeDecision(request, boundaryDeny)).toBe(`User: ${ALICE} is not authorized to perform: s3:GetObject on resource: ${OBJECT} with an explicit deny in a permissions boundary`);
    const trust = resource(doc({ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'sts:AssumeRole' }), 'trust');
    const assume = { principal: ALICE, action: 'sts:AssumeRole', resource: ROLE };
    expect(describeDecision(assume, evaluate(set({ identityPolicies: [allowAll] }), assume, { resourcePolicy: trust }), true)).toBe(
      `User: ${ALICE} is not authorized to perform: sts:AssumeRole on resource: ${ROLE} because no role trust policy allows the sts:AssumeRole action`,
    );
  });

  it('an allow names the policy types that granted it', () => {
    expect(describeDecision(request, decide({ identityPolicies: [allowGet], permissionBoundary: allowAll }, {}))).toBe(
      `User: ${ALICE} is authorized to perform: s3:GetObject on resource: ${OBJECT}, allowed by an identity-based policy and a permissions boundary`,
    );
  });
});
