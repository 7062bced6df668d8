import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, DEFAULT_QUOTAS, DEFAULT_SIGN_IN_THROTTLE, isAuditEvent, nameKey } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

/**
 * What the operations return are domain types mapped from the read models' rows: camelCase, with
 * exactly the fields the API may show (never a secret, a password hash or a seed), and lists that
 * page by the name key of their last entity.
 */
describe.each([...DRIVERS])('domain types on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it('returns users, groups and roles with their own fields only, and pages them by name key', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const created = await iam.users.create(root, { userName: 'Bea', path: '/ops/', tags: [{ key: 'team', value: 'red' }] });
    await iam.passwords.createLoginProfile(root, { userName: 'Bea', password: 'Correct-Horse-1' });
    const bea = await iam.users.get(root, 'bea');
    expect(Object.keys(bea).sort()).toEqual(['accountId', 'arn', 'createdAt', 'path', 'permissionsBoundaryArn', 'tags', 'userId', 'userName']);
    expect(bea).toEqual({ ...created, tags: [{ key: 'team', value: 'red' }] });
    expect(bea).toMatchObject({ accountId: root.accountId, userName: 'Bea', path: '/ops/', arn: `arn:aws:iam::${root.accountId}:user/ops/Bea`, permissionsBoundaryArn: null });
    expect(bea.createdAt).toBeInstanceOf(Date);

    await iam.users.create(root, { userName: 'anna' });
    await iam.users.create(root, { userName: 'Carl' });
    const first = await iam.users.list(root, { first: 2 });
    expect(first.map((user) => user.userName)).toEqual(['anna', 'Bea']);
    const rest = await iam.users.list(root, { first: 2, after: nameKey(first[1]!.userName) });
    expect(rest.map((user) => user.userName)).toEqual(['Carl']);

    const group = await iam.groups.create(root, { groupName: 'Ops' });
    expect(Object.keys(group).sort()).toEqual(['accountId', 'arn', 'createdAt', 'groupId', 'groupName', 'path']);
    await iam.groups.addUser(root, 'Ops', 'Bea');
    expect(await iam.groups.members(root, group)).toEqual([bea]);

    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${root.accountId}:root` }, Action: 'sts:AssumeRole' });
    await iam.roles.create(root, { roleName: 'deployer', assumeRolePolicyDocument: trust, description: 'ships', maxSessionDuration: 7200 });
    const role = await iam.roles.get(root, 'DEPLOYER');
    expect(Object.keys(role).sort()).toEqual(['accountId', 'arn', 'createdAt', 'description', 'maxSessionDuration', 'path', 'permissionsBoundaryArn', 'roleId', 'roleName', 'tags', 'trustPolicy']);
    expect(role).toMatchObject({ roleName: 'deployer', trustPolicy: trust, description: 'ships', maxSessionDuration: 7200, tags: [] });
  });

  it('marks the default policy version, and maps the account settings the API shows', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const policy = await iam.policies.create(root, { policyName: 'Reader', policyDocument: doc({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }) });
    await iam.policies.createVersion(root, policy.arn, doc({ Effect: 'Allow', Action: 's3:List*', Resource: '*' }), false);
    await iam.policies.setDefaultVersion(root, policy.arn, 'v2');
    const current = await iam.policies.get(root, policy.arn);
    expect(current.defaultVersionId).toBe('v2');
    expect((await iam.policies.versions(root, current)).map((version) => [version.versionId, version.isDefaultVersion])).toEqual([
      ['v1', false],
      ['v2', true],
    ]);
    const details = await iam.details.accountAuthorizationDetails(root);
    expect(details.policies.map((detail) => detail.versions.map((version) => [version.versionId, version.isDefaultVersion]))).toEqual([
      [
        ['v1', false],
        ['v2', true],
      ],
    ]);

    const fresh = await iam.accounts.get(root);
    expect(fresh).toMatchObject({
      accountId: root.accountId,
      alias: null,
      isManagement: false,
      requireMfaForConsole: false,
      maxAccessKeyAgeDays: null,
      signInThrottle: DEFAULT_SIGN_IN_THROTTLE,
      quotas: DEFAULT_QUOTAS,
    });
    await iam.accounts.updateSettings(root, { requireMfaForConsole: true, maxAccessKeyAgeDays: 30, signInThrottle: { lockoutSeconds: 60 } });
    const quoted = await iam.accounts.updateQuotas(service.managementRoot, root.accountId, { users: 40 });
    expect(quoted.quotas).toEqual({ ...DEFAULT_QUOTAS, users: 40 });
    expect(await iam.accounts.get(root)).toMatchObject({ requireMfaForConsole: true, maxAccessKeyAgeDays: 30, signInThrottle: { ...DEFAULT_SIGN_IN_THROTTLE, lockoutSeconds: 60 } });
    await iam.accounts.updateSettings(root, { maxAccessKeyAgeDays: null });
    expect((await iam.accounts.get(root)).maxAccessKeyAgeDays).toBeNull();
  });

  it('lists access keys, MFA devices and audit events without their secrets', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const user = await iam.users.create(root, { userName: 'kim' });
    const key = await iam.accessKeys.create(root, 'kim');
    const [listed] = await iam.accessKeys.list(root, 'kim');
    expect(listed).toEqual({ accountId: root.accountId, accessKeyId: key.accessKeyId, userName: 'kim', status: 'Active', createdAt: key.createDate, lastUsedAt: null, lastUsedAction: null });
    expect((await iam.accessKeys.unused(root, 1)).map((unused) => unused.accessKeyId)).toEqual([]);
    // The root user's keys have no user name.
    const rootKey = await iam.accessKeys.create(root);
    expect((await iam.accessKeys.list(root)).find((listedKey) => listedKey.accessKeyId === rootKey.accessKeyId)).toMatchObject({ userName: null, status: 'Active' });
    // Unused keys are the account's: a user without iam:ListAccessKeys on `*` may not ask.
    await expect(iam.accessKeys.unused(userCaller(root.accountId, user), 1)).rejects.toThrow(AccessDeniedError);

    const device = await iam.mfa.createVirtualMFADevice(root, { virtualMFADeviceName: 'kim-phone', tags: [{ key: 'kind', value: 'phone' }] });
    const [unassigned] = await iam.mfa.list(root, { assignmentStatus: 'Unassigned' });
    expect(Object.keys(unassigned!).sort()).toEqual(['accountId', 'createdAt', 'deviceName', 'enabledAt', 'path', 'serialNumber', 'tags', 'userName']);
    expect(unassigned).toMatchObject({ serialNumber: device.serialNumber, deviceName: 'kim-phone', path: '/', userName: null, enabledAt: null, tags: [{ key: 'kind', value: 'phone' }] });

    const [createdEntry] = await iam.audit.log(root, { eventTypes: ['AccessKeyCreated'] }, { first: 10 });
    const created = createdEntry?.entry;
    if (!created || !isAuditEvent(created)) throw new Error('no AccessKeyCreated event');
    expect(created).toMatchObject({ type: 'AccessKeyCreated', streamId: `user/${user.userId}`, actorArn: root.arn, resourceArn: user.arn });
    expect((created.data as { secret: unknown }).secret).toBe('[encrypted]');
    // The page after the event's cursor: the events before it (the key's user was made earlier).
    const older = (await iam.audit.events(root, {}, { first: 100, after: createdEntry.cursor })).filter(isAuditEvent);
    expect(older.map((event) => event.type)).toContain('UserCreated');
    expect(older.every((event) => event.occurredAt.getTime() <= created.occurredAt.getTime() && event.position !== created.position)).toBe(true);
  });
});
