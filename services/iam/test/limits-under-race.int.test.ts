import { inAccountTransaction } from '@warden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, codeAtStep, EntityAlreadyExistsError, LimitExceededError, stepAt } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest } from './test-service.js';

/**
 * Every limit Warden counts against, raced: many requests at once (one Promise.all), and the limit
 * must hold exactly, with every request beyond it refused as AWS refuses it (LimitExceeded, or
 * EntityAlreadyExists for a name taken in another case). On PGlite the one connection serializes
 * the requests, so only the Postgres run (DATABASE_URL, set in CI) races them for real.
 */
const RACERS = 12;
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const TRUST = doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });

/** How many requests succeeded, and the refusals, each of which must be of `refusal`'s class. */
async function race(count: number, request: (index: number) => Promise<unknown>, refusal: new (...args: never[]) => Error): Promise<number> {
  const settled = await Promise.allSettled(Array.from({ length: count }, (_, index) => request(index)));
  const refused = settled.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason as unknown);
  for (const reason of refused) expect(reason, String(reason)).toBeInstanceOf(refusal);
  return settled.length - refused.length;
}

describe.each([...DRIVERS])('limits under races on %s', (driver) => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  /** A fresh tenant with some quotas set by the management account. */
  async function tenant(quotas: Record<string, number> = {}): Promise<Caller> {
    const root = await newAccount(service);
    if (Object.keys(quotas).length > 0) await service.iam.accounts.updateQuotas(service.managementRoot, root.accountId, quotas);
    return root;
  }

  const rows = (root: Caller, table: 'users' | 'groups' | 'roles' | 'policies' | 'mfa_devices'): Promise<number> =>
    inAccountTransaction(service.wardenDb.db, root.accountId, async (trx) =>
      Number(
        (
          await trx
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('count'))
            .executeTakeFirstOrThrow()
        ).count,
      ),
    );

  describe('account quotas', () => {
    it('users: exactly the quota is created', async () => {
      const root = await tenant({ users: 3 });
      expect(await race(RACERS, (i) => service.iam.users.create(root, { userName: `user${i}` }), LimitExceededError)).toBe(3);
      expect(await rows(root, 'users')).toBe(3);
    });

    it('groups: exactly the quota is created', async () => {
      const root = await tenant({ groups: 3 });
      expect(await race(RACERS, (i) => service.iam.groups.create(root, { groupName: `group${i}` }), LimitExceededError)).toBe(3);
      expect(await rows(root, 'groups')).toBe(3);
    });

    it('roles: exactly the quota is created', async () => {
      const root = await tenant({ roles: 3 });
      // The account came with OrganizationAccountAccessRole, which counts toward the quota as in AWS.
      expect(await race(RACERS, (i) => service.iam.roles.create(root, { roleName: `role${i}`, assumeRolePolicyDocument: TRUST }), LimitExceededError)).toBe(2);
      expect(await rows(root, 'roles')).toBe(3);
    });

    it('customer managed policies: exactly the quota is created', async () => {
      const root = await tenant({ customerManagedPolicies: 3 });
      const policy = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
      expect(await race(RACERS, (i) => service.iam.policies.create(root, { policyName: `policy${i}`, policyDocument: policy }), LimitExceededError)).toBe(3);
      expect(await rows(root, 'policies')).toBe(3);
    });

    // AWS: virtual MFA devices in an account, assigned or not, are limited to the account's users quota.
    it('virtual MFA devices: no more than the users quota', async () => {
      const root = await tenant({ users: 3 });
      expect(await race(RACERS, (i) => service.iam.mfa.createVirtualMFADevice(root, { virtualMFADeviceName: `device${i}` }), LimitExceededError)).toBe(3);
      expect(await rows(root, 'mfa_devices')).toBe(3);
    });

    it('a quota already reached before the race refuses every request', async () => {
      const root = await tenant({ users: 1 });
      await service.iam.users.create(root, { userName: 'first' });
      expect(await race(RACERS, (i) => service.iam.users.create(root, { userName: `late${i}` }), LimitExceededError)).toBe(0);
    });
  });

  describe('limits per entity, at their AWS defaults', () => {
    it('2 access keys per user', async () => {
      const root = await tenant();
      await service.iam.users.create(root, { userName: 'keyholder' });
      expect(await race(RACERS, () => service.iam.accessKeys.create(root, 'keyholder'), LimitExceededError)).toBe(2);
      expect(await service.iam.accessKeys.list(root, 'keyholder')).toHaveLength(2);
    });

    it('5 versions of a managed policy', async () => {
      const root = await tenant();
      const policy = await service.iam.policies.create(root, { policyName: 'Versioned', policyDocument: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) });
      const versions = await race(RACERS, (i) => service.iam.policies.createVersion(root, policy.arn, doc({ Effect: 'Allow', Action: `s3:Get${i}`, Resource: '*' }), false), LimitExceededError);
      expect(versions).toBe(4);
      expect(await service.iam.policies.versions(root, policy)).toHaveLength(5);
    });

    it('10 managed policies attached to a user, a group and a role', async () => {
      const root = await tenant();
      const policies: { arn: string }[] = [];
      for (let i = 0; i < RACERS; i++)
        policies.push(await service.iam.policies.create(root, { policyName: `attachable${i}`, policyDocument: doc({ Effect: 'Allow', Action: `s3:Get${i}`, Resource: '*' }) }));
      await service.iam.users.create(root, { userName: 'holder' });
      await service.iam.groups.create(root, { groupName: 'holders' });
      await service.iam.roles.create(root, { roleName: 'holder-role', assumeRolePolicyDocument: TRUST });
      const [user, group, role] = await Promise.all([
        race(RACERS, (i) => service.iam.users.attachPolicy(root, 'holder', policies[i]!.arn), LimitExceededError),
        race(RACERS, (i) => service.iam.groups.attachPolicy(root, 'holders', policies[i]!.arn), LimitExceededError),
        race(RACERS, (i) => service.iam.roles.attachPolicy(root, 'holder-role', policies[i]!.arn), LimitExceededError),
      ]);
      expect({ user, group, role }).toEqual({ user: 10, group: 10, role: 10 });
      const attached = await inAccountTransaction(service.wardenDb.db, root.accountId, (trx) => trx.selectFrom('policy_attachments').select('principal_type').execute());
      expect(attached.filter((row) => row.principal_type === 'user')).toHaveLength(10);
      expect(attached.filter((row) => row.principal_type === 'group')).toHaveLength(10);
      // And AdministratorAccess on the account's OrganizationAccountAccessRole.
      expect(attached.filter((row) => row.principal_type === 'role')).toHaveLength(11);
    });

    it('10 groups per user', async () => {
      const root = await tenant();
      for (let i = 0; i < RACERS; i++) await service.iam.groups.create(root, { groupName: `team${i}` });
      await service.iam.users.create(root, { userName: 'joiner' });
      expect(await race(RACERS, (i) => service.iam.groups.addUser(root, `team${i}`, 'joiner'), LimitExceededError)).toBe(10);
      const memberships = await inAccountTransaction(service.wardenDb.db, root.accountId, (trx) => trx.selectFrom('group_memberships').select('group_id').execute());
      expect(memberships).toHaveLength(10);
    });

    it('8 MFA devices in use by a user', async () => {
      const root = await tenant();
      await service.iam.users.create(root, { userName: 'collector' });
      const devices: { serialNumber: string; base32StringSeed: string }[] = [];
      for (let i = 0; i < RACERS; i++) devices.push(await service.iam.mfa.createVirtualMFADevice(root, { virtualMFADeviceName: `token${i}` }));
      const now = stepAt(new Date());
      const enabled = await race(
        RACERS,
        (i) =>
          service.iam.mfa.enableMFADevice(root, {
            userName: 'collector',
            serialNumber: devices[i]!.serialNumber,
            authenticationCode1: codeAtStep(devices[i]!.base32StringSeed, now - 1),
            authenticationCode2: codeAtStep(devices[i]!.base32StringSeed, now),
          }),
        LimitExceededError,
      );
      expect(enabled).toBe(8);
      expect(await service.iam.mfa.list(root, { userName: 'collector' })).toHaveLength(8);
    });

    it('a lowered per-entity quota holds the same way', async () => {
      const root = await tenant({ accessKeysPerUser: 1, groupsPerUser: 2 });
      await service.iam.users.create(root, { userName: 'limited' });
      for (let i = 0; i < 4; i++) await service.iam.groups.create(root, { groupName: `crew${i}` });
      expect(await race(RACERS, () => service.iam.accessKeys.create(root, 'limited'), LimitExceededError)).toBe(1);
      expect(await race(4, (i) => service.iam.groups.addUser(root, `crew${i}`, 'limited'), LimitExceededError)).toBe(2);
    });
  });

  // AWS: names of users, groups, roles and policies are unique within the account, whatever their case.
  describe('names are unique across case', () => {
    const spellings = ['alice', 'ALICE', 'Alice', 'aLICE', 'alIce', 'aliCe', 'alicE', 'ALice', 'AliCE', 'aLiCe', 'AlIcE', 'ALICe'];

    it('one user of all the spellings raced', async () => {
      const root = await tenant();
      expect(await race(spellings.length, (i) => service.iam.users.create(root, { userName: spellings[i]! }), EntityAlreadyExistsError)).toBe(1);
      expect(await rows(root, 'users')).toBe(1);
    });

    it('one group, one role and one policy of all the spellings raced', async () => {
      const root = await tenant();
      const policy = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
      const [groups, roles, policies] = await Promise.all([
        race(spellings.length, (i) => service.iam.groups.create(root, { groupName: spellings[i]! }), EntityAlreadyExistsError),
        race(spellings.length, (i) => service.iam.roles.create(root, { roleName: spellings[i]!, assumeRolePolicyDocument: TRUST }), EntityAlreadyExistsError),
        race(spellings.length, (i) => service.iam.policies.create(root, { policyName: spellings[i]!, policyDocument: policy }), EntityAlreadyExistsError),
      ]);
      expect({ groups, roles, policies }).toEqual({ groups: 1, roles: 1, policies: 1 });
      // Roles: the one raced, and the account's OrganizationAccountAccessRole.
      expect([await rows(root, 'groups'), await rows(root, 'roles'), await rows(root, 'policies')]).toEqual([1, 2, 1]);
    });
  });
});
