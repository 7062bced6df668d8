import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

/**
 * A user, group or role that no policy grants anything carries a warning, as the AWS console shows
 * one; the warning goes as soon as a policy with an Allow applies, and comes back with a boundary
 * that allows nothing.
 */
describe.each([...DRIVERS])('permission warnings on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it('warns about a user, group and role with no permissions, until a policy allows something', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const user = await iam.users.create(root, { userName: 'idle' });
    expect(await iam.warnings.forUser(root, user)).toEqual(['This user has no permissions: no policy attached to it, inline in it or in its groups allows anything.']);
    const group = await iam.groups.create(root, { groupName: 'empty' });
    expect(await iam.warnings.forGroup(root, group)).toEqual(['This group grants no permissions: no policy attached to it or inline in it allows anything.']);
    const role = await iam.roles.create(root, {
      roleName: 'idle-role',
      assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${root.accountId}:root` }, Action: 'sts:AssumeRole' }),
    });
    expect(await iam.warnings.forRole(root, role)).toEqual(['This role has no permissions: no policy attached to it or inline in it allows anything.']);

    // A Deny-only policy still grants nothing.
    await iam.users.putInlinePolicy(root, 'idle', 'DenyOnly', doc({ Effect: 'Deny', Action: '*', Resource: '*' }));
    expect(await iam.warnings.forUser(root, user)).toHaveLength(1);
    // A group's Allow counts for its members.
    await iam.groups.putInlinePolicy(root, 'empty', 'Read', doc({ Effect: 'Allow', Action: 'iam:Get*', Resource: '*' }));
    await iam.groups.addUser(root, 'empty', 'idle');
    expect(await iam.warnings.forUser(root, user)).toEqual([]);
    expect(await iam.warnings.forGroup(root, group)).toEqual([]);
    await iam.roles.attachPolicy(root, 'idle-role', 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    expect(await iam.warnings.forRole(root, role)).toEqual([]);

    // A boundary that allows nothing voids every grant.
    const boundary = await iam.policies.create(root, { policyName: 'Nothing', policyDocument: doc({ Effect: 'Deny', Action: '*', Resource: '*' }) });
    await iam.users.putPermissionsBoundary(root, 'idle', boundary.arn);
    const bounded = await iam.users.current(root, 'idle');
    expect(await iam.warnings.forUser(root, bounded)).toEqual(['This user has no permissions: its permissions boundary allows nothing.']);
  });

  it('warns while the root user has active access keys', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const account = await iam.accounts.get(root);
    // newAccount's tenant comes with one root key (createAccount returns it once).
    const noMfa: unknown = expect.stringMatching(/^The root user has no MFA device/);
    expect(await iam.warnings.forAccount(root, account)).toEqual([expect.stringMatching(/^The root user has 1 active access key:/), noMfa]);
    const keys = await iam.accessKeys.list(root);
    for (const key of keys) await iam.accessKeys.update(root, key.accessKeyId, 'Inactive');
    expect(await iam.warnings.forAccount(root, account)).toEqual([noMfa]);
  });

  it('shows warnings only to a caller allowed to list the policies', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const user = await iam.users.create(root, { userName: 'curious' });
    await iam.users.putInlinePolicy(root, 'curious', 'Self', doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }));
    expect(await iam.warnings.forUser(userCaller(root.accountId, user), user)).toBeNull();
    await iam.users.putInlinePolicy(root, 'curious', 'List', doc({ Effect: 'Allow', Action: 'iam:ListAttachedUserPolicies', Resource: '*' }));
    expect(await iam.warnings.forUser(userCaller(root.accountId, user), user)).toEqual([]);
  });
});
