import { inAccountTransaction } from '@warden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssembledPolicies } from '../src/authorization/policy-assembly.js';
import { loadPrincipalPolicies } from '../src/authorization/principal-policy-loader.js';
import { HistoryCursor } from '../src/history/history-cursor.js';
import { principalAt } from '../src/history/principal-at.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest } from './test-service.js';

const doc = (sid: string): string => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Action: `iam:${sid}`, Resource: '*' }] });
const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';
const USER_CHANGE_PASSWORD = 'arn:aws:iam::aws:policy/IAMUserChangePassword';

/**
 * Which stored policies apply to a principal is one rule (`assemblePolicies`): the live read
 * (`loadPrincipalPolicies`, one SQL statement over the read models) and the point-in-time fold
 * (`principalAt`, over the account's events) must give the same policies, in the same order, for
 * a user holding every kind (own inline and attached, customer and AWS managed at their default
 * version, its groups' inline and attached, a policy held twice, an inline name its group shares,
 * a boundary) and for a role.
 */
describe.each([...DRIVERS])('one policy assembly for the live read and the history fold on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it('gives a user and a role the same policies, in the same order, live and folded', async () => {
    const { iam } = service;
    const root = await newAccount(service);
    const accountId = root.accountId;
    const policy = async (name: string) => (await iam.policies.create(root, { policyName: name, policyDocument: doc(`${name}V1`) })).arn;
    const [own, byGroup, both, boundary, roleBoundary, detached] = [
      await policy('Own'),
      await policy('ByGroup'),
      await policy('Both'),
      await policy('Boundary'),
      await policy('RoleBoundary'),
      await policy('Detached'),
    ];
    // The default version is the one that applies, not the first.
    await iam.policies.createVersion(root, own, doc('OwnV2'), true);
    await iam.policies.createVersion(root, both, doc('BothV2'), false);

    const gOne = await iam.groups.create(root, { groupName: 'g-one' });
    const gTwo = await iam.groups.create(root, { groupName: 'g-two' });
    await iam.groups.create(root, { groupName: 'g-left' });
    // Attached to the groups before the user attaches its own: the user's still come first.
    await iam.groups.attachPolicy(root, 'g-one', byGroup);
    await iam.groups.attachPolicy(root, 'g-one', both);
    await iam.groups.attachPolicy(root, 'g-two', READ_ONLY);
    await iam.groups.putInlinePolicy(root, 'g-one', 'shared', doc('GroupShared'));
    await iam.groups.putInlinePolicy(root, 'g-two', 'a-group', doc('GroupA'));
    await iam.groups.attachPolicy(root, 'g-left', USER_CHANGE_PASSWORD);

    const user = await iam.users.create(root, { userName: 'holder', permissionsBoundary: boundary });
    await iam.users.attachPolicy(root, 'holder', both);
    await iam.users.attachPolicy(root, 'holder', own);
    await iam.users.attachPolicy(root, 'holder', detached);
    await iam.users.detachPolicy(root, 'holder', detached);
    await iam.users.putInlinePolicy(root, 'holder', 'shared', doc('UserShared'));
    await iam.users.putInlinePolicy(root, 'holder', 'z-own', doc('UserZ'));
    for (const group of ['g-two', 'g-one', 'g-left']) await iam.groups.addUser(root, group, 'holder');
    await iam.groups.removeUser(root, 'g-left', 'holder');

    const role = await iam.roles.create(root, {
      roleName: 'holder-role',
      assumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: accountId }, Action: 'sts:AssumeRole' }] }),
    });
    await iam.roles.attachPolicy(root, 'holder-role', READ_ONLY);
    await iam.roles.attachPolicy(root, 'holder-role', own);
    await iam.roles.putInlinePolicy(root, 'holder-role', 'role-inline', doc('RoleInline'));
    await iam.roles.putPermissionsBoundary(root, 'holder-role', roleBoundary);

    const now = new Date();
    const shape = (policies: AssembledPolicies) => ({
      identity: policies.identityPolicies.map((each) => ({ name: each.name, arn: each.arn, document: each.document })),
      boundary: policies.permissionBoundary && { name: policies.permissionBoundary.name, arn: policies.permissionBoundary.arn, document: policies.permissionBoundary.document },
    });
    const both_ = await inAccountTransaction(service.wardenDb.db, accountId, async (trx) => {
      const cursor = await HistoryCursor.open(trx, accountId, now, now, { useSnapshots: false, snapshotInterval: 1_000_000, writerWasRunning: true });
      await cursor.advanceTo(now);
      const answers = [];
      for (const [type, arn] of [
        ['user', user.arn],
        ['role', role.arn],
      ] as const) {
        const live = await loadPrincipalPolicies(trx, { accountId, type, arn });
        const folded = principalAt(cursor.history, accountId, arn);
        answers.push({ live: shape(live), folded: shape(folded!.policies) });
      }
      return answers;
    });
    const [forUser, forRole] = both_ as [(typeof both_)[0], (typeof both_)[0]];
    expect(forUser.live).toEqual(forUser.folded);
    expect(forRole.live).toEqual(forRole.folded);

    // And the rule itself: the user's attached, then its groups' by group id, each once; inline by name, the user's first.
    const [first, second] = [gOne, gTwo].sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
    const groupAttached = (group: typeof gOne) => (group === gOne ? [{ name: 'ByGroup', document: doc('ByGroupV1') }] : [{ name: 'IAMReadOnlyAccess', document: expect.any(String) as unknown }]);
    expect(forUser.live.identity.map(({ name, document }) => ({ name, document }))).toEqual([
      { name: 'Both', document: doc('BothV1') },
      { name: 'Own', document: doc('OwnV2') },
      ...groupAttached(first!),
      ...groupAttached(second!),
      { name: 'a-group', document: doc('GroupA') },
      { name: 'shared', document: doc('UserShared') },
      { name: 'shared', document: doc('GroupShared') },
      { name: 'z-own', document: doc('UserZ') },
    ]);
    expect(forUser.live.boundary).toEqual({ name: 'Boundary', arn: boundary, document: doc('BoundaryV1') });
    expect(forRole.live.identity.map((each) => each.name)).toEqual(['IAMReadOnlyAccess', 'Own', 'role-inline']);
    expect(forRole.live.boundary?.arn).toBe(roleBoundary);
  });
});
