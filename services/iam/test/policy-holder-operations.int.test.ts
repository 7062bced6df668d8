import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, type Caller, type IamService } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const POLICY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const TRUST = doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });

const INLINE = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });

type Holders = IamService['users'] | IamService['groups'] | IamService['roles'];
type TaggedHolders = IamService['users'] | IamService['roles'];

/**
 * The operations the policy holders share, in an order in which each one succeeds, and the IAM
 * actions AWS authorizes them as for each kind, in the same order. They are written once for the
 * three kinds: this holds that each kind still asks for its own action, on the holder's own ARN.
 */
const POLICY_OPERATIONS: readonly ((holders: Holders, caller: Caller, name: string) => Promise<unknown>)[] = [
  (holders, caller, name) => holders.attachPolicy(caller, name, POLICY),
  (holders, caller, name) => holders.detachPolicy(caller, name, POLICY),
  (holders, caller, name) => holders.putInlinePolicy(caller, name, 'inline', INLINE),
  (holders, caller, name) => holders.deleteInlinePolicy(caller, name, 'inline'),
];
const TAG_AND_BOUNDARY_OPERATIONS: readonly ((holders: TaggedHolders, caller: Caller, name: string) => Promise<unknown>)[] = [
  (holders, caller, name) => holders.tag(caller, name, [{ key: 'team', value: 'blue' }]),
  (holders, caller, name) => holders.untag(caller, name, ['team']),
  (holders, caller, name) => holders.putPermissionsBoundary(caller, name, POLICY),
  (holders, caller, name) => holders.deletePermissionsBoundary(caller, name),
];
const ACTIONS = {
  user: 'AttachUserPolicy DetachUserPolicy PutUserPolicy DeleteUserPolicy TagUser UntagUser PutUserPermissionsBoundary DeleteUserPermissionsBoundary',
  group: 'AttachGroupPolicy DetachGroupPolicy PutGroupPolicy DeleteGroupPolicy',
  role: 'AttachRolePolicy DetachRolePolicy PutRolePolicy DeleteRolePolicy TagRole UntagRole PutRolePermissionsBoundary DeleteRolePermissionsBoundary',
};

function operationsOf(iam: IamService, kind: 'user' | 'group' | 'role'): ((caller: Caller, name: string) => Promise<unknown>)[] {
  const holders = kind === 'user' ? iam.users : kind === 'group' ? iam.groups : iam.roles;
  const tagged = kind === 'user' ? iam.users : kind === 'role' ? iam.roles : undefined;
  return [
    ...POLICY_OPERATIONS.map((operation) => (caller: Caller, name: string) => operation(holders, caller, name)),
    ...(tagged ? TAG_AND_BOUNDARY_OPERATIONS.map((operation) => (caller: Caller, name: string) => operation(tagged, caller, name)) : []),
  ];
}

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
      const operations = operationsOf(iam, kind);
      const actions = ACTIONS[kind].split(' ').map((name) => `iam:${name}`);
      expect(actions).toHaveLength(operations.length);
      for (const [index, operation] of operations.entries()) {
        const action = actions[index]!;
        await allowAllBut(action, holder.arn);
        await expect(operation(caller, 'holder'), action).rejects.toThrow(AccessDeniedError);
        // The holder's ARN names its path: a Deny on the same name at the root path is another resource.
        await allowAllBut(action, holder.arn.replace('/team/', '/'));
        await operation(caller, 'holder');
      }
    });

    it('each answers with the holder as its own write left it, exactly as a read of it after the write finds it', async () => {
      const root = await newAccount(service);
      const { iam } = service;
      const holder =
        kind === 'user'
          ? await iam.users.create(root, { userName: 'holder', path: '/team/', tags: [{ key: 'cost', value: 'ops' }] })
          : kind === 'group'
            ? await iam.groups.create(root, { groupName: 'holder', path: '/team/' })
            : await iam.roles.create(root, { roleName: 'holder', path: '/team/', assumeRolePolicyDocument: TRUST, description: 'first' });
      // The answer is made from the row the write found and the stream it folded, not read again:
      // a read after the write must find exactly the same, field for field.
      const readBack = () => (kind === 'user' ? iam.users.get(root, 'holder') : kind === 'group' ? iam.groups.get(root, 'holder') : iam.roles.get(root, 'holder'));
      const answersAsRead = async (answer: Promise<unknown>) => {
        const answered = await answer;
        expect(answered).toEqual(await readBack());
        return answered;
      };
      for (const operation of operationsOf(iam, kind)) expect(await answersAsRead(operation(root, 'holder'))).toMatchObject({ arn: holder.arn });
      if (kind === 'group') return;
      const tagged = kind === 'user' ? iam.users : iam.roles;
      // A user's tag keys compare without regard to case: COST replaces the user's cost tag.
      const retagged = (await answersAsRead(
        tagged.tag(root, 'holder', [
          { key: 'team', value: 'red' },
          { key: 'COST', value: 'dev' },
        ]),
      )) as { tags: readonly unknown[] };
      expect(retagged.tags).toContainEqual({ key: 'team', value: 'red' });
      expect(retagged.tags).toHaveLength(2);
      expect(await answersAsRead(tagged.putPermissionsBoundary(root, 'holder', POLICY))).toMatchObject({ permissionsBoundaryArn: POLICY });
      expect(await answersAsRead(tagged.untag(root, 'HOLDER', ['team']))).toMatchObject({ arn: holder.arn, permissionsBoundaryArn: POLICY });
      if (kind !== 'role') return;
      expect(await answersAsRead(iam.roles.update(root, 'holder', { description: 'deploys', maxSessionDuration: 7200 }))).toMatchObject({ description: 'deploys', maxSessionDuration: 7200 });
      const trust = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });
      expect(await answersAsRead(iam.roles.updateAssumeRolePolicy(root, 'holder', trust))).toMatchObject({ trustPolicy: trust, description: 'deploys' });
    });
  });
});
