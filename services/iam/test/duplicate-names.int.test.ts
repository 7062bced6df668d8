import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntityAlreadyExistsError } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest } from './test-service.js';

/**
 * A name already taken is refused with AWS's EntityAlreadyExists and AWS's sentence for that
 * entity, naming the name the request asked for (names compare case-insensitively, so another
 * spelling collides too and is the one named).
 */
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const TRUST = doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });
const POLICY = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });

async function refusal(request: Promise<unknown>): Promise<EntityAlreadyExistsError> {
  const error = await request.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(EntityAlreadyExistsError);
  return error as EntityAlreadyExistsError;
}

describe.each([...DRIVERS])('duplicate names on %s', (driver) => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it('users, groups, roles and managed policies name the entity and the name asked for', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    await iam.users.create(root, { userName: 'alice' });
    await iam.groups.create(root, { groupName: 'admins' });
    await iam.roles.create(root, { roleName: 'deployer', assumeRolePolicyDocument: TRUST });
    await iam.policies.create(root, { policyName: 'ReadOnly', policyDocument: POLICY });

    expect((await refusal(iam.users.create(root, { userName: 'alice' }))).message).toBe('User with name alice already exists.');
    expect((await refusal(iam.users.create(root, { userName: 'Alice', path: '/other/' }))).message).toBe('User with name Alice already exists.');
    expect((await refusal(iam.groups.create(root, { groupName: 'admins' }))).message).toBe('Group with name admins already exists.');
    expect((await refusal(iam.groups.create(root, { groupName: 'ADMINS' }))).message).toBe('Group with name ADMINS already exists.');
    expect((await refusal(iam.roles.create(root, { roleName: 'deployer', assumeRolePolicyDocument: TRUST }))).message).toBe('Role with name deployer already exists.');
    expect((await refusal(iam.roles.create(root, { roleName: 'Deployer', assumeRolePolicyDocument: TRUST }))).message).toBe('Role with name Deployer already exists.');
    expect((await refusal(iam.policies.create(root, { policyName: 'ReadOnly', policyDocument: POLICY }))).message).toBe('A policy called ReadOnly already exists. Duplicate names are not allowed.');
    expect((await refusal(iam.policies.create(root, { policyName: 'readonly', path: '/team/', policyDocument: POLICY }))).message).toBe(
      'A policy called readonly already exists. Duplicate names are not allowed.',
    );
  });

  it('a virtual MFA device, a login profile and an account alias use AWS sentences too', async () => {
    const root = await newAccount(service);
    const other = await newAccount(service);
    const { iam } = service;
    await iam.mfa.createVirtualMFADevice(root, { virtualMFADeviceName: 'phone' });
    expect((await refusal(iam.mfa.createVirtualMFADevice(root, { virtualMFADeviceName: 'phone' }))).message).toBe('MFADevice entity at the same path and name already exists.');

    await iam.users.create(root, { userName: 'dana' });
    await iam.passwords.createLoginProfile(root, { userName: 'dana', password: 'Good-Pass-123' });
    expect((await refusal(iam.passwords.createLoginProfile(root, { userName: 'dana', password: 'Good-Pass-456' }))).message).toBe('Login Profile for user dana already exists.');

    // Aliases are unique across every account, so another tenant's alias collides.
    const alias = `taken-${root.accountId}`;
    await iam.accounts.createAlias(root, alias);
    expect((await refusal(iam.accounts.createAlias(other, alias))).message).toBe(`The account alias ${alias} already exists.`);
    expect((await refusal(iam.accounts.create(service.managementRoot, { name: 'with-alias', alias }))).message).toBe(`The account alias ${alias} already exists.`);
  });
});
