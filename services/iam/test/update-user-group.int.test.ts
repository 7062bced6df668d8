import { inAccountTransaction } from '@warden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, type Caller, codeAtStep, EntityAlreadyExistsError, InvalidInputError, NoSuchEntityError, replayReadModels, resolveAccessKey, stepAt } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

/**
 * UpdateUser and UpdateGroup (issue 12): AWS's rename and path move. The entity keeps its unique id
 * and everything that refers to it by id (keys, memberships, policies, devices); what is written
 * under its name or ARN follows it; policies that name the old ARN are not rewritten, so they stop
 * matching; the caller needs the permission on both ARNs; names stay unique across case under races.
 */
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const code = (seed: string, offsetSteps = 0) => codeAtStep(seed, stepAt(new Date()) + offsetSteps);

describe.each([...DRIVERS])('updateUser and updateGroup on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  const eventTypes = async (accountId: string): Promise<string[]> =>
    (await inAccountTransaction(service.wardenDb.db, accountId, (trx) => trx.selectFrom('events').select('type').where('account_id', '=', accountId).orderBy('global_position').execute())).map(
      (row) => row.type,
    );

  const expectReplayEqual = async (accountId: string) => {
    const report = await replayReadModels(service.wardenDb.db, { accountId });
    expect(report.tables.filter((table) => !table.equal)).toEqual([]);
  };

  /** A user allowed `statements`, as a caller. */
  async function admin(root: Caller, name: string, ...statements: object[]): Promise<Caller> {
    const user = await service.iam.users.create(root, { userName: name });
    await service.iam.users.putInlinePolicy(root, name, 'admin', doc(...statements));
    return userCaller(root.accountId, user);
  }

  it('renames and moves a user: it keeps its id, keys, groups, policies and devices, and its credentials speak with the new ARN', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const alice = await iam.users.create(root, { userName: 'alice', path: '/eng/', tags: [{ key: 'team', value: 'blue' }] });
    const key = await iam.accessKeys.create(root, 'alice');
    await iam.groups.create(root, { groupName: 'readers' });
    await iam.groups.attachPolicy(root, 'readers', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess');
    await iam.groups.addUser(root, 'readers', 'alice');
    await iam.users.attachPolicy(root, 'alice', 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    await iam.users.putInlinePolicy(root, 'alice', 'sts', doc({ Effect: 'Allow', Action: 'sts:GetSessionToken', Resource: '*' }));
    const device = await iam.mfa.createVirtualMFADevice(root, { virtualMFADeviceName: 'alice-phone' });
    await iam.mfa.enableMFADevice(root, {
      userName: 'alice',
      serialNumber: device.serialNumber,
      authenticationCode1: code(device.base32StringSeed, -1),
      authenticationCode2: code(device.base32StringSeed),
    });
    const session = await iam.sts.getSessionToken({ ...userCaller(root.accountId, alice), accessKeyId: key.accessKeyId }, {});

    const robert = await iam.users.update(root, 'alice', { newUserName: 'Robert', newPath: '/ops/' });
    expect(robert).toMatchObject({ userId: alice.userId, userName: 'Robert', path: '/ops/', arn: `arn:aws:iam::${root.accountId}:user/ops/Robert`, tags: [{ key: 'team', value: 'blue' }] });
    expect((await eventTypes(root.accountId)).filter((type) => type === 'UserUpdated')).toHaveLength(1);

    // Found by the new name in any case, no longer by the old one.
    expect((await iam.users.get(root, 'robert')).userId).toBe(alice.userId);
    await expect(iam.users.get(root, 'alice')).rejects.toThrow(NoSuchEntityError);
    // What it holds, it holds by id.
    expect((await iam.accessKeys.list(root, 'Robert')).map((k) => k.accessKeyId)).toEqual([key.accessKeyId]);
    expect((await iam.groups.members(root, await iam.groups.get(root, 'readers'))).map((user) => user.userName)).toEqual(['Robert']);
    expect((await iam.mfa.list(root, { userName: 'Robert' })).map((d) => [d.serialNumber, d.userName])).toEqual([[device.serialNumber, 'Robert']]);
    // The long-term key and the session issued before the rename now speak for the new ARN.
    expect((await resolveAccessKey(service.wardenDb.db, iam.core.keyring, 'aws', key.accessKeyId))?.caller).toMatchObject({ arn: robert.arn, userName: 'Robert', userId: alice.userId });
    expect((await resolveAccessKey(service.wardenDb.db, iam.core.keyring, 'aws', session.accessKeyId))?.caller).toMatchObject({ arn: robert.arn, userName: 'Robert', userId: alice.userId });
    // Its policies still apply: its own and its group's.
    for (const action of ['s3:GetObject', 'iam:GetUser']) {
      expect((await iam.authorization.authorize(root, { principal: robert.arn, action, resource: '*' })).decision).toBe('allow');
    }
    await expect(iam.authorization.authorize(root, { principal: alice.arn, action: 's3:GetObject', resource: '*' })).rejects.toThrow(NoSuchEntityError);

    // The old name is free: a new user of that name is another user.
    const newAlice = await iam.users.create(root, { userName: 'alice', path: '/eng/' });
    expect(newAlice.userId).not.toBe(alice.userId);
    await expectReplayEqual(root.accountId);
  });

  it('refuses a taken name, bad names and paths, and an unknown user, and writes nothing; a no-op writes nothing', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    await iam.users.create(root, { userName: 'ann' });
    await iam.users.create(root, { userName: 'ben' });
    const before = (await eventTypes(root.accountId)).length;
    await expect(iam.users.update(root, 'ann', { newUserName: 'BEN' })).rejects.toThrow(new EntityAlreadyExistsError('User with name BEN already exists.'));
    await expect(iam.users.update(root, 'ann', { newUserName: 'ann smith' })).rejects.toThrow(/NewUserName may contain only/);
    await expect(iam.users.update(root, 'ann', { newUserName: 'a'.repeat(65) })).rejects.toThrow(InvalidInputError);
    await expect(iam.users.update(root, 'ann', { newPath: 'ops' })).rejects.toThrow(/NewPath must begin and end with a forward slash/);
    await expect(iam.users.update(root, 'nobody', { newUserName: 'somebody' })).rejects.toThrow(new NoSuchEntityError('The user with name nobody cannot be found.'));
    expect((await iam.users.update(root, 'ann', {})).userName).toBe('ann');
    expect((await iam.users.update(root, 'ANN', { newUserName: 'ann', newPath: '/' })).userName).toBe('ann');
    expect((await eventTypes(root.accountId)).length).toBe(before);
    // A new case of its own name is a rename, not a conflict.
    expect((await iam.users.update(root, 'ann', { newUserName: 'Ann' })).userName).toBe('Ann');
  });

  it('needs iam:UpdateUser on both the old and the new ARN', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const arn = (path: string, name: string) => `arn:aws:iam::${root.accountId}:user${path}${name}`;
    await iam.users.create(root, { userName: 'bob', path: '/division_abc/' });
    const oldOnly = await admin(root, 'old-only', { Effect: 'Allow', Action: 'iam:UpdateUser', Resource: arn('/division_abc/', 'bob') });
    const newOnly = await admin(root, 'new-only', { Effect: 'Allow', Action: 'iam:UpdateUser', Resource: arn('/division_efg/', '*') });
    const before = (await eventTypes(root.accountId)).length;
    await expect(iam.users.update(oldOnly, 'bob', { newUserName: 'robert' })).rejects.toThrow(
      new RegExp(`not authorized to perform: iam:UpdateUser on resource: ${arn('/division_abc/', 'robert')} because`),
    );
    await expect(iam.users.update(oldOnly, 'bob', { newPath: '/division_efg/' })).rejects.toThrow(AccessDeniedError);
    await expect(iam.users.update(newOnly, 'bob', { newPath: '/division_efg/' })).rejects.toThrow(new RegExp(`on resource: ${arn('/division_abc/', 'bob')} because`));
    // A caller without the permission learns nothing of the names: unknown or taken, it is denied.
    await expect(iam.users.update(newOnly, 'nobody', { newPath: '/division_efg/' })).rejects.toThrow(AccessDeniedError);
    expect((await eventTypes(root.accountId)).length).toBe(before);

    const both = await admin(root, 'both', { Effect: 'Allow', Action: 'iam:UpdateUser', Resource: [arn('/division_abc/', '*'), arn('/division_efg/', '*')] });
    expect((await iam.users.update(both, 'bob', { newPath: '/division_efg/' })).arn).toBe(arn('/division_efg/', 'bob'));
    // The policy that named bob's old ARN is not rewritten (IAM User Guide): it no longer matches him.
    await expect(iam.users.update(oldOnly, 'bob', { newPath: '/division_abc/' })).rejects.toThrow(AccessDeniedError);
    const denied = await admin(root, 'denied', { Effect: 'Allow', Action: 'iam:UpdateUser', Resource: '*' }, { Effect: 'Deny', Action: 'iam:UpdateUser', Resource: arn('/division_efg/', 'mallory') });
    await expect(iam.users.update(denied, 'bob', { newUserName: 'mallory' })).rejects.toThrow(/with an explicit deny/);
    expect((await iam.users.update(denied, 'bob', { newUserName: 'robert' })).userName).toBe('robert');
  });

  it('renames and moves a group: it keeps its id, members and policies; permission on both ARNs; taken names refused', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const managers = await iam.groups.create(root, { groupName: 'Managers' });
    await iam.groups.create(root, { groupName: 'Testers' });
    const carol = await iam.users.create(root, { userName: 'carol' });
    await iam.groups.addUser(root, 'Managers', 'carol');
    await iam.groups.attachPolicy(root, 'Managers', 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    await iam.groups.putInlinePolicy(root, 'Managers', 'sqs', doc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }));
    const groupArn = (path: string, name: string) => `arn:aws:iam::${root.accountId}:group${path}${name}`;

    const oldOnly = await admin(root, 'old-only', { Effect: 'Allow', Action: 'iam:UpdateGroup', Resource: groupArn('/', 'Managers') });
    await expect(iam.groups.update(oldOnly, 'Managers', { newGroupName: 'MGRs' })).rejects.toThrow(new RegExp(`iam:UpdateGroup on resource: ${groupArn('/', 'MGRs')} because`));
    await expect(iam.groups.update(root, 'Managers', { newGroupName: 'testers' })).rejects.toThrow(new EntityAlreadyExistsError('Group with name testers already exists.'));
    await expect(iam.groups.update(root, 'Managers', { newGroupName: 'no/slash' })).rejects.toThrow(/NewGroupName may contain only/);
    await expect(iam.groups.update(root, 'Nobody', { newGroupName: 'x' })).rejects.toThrow(NoSuchEntityError);
    expect((await eventTypes(root.accountId)).filter((type) => type === 'GroupUpdated')).toEqual([]);

    const both = await admin(root, 'both', { Effect: 'Allow', Action: 'iam:UpdateGroup', Resource: [groupArn('/', 'Managers'), groupArn('/mgmt/', 'MGRs')] });
    const mgrs = await iam.groups.update(both, 'managers', { newGroupName: 'MGRs', newPath: '/mgmt/' });
    expect(mgrs).toMatchObject({ groupId: managers.groupId, groupName: 'MGRs', path: '/mgmt/', arn: groupArn('/mgmt/', 'MGRs') });
    await expect(iam.groups.get(root, 'Managers')).rejects.toThrow(NoSuchEntityError);
    expect((await iam.groups.members(root, mgrs)).map((user) => user.userName)).toEqual(['carol']);
    for (const action of ['s3:GetObject', 'sqs:SendMessage']) {
      expect((await iam.authorization.authorize(root, { principal: carol.arn, action, resource: '*' })).decision).toBe('allow');
    }
    // The membership is still removable under the new name, and the old name is free.
    await iam.groups.removeUser(root, 'mgrs', 'carol');
    expect((await iam.groups.create(root, { groupName: 'Managers' })).groupId).not.toBe(managers.groupId);
    expect((await iam.groups.update(root, 'MGRs', {})).groupName).toBe('MGRs');
    expect((await eventTypes(root.accountId)).filter((type) => type === 'GroupUpdated')).toHaveLength(1);
    await expectReplayEqual(root.accountId);
  });

  // On PGlite the one connection serializes the requests; the Postgres run races them for real.
  it('races: of renames to one name in many spellings exactly one wins, users and groups alike', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const spellings = ['zed', 'ZED', 'Zed', 'zEd', 'zeD', 'ZEd', 'zED', 'ZeD'];
    for (let i = 0; i < spellings.length; i++) {
      await iam.users.create(root, { userName: `u${i}` });
      await iam.groups.create(root, { groupName: `g${i}` });
    }
    const race = async (request: (i: number) => Promise<unknown>): Promise<number> => {
      const settled = await Promise.allSettled(spellings.map((_, i) => request(i)));
      for (const outcome of settled) if (outcome.status === 'rejected') expect(outcome.reason, String(outcome.reason)).toBeInstanceOf(EntityAlreadyExistsError);
      return settled.filter((outcome) => outcome.status === 'fulfilled').length;
    };
    const [users, groups] = await Promise.all([
      race((i) => iam.users.update(root, `u${i}`, { newUserName: spellings[i]! })),
      race((i) => iam.groups.update(root, `g${i}`, { newGroupName: spellings[i]! })),
    ]);
    expect({ users, groups }).toEqual({ users: 1, groups: 1 });
    const names = await inAccountTransaction(service.wardenDb.db, root.accountId, async (trx) => ({
      users: (await trx.selectFrom('users').select('user_name_key').execute()).map((row) => row.user_name_key),
      groups: (await trx.selectFrom('groups').select('group_name_key').execute()).map((row) => row.group_name_key),
    }));
    expect(names.users.filter((name) => name === 'zed')).toHaveLength(1);
    expect(names.groups.filter((name) => name === 'zed')).toHaveLength(1);

    // A rename racing a create of the same name, and two renames of one user: one of each wins.
    await iam.users.create(root, { userName: 'solo' });
    await iam.users.create(root, { userName: 'twice' });
    const settled = await Promise.allSettled([
      iam.users.create(root, { userName: 'Target' }),
      iam.users.update(root, 'solo', { newUserName: 'target' }),
      iam.users.update(root, 'twice', { newUserName: 'first' }),
      iam.users.update(root, 'twice', { newUserName: 'second' }),
    ]);
    expect(settled.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2);
    const reasons = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    // The second rename of twice finds no user of that name any more, whichever came first.
    expect(reasons.filter((reason) => reason instanceof EntityAlreadyExistsError)).toHaveLength(1);
    expect(reasons.filter((reason) => reason instanceof NoSuchEntityError)).toHaveLength(1);
    await expectReplayEqual(root.accountId);
  });
});
