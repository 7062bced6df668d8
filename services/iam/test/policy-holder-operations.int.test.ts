import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, type Caller, type IamService } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const POLICY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const TRUST = doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });

type Operation = (iam: IamService, caller: Caller, name: string) => Promise<void>;

/**
 * Each operation the policy holders share, in an order in which every one of them succeeds, with
 * the IAM action AWS authorizes it as: the operations are written once for the three kinds, so this
 * holds that each kind still asks for its own action, on the holder's own ARN.
 */
const OPERATIONS: Record<'user' | 'group' | 'role', readonly (readonly [string, Operation])[]> = {
  user: [
    ['iam:AttachUserPolicy', (iam, caller, name) => iam.users.attachPolicy(caller, name, POLICY)],
    ['iam:DetachUserPolicy', (iam, caller, name) => iam.users.detachPolicy(caller, name, POLICY)],
    ['iam:PutUserPolicy', (iam, caller, name) => iam.users.putInlinePolicy(caller, name, 'inline', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }))],
    ['iam:DeleteUserPolicy', (iam, caller, name) => iam.users.deleteInlinePolicy(caller, name, 'inline')],
    ['iam:TagUser', (iam, caller, name) => iam.users.tag(caller, name, [{ key: 'team', value: 'blue' }])],
    ['iam:UntagUser', (iam, caller, name) => iam.users.untag(caller, name, ['team'])],
    ['iam:PutUserPermissionsBoundary', (iam, caller, name) => iam.users.putPermissionsBoundary(caller, name, POLICY)],
    ['iam:DeleteUserPermissionsBoundary', (iam, caller, name) => iam.users.deletePermissionsBoundary(caller, name)],
  ],
  group: [
    ['iam:AttachGroupPolicy', (iam, caller, name) => iam.groups.attachPolicy(caller, name, POLICY)],
    ['iam:DetachGroupPolicy', (iam, caller, name) => iam.groups.detachPolicy(caller, name, POLICY)],
    ['iam:PutGroupPolicy', (iam, caller, name) => iam.groups.putInlinePolicy(caller, name, 'inline', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }))],
    ['iam:DeleteGroupPolicy', (iam, caller, name) => iam.groups.deleteInlinePolicy(caller, name, 'inline')],
  ],
  role: [
    ['iam:AttachRolePolicy', (iam, caller, name) => iam.roles.attachPolicy(caller, name, POLICY)],
    ['iam:DetachRolePolicy', (iam, caller, name) => iam.roles.detachPolicy(caller, name, POLICY)],
    ['iam:PutRolePolicy', (iam, caller, name) => iam.roles.putInlinePolicy(caller, name, 'inline', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }))],
    ['iam:DeleteRolePolicy', (iam, caller, name) => iam.roles.deleteInlinePolicy(caller, name, 'inline')],
    ['iam:TagRole', (iam, caller, name) => iam.roles.tag(caller, name, [{ key: 'team', value: 'blue' }])],
    ['iam:UntagRole', (iam, caller, name) => iam.roles.untag(caller, name, ['team'])],
    ['iam:PutRolePermissionsBoundary', (iam, caller, name) => iam.roles.putPermissionsBoundary(caller, name, POLICY)],
    ['iam:DeleteRolePermissionsBoundary', (iam, caller, name) => iam.roles.deletePermissionsBoundary(caller, name)],
  ],
};

describe.each([...DRIVERS])('policy holder operations on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  describe.each(['user', 'group', 'role'] as const)('of a %s', (kind) => {
    it('each asks for its own IAM action on the holder’s ARN', async () => {
      const root = await newAccount(service);
      const { iam } = service;
      const holder =
        kind === 'user'
          ? await iam.users.create(root, { userName: 'holder', path: '/team/' })
          : kind === 'group'
            ? await iam.groups.create(root, { groupName: 'holder', path: '/team/' })
            : await iam.roles.create(root, { roleName: 'holder', path: '/team/', assumeRolePolicyDocument: TRUST });
      const operator = await iam.users.create(root, { userName: 'operator' });
      const caller = userCaller(root.accountId, operator);
      // Everything is allowed but the one action on the one ARN: denied, the operation asked exactly that.
      const allowAllBut = (action: string, resource: string) =>
        iam.users.putInlinePolicy(root, 'operator', 'guard', doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', Action: action, Resource: resource }));
      for (const [action, operation] of OPERATIONS[kind]) {
        await allowAllBut(action, holder.arn);
        await expect(operation(iam, caller, 'holder'), action).rejects.toThrow(AccessDeniedError);
        // The holder's ARN names its path: a Deny on the same name at the root path is another resource.
        await allowAllBut(action, holder.arn.replace('/team/', '/'));
        await operation(iam, caller, 'holder');
      }
    });
  });
});
