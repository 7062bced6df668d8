import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, type Caller } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';

/**
 * A matched statement names its policy by the policy's own name, and a managed policy also by its
 * ARN (`policyArn`), whichever way the decision is asked for: authorize, a batch, the two
 * simulators, and the encoded message of a denial. An inline policy has no ARN.
 */
describe.each([...DRIVERS])('matched statements name their policies on %s', (driver) => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  async function decoded(request: Promise<unknown>, root: Caller): Promise<unknown[]> {
    const error = await request.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(AccessDeniedError);
    const message = await service.iam.sts.decodeAuthorizationMessage(root, (error as AccessDeniedError).encodedAuthorizationMessage!);
    return [...message.matchedStatements];
  }

  it("managed, AWS-managed, inline (the user's and its group's) and boundary policies", async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const readUsers = await iam.policies.create(root, { policyName: 'ReadUsers', path: '/team/', policyDocument: doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }) });
    const noDelete = await iam.policies.create(root, { policyName: 'NoDelete', policyDocument: doc({ Sid: 'Never', Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' }) });
    const bound = await iam.policies.create(root, { policyName: 'Bound', policyDocument: doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }) });
    expect(readUsers.arn).toBe(`arn:aws:iam::${root.accountId}:policy/team/ReadUsers`);
    const alice = await iam.users.create(root, { userName: 'alice' });
    await iam.users.attachPolicy(root, 'alice', readUsers.arn);
    await iam.users.attachPolicy(root, 'alice', noDelete.arn);
    await iam.users.attachPolicy(root, 'alice', READ_ONLY);
    await iam.users.putInlinePolicy(root, 'alice', 'own', doc({ Effect: 'Allow', Action: ['iam:GetUser', 'iam:DeleteUser'], Resource: '*' }));
    await iam.groups.create(root, { groupName: 'g' });
    await iam.groups.putInlinePolicy(root, 'g', 'groupinline', doc({ Effect: 'Allow', Action: 'iam:ListGroups', Resource: '*' }));
    await iam.groups.addUser(root, 'g', 'alice');
    await iam.users.putPermissionsBoundary(root, 'alice', bound.arn);

    const boundary = { source: 'boundary', policyName: 'Bound', policyArn: bound.arn };
    const listUsers = await iam.authorization.authorize(root, { principal: alice.arn, action: 'iam:ListUsers', resource: '*' });
    expect(listUsers.matched).toMatchObject([
      { source: 'identity', policyName: 'ReadUsers', policyArn: readUsers.arn },
      { source: 'identity', policyName: 'IAMReadOnlyAccess', policyArn: READ_ONLY },
      boundary,
    ]);
    const [getUser, listGroups] = await iam.authorization.authorizeMany(root, [
      { principal: alice.arn, action: 'iam:GetUser', resource: '*' },
      { principal: alice.arn, action: 'iam:ListGroups', resource: '*' },
    ]);
    expect(getUser!.matched.find((statement) => statement.policyName === 'own')).toEqual({
      source: 'identity',
      policyIndex: expect.any(Number) as unknown,
      policyName: 'own',
      statementIndex: 0,
      effect: 'Allow',
    });
    expect(listGroups!.matched.filter((statement) => statement.source === 'identity' && statement.policyArn === undefined).map((statement) => statement.policyName)).toEqual(['groupinline']);
    for (const statement of [...listUsers.matched, ...getUser!.matched, ...listGroups!.matched]) expect(statement.policyName).not.toMatch(/^arn:|\//);

    const simulated = await iam.authorization.simulatePrincipalPolicy(root, {
      policySourceArn: alice.arn,
      actionNames: ['iam:ListUsers', 'iam:CreateGroup'],
      policyInputList: [doc({ Effect: 'Allow', Action: 'iam:CreateGroup', Resource: '*' })],
    });
    expect(simulated[0]!.matchedStatements).toMatchObject([{ policyName: 'ReadUsers', policyArn: readUsers.arn }, { policyName: 'IAMReadOnlyAccess', policyArn: READ_ONLY }, boundary]);
    expect(simulated[1]!.matchedStatements).toEqual([
      { source: 'identity', policyIndex: expect.any(Number) as unknown, policyName: 'policyInputList[0]', statementIndex: 0, effect: 'Allow' },
      { source: 'boundary', policyIndex: 0, policyName: 'Bound', policyArn: bound.arn, statementIndex: 0, effect: 'Allow' },
    ]);
    const custom = await iam.authorization.simulateCustomPolicy(root, { policyInputList: [doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' })], actionNames: ['iam:ListUsers'] });
    expect(custom[0]!.matchedStatements).toEqual([{ source: 'identity', policyIndex: 0, policyName: 'policyInputList[0]', statementIndex: 0, effect: 'Allow' }]);

    // A denial's encoded message names the deciding managed policy the same way.
    await iam.users.create(root, { userName: 'victim' });
    expect(await decoded(iam.users.delete(userCaller(root.accountId, alice), 'victim'), root)).toEqual([
      { source: 'identity', policyIndex: expect.any(Number) as unknown, policyName: 'NoDelete', policyArn: noDelete.arn, statementIndex: 0, sid: 'Never', effect: 'Deny' },
    ]);
  });

  it('a managed session policy (PolicyArns) by name and ARN, the inline session policy without an ARN', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const bob = await iam.users.create(root, { userName: 'bob' });
    const role = await iam.roles.create(root, { roleName: 'r', assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: bob.arn }, Action: 'sts:AssumeRole' }) });
    await iam.roles.putInlinePolicy(root, 'r', 'all', doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }));
    const sessionDeny = await iam.policies.create(root, {
      policyName: 'SessionDeny',
      path: '/sessions/',
      policyDocument: doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' }),
    });
    const assumed = await iam.sts.assumeRole(userCaller(root.accountId, bob), {
      roleArn: role.arn,
      roleSessionName: 'narrow',
      policy: doc({ Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' }),
      policyArns: [sessionDeny.arn],
    });
    const resolved = await iam.credentials.resolve(assumed.credentials.accessKeyId);
    const session: Caller = { ...resolved!.caller, requestContext: {}, accountEpoch: resolved!.accountEpoch };
    await iam.users.create(root, { userName: 'victim' });
    expect(await decoded(iam.users.delete(session, 'victim'), root)).toEqual([
      { source: 'session', policyIndex: 0, policyName: 'session-policy', statementIndex: 0, effect: 'Deny' },
      { source: 'session', policyIndex: 1, policyName: 'SessionDeny', policyArn: sessionDeny.arn, statementIndex: 1, effect: 'Deny' },
    ]);
  });
});
