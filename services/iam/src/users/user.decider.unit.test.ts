import { describe, expect, it } from 'vitest';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import { given } from '../kernel/decider-spec.js';
import { DeleteConflictError, EntityAlreadyExistsError, InvalidInputError, LimitExceededError, NoSuchEntityError } from '../kernel/iam-error.js';
import type { Tag } from '../naming/index.js';
import { type UserCommand, userDecider } from './user.decider.js';
import type { UserEvent } from './user.events.js';

const USER_ID = 'AIDAEXAMPLEUSER000001';
const ARN = 'arn:aws:iam::111122223333:user/alice';
const POLICY_A = 'arn:aws:iam::111122223333:policy/ReadOnly';
const BOUNDARY = 'arn:aws:iam::111122223333:policy/Boundary';
const SECRET: EncryptedSecretData = { keyId: 'kr-1', iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };
const DOCUMENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

const tag = (key: string, value = ''): Tag => ({ key, value });
const tags = (n: number, prefix = 'k'): Tag[] => Array.from({ length: n }, (_, i) => tag(`${prefix}${i}`, `v${i}`));

const createUser = (overrides: Partial<Extract<UserCommand, { type: 'CreateUser' }>> = {}): UserCommand => ({
  type: 'CreateUser',
  userId: USER_ID,
  userName: 'alice',
  path: '/',
  arn: ARN,
  tags: [],
  permissionsBoundaryArn: null,
  ...overrides,
});

const created = (overrides: Partial<Extract<UserEvent, { type: 'UserCreated' }>['data']> = {}): UserEvent => ({
  type: 'UserCreated',
  data: { userId: USER_ID, userName: 'alice', path: '/', arn: ARN, tags: [], permissionsBoundaryArn: null, ...overrides },
});
const deleted: UserEvent = { type: 'UserDeleted', data: { userId: USER_ID, userName: 'alice' } };
const tagged = (...t: Tag[]): UserEvent => ({ type: 'UserTagged', data: { tags: t } });
const attached = (policyArn: string): UserEvent => ({ type: 'PolicyAttachedToUser', data: { policyArn } });
const inlinePut = (policyName: string, document = DOCUMENT): UserEvent => ({ type: 'UserPolicyPut', data: { policyName, document } });
const joined = (groupId: string, groupName = groupId): UserEvent => ({ type: 'UserAddedToGroup', data: { groupId, groupName } });
const keyCreated = (accessKeyId: string): UserEvent => ({ type: 'AccessKeyCreated', data: { accessKeyId, secret: SECRET } });
const keyStatus = (accessKeyId: string, status: 'Active' | 'Inactive'): UserEvent => ({ type: 'AccessKeyStatusUpdated', data: { accessKeyId, status } });
const keyDeleted = (accessKeyId: string): UserEvent => ({ type: 'AccessKeyDeleted', data: { accessKeyId } });

const user = (...more: UserEvent[]) => given(userDecider, [created(), ...more]);

describe('CreateUser', () => {
  it('creates the user with everything the command carries', () => {
    const state = given(userDecider, [])
      .when(createUser({ path: '/engineering/', tags: [tag('team', 'platform')], permissionsBoundaryArn: BOUNDARY }))
      .then([created({ path: '/engineering/', tags: [tag('team', 'platform')], permissionsBoundaryArn: BOUNDARY })]);
    expect(state).toMatchObject({ status: 'active', userId: USER_ID, userName: 'alice', path: '/engineering/', permissionsBoundaryArn: BOUNDARY, accessKeys: {}, groupIds: [] });
  });

  it('refuses to create a user that exists', () => {
    user().when(createUser()).thenThrows(EntityAlreadyExistsError, 'User with name alice already exists.');
  });

  it('refuses to re-create a deleted user on the same stream', () => {
    user(deleted)
      .when(createUser())
      .thenThrows(EntityAlreadyExistsError, /already exists/);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html — UserName 1–64 of [\w+=,.@-]
  it.each([
    ['an empty name', ''],
    ['a name with a space', 'alice smith'],
    ['a name with a slash', 'dev/alice'],
    ['a 65-character name', 'a'.repeat(65)],
  ])('rejects %s', (_why, userName) => {
    given(userDecider, [])
      .when(createUser({ userName }))
      .thenThrows(InvalidInputError, /^UserName /);
  });

  it('accepts a 64-character name of every allowed character class', () => {
    const userName = `Al1_+=,.@-${'x'.repeat(54)}`;
    given(userDecider, [])
      .when(createUser({ userName }))
      .then([created({ userName })]);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html — Path (\u002F)|(\u002F[\u0021-\u007E]+\u002F)
  it.each([
    ['no trailing slash', '/engineering'],
    ['no leading slash', 'engineering/'],
    ['nothing between the slashes', '//'],
    ['a space', '/my team/'],
  ])('rejects a path with %s', (_why, path) => {
    given(userDecider, [])
      .when(createUser({ path }))
      .thenThrows(InvalidInputError, /^Path /);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html — no aws: prefix; user tag keys are case-insensitive
  it.each([
    ['a reserved aws: key', [tag('aws:team', 'x')], /reserved for AWS/],
    ['keys differing only in case', [tag('Team', 'a'), tag('team', 'b')], /same key/],
    ['a key with a forbidden character', [tag('cost*center')], /may contain only/],
    ['51 tags', tags(51), /at most 50 tags/],
  ])('rejects %s', (_why, badTags, message) => {
    given(userDecider, [])
      .when(createUser({ tags: badTags }))
      .thenThrows(InvalidInputError, message);
  });
});

describe('DeleteUser', () => {
  it('deletes a user with nothing attached', () => {
    const state = user().when({ type: 'DeleteUser' }).then([deleted]);
    expect(state.status).toBe('deleted');
  });

  it('deletes a user whose keys, policies and groups were all removed', () => {
    user(
      keyCreated('AKIA1'),
      keyDeleted('AKIA1'),
      attached(POLICY_A),
      { type: 'PolicyDetachedFromUser', data: { policyArn: POLICY_A } },
      inlinePut('inline'),
      { type: 'UserPolicyDeleted', data: { policyName: 'inline' } },
      joined('AGPA1'),
      { type: 'UserRemovedFromGroup', data: { groupId: 'AGPA1', groupName: 'AGPA1' } },
    )
      .when({ type: 'DeleteUser' })
      .then([deleted]);
  });

  it('is not blocked by a permissions boundary or tags', () => {
    user({ type: 'UserPermissionsBoundaryPut', data: { policyArn: BOUNDARY } }, tagged(tag('team', 'x')))
      .when({ type: 'DeleteUser' })
      .then([deleted]);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html — remove access keys, inline and attached policies, group memberships first
  it.each([
    ['an access key', [keyCreated('AKIA1')], 'access keys'],
    ['an inactive access key', [keyCreated('AKIA1'), keyStatus('AKIA1', 'Inactive')], 'access keys'],
    ['an attached managed policy', [attached(POLICY_A)], 'attached policies'],
    ['an inline policy', [inlinePut('inline')], 'inline policies'],
    ['a group membership', [joined('AGPA1')], 'group memberships'],
  ])('refuses while the user has %s', (_why, history, blocker) => {
    user(...history)
      .when({ type: 'DeleteUser' })
      .thenThrows(DeleteConflictError, `Cannot delete entity, must remove ${blocker} first.`);
  });

  it('names every blocker at once', () => {
    user(keyCreated('AKIA1'), attached(POLICY_A), inlinePut('inline'), joined('AGPA1'))
      .when({ type: 'DeleteUser' })
      .thenThrows(DeleteConflictError, 'Cannot delete entity, must remove access keys, attached policies, inline policies, group memberships first.');
  });
});

describe('AddUserToGroup', () => {
  it('adds the user to a group', () => {
    const state = user()
      .when({ type: 'AddUserToGroup', groupId: 'AGPA1', groupName: 'admins', quota: 10 })
      .then([joined('AGPA1', 'admins')]);
    expect(state.groupIds).toEqual(['AGPA1']);
  });

  it('does nothing when the user is already in the group', () => {
    user(joined('AGPA1', 'admins')).when({ type: 'AddUserToGroup', groupId: 'AGPA1', groupName: 'admins', quota: 10 }).then([]);
  });

  it('does nothing when the user is already in the group, even at the quota', () => {
    user(joined('AGPA1', 'admins')).when({ type: 'AddUserToGroup', groupId: 'AGPA1', groupName: 'admins', quota: 1 }).then([]);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — groups an IAM user can be a member of: 10
  it('refuses an 11th group', () => {
    const ten = Array.from({ length: 10 }, (_, i) => joined(`AGPA${i}`));
    user(...ten)
      .when({ type: 'AddUserToGroup', groupId: 'AGPAX', groupName: 'x', quota: 10 })
      .thenThrows(LimitExceededError, 'Cannot exceed quota for GroupsPerUser: 10.');
  });

  it('allows the 10th group', () => {
    const nine = Array.from({ length: 9 }, (_, i) => joined(`AGPA${i}`));
    user(...nine)
      .when({ type: 'AddUserToGroup', groupId: 'AGPAX', groupName: 'x', quota: 10 })
      .then([joined('AGPAX', 'x')]);
  });
});

describe('RemoveUserFromGroup', () => {
  it('removes the user from a group', () => {
    const state = user(joined('AGPA1', 'admins'), joined('AGPA2', 'devs'))
      .when({ type: 'RemoveUserFromGroup', groupId: 'AGPA1', groupName: 'admins' })
      .then([{ type: 'UserRemovedFromGroup', data: { groupId: 'AGPA1', groupName: 'admins' } }]);
    expect(state.groupIds).toEqual(['AGPA2']);
  });

  it('refuses when the user is not in the group', () => {
    user(joined('AGPA2', 'devs')).when({ type: 'RemoveUserFromGroup', groupId: 'AGPA1', groupName: 'admins' }).thenThrows(NoSuchEntityError, 'The user alice is not in group admins.');
  });
});

describe('access keys', () => {
  it('creates an access key, active', () => {
    const state = user()
      .when({ type: 'CreateAccessKey', accessKeyId: 'AKIA1', secret: SECRET, quota: 2 })
      .then([keyCreated('AKIA1')]);
    expect(state.accessKeys).toEqual({ AKIA1: 'Active' });
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — access keys assigned to an IAM user: 2 (active or inactive)
  it('refuses a third access key, counting inactive ones', () => {
    user(keyCreated('AKIA1'), keyCreated('AKIA2'), keyStatus('AKIA2', 'Inactive'))
      .when({ type: 'CreateAccessKey', accessKeyId: 'AKIA3', secret: SECRET, quota: 2 })
      .thenThrows(LimitExceededError, 'Cannot exceed quota for AccessKeysPerUser: 2.');
  });

  it('allows a new key once one of two is deleted', () => {
    user(keyCreated('AKIA1'), keyCreated('AKIA2'), keyDeleted('AKIA1'))
      .when({ type: 'CreateAccessKey', accessKeyId: 'AKIA3', secret: SECRET, quota: 2 })
      .then([keyCreated('AKIA3')]);
  });

  it('deactivates and reactivates a key', () => {
    const inactive = user(keyCreated('AKIA1'))
      .when({ type: 'UpdateAccessKey', accessKeyId: 'AKIA1', status: 'Inactive' })
      .then([keyStatus('AKIA1', 'Inactive')]);
    expect(inactive.accessKeys).toEqual({ AKIA1: 'Inactive' });
    user(keyCreated('AKIA1'), keyStatus('AKIA1', 'Inactive'))
      .when({ type: 'UpdateAccessKey', accessKeyId: 'AKIA1', status: 'Active' })
      .then([keyStatus('AKIA1', 'Active')]);
  });

  it.each(['Active', 'Inactive'] as const)('does nothing when the key is already %s', (status) => {
    const history = status === 'Active' ? [keyCreated('AKIA1')] : [keyCreated('AKIA1'), keyStatus('AKIA1', 'Inactive')];
    user(...history)
      .when({ type: 'UpdateAccessKey', accessKeyId: 'AKIA1', status })
      .then([]);
  });

  it('deletes a key', () => {
    const state = user(keyCreated('AKIA1'), keyCreated('AKIA2'))
      .when({ type: 'DeleteAccessKey', accessKeyId: 'AKIA1' })
      .then([keyDeleted('AKIA1')]);
    expect(state.accessKeys).toEqual({ AKIA2: 'Active' });
  });

  it.each([
    ['UpdateAccessKey', { type: 'UpdateAccessKey', accessKeyId: 'AKIA9', status: 'Inactive' }],
    ['DeleteAccessKey', { type: 'DeleteAccessKey', accessKeyId: 'AKIA9' }],
  ] as [string, UserCommand][])('%s refuses a key the user does not have', (_name, command) => {
    user(keyCreated('AKIA1')).when(command).thenThrows(NoSuchEntityError, 'The Access Key with id AKIA9 cannot be found.');
  });

  it('refuses to update or delete a key that was deleted', () => {
    user(keyCreated('AKIA1'), keyDeleted('AKIA1'))
      .when({ type: 'DeleteAccessKey', accessKeyId: 'AKIA1' })
      .thenThrows(NoSuchEntityError, /AKIA1 cannot be found/);
    user(keyCreated('AKIA1'), keyDeleted('AKIA1'))
      .when({ type: 'UpdateAccessKey', accessKeyId: 'AKIA1', status: 'Active' })
      .thenThrows(NoSuchEntityError, /AKIA1 cannot be found/);
  });
});

describe('UpdateUser', () => {
  const update = (overrides: Partial<Extract<UserCommand, { type: 'UpdateUser' }>> = {}): UserCommand => ({ type: 'UpdateUser', newUserName: null, newPath: null, newNameTaken: false, ...overrides });
  const updated = (userName: string, path: string, arn: string): UserEvent => ({ type: 'UserUpdated', data: { userName, path, arn } });

  it('renames the user: same id, same keys, policies and groups, a new name and ARN', () => {
    const state = user(keyCreated('AKIA1'), attached(POLICY_A), inlinePut('inline'), joined('AGPA1'))
      .when(update({ newUserName: 'robert' }))
      .then([updated('robert', '/', 'arn:aws:iam::111122223333:user/robert')]);
    expect(state).toMatchObject({ status: 'active', userId: USER_ID, userName: 'robert', arn: 'arn:aws:iam::111122223333:user/robert', accessKeys: { AKIA1: 'Active' }, groupIds: ['AGPA1'] });
    expect(state.policies.attached).toEqual([POLICY_A]);
    expect(Object.keys(state.policies.inline)).toEqual(['inline']);
  });

  it('moves the user to a new path, keeping its name', () => {
    user()
      .when(update({ newPath: '/division_efg/' }))
      .then([updated('alice', '/division_efg/', 'arn:aws:iam::111122223333:user/division_efg/alice')]);
  });

  it('renames and moves at once, keeping the partition and account of the ARN', () => {
    given(userDecider, [created({ path: '/a/', arn: 'arn:aws-cn:iam::444455556666:user/a/alice' })])
      .when(update({ newUserName: 'bob', newPath: '/b/' }))
      .then([updated('bob', '/b/', 'arn:aws-cn:iam::444455556666:user/b/bob')]);
  });

  it('changes the case of the name, which is no conflict with the user itself', () => {
    user()
      .when(update({ newUserName: 'Alice', newNameTaken: true }))
      .then([updated('Alice', '/', 'arn:aws:iam::111122223333:user/Alice')]);
  });

  it('appends nothing when nothing changes', () => {
    user().when(update()).then([]);
    user()
      .when(update({ newUserName: 'alice', newPath: '/' }))
      .then([]);
  });

  it('follows an earlier rename', () => {
    user(updated('bob', '/x/', 'arn:aws:iam::111122223333:user/x/bob'))
      .when(update({ newUserName: 'carol' }))
      .then([updated('carol', '/x/', 'arn:aws:iam::111122223333:user/x/carol')]);
  });

  it('refuses a name another user has, in any case', () => {
    user()
      .when(update({ newUserName: 'Bob', newNameTaken: true }))
      .thenThrows(EntityAlreadyExistsError, 'User with name Bob already exists.');
  });

  it.each([
    ['an empty name', { newUserName: '' }, /NewUserName must be 1 to 64 characters long; it is empty/],
    ['a 65-character name', { newUserName: 'a'.repeat(65) }, /NewUserName must be 1 to 64 characters long; it is 65/],
    ['a space in the name', { newUserName: 'bob smith' }, /NewUserName may contain only/],
    ['a path without a trailing slash', { newPath: '/eng' }, /NewPath must begin and end with a forward slash/],
    ['an empty path', { newPath: '' }, /NewPath must be 1 to 512 characters long/],
  ])('refuses %s', (_why, overrides, message) => {
    user().when(update(overrides)).thenThrows(InvalidInputError, message);
  });
});

describe('every command but CreateUser needs an existing user', () => {
  const commands: UserCommand[] = [
    { type: 'DeleteUser' },
    { type: 'UpdateUser', newUserName: 'bob', newPath: null, newNameTaken: false },
    { type: 'AddUserToGroup', groupId: 'AGPA1', groupName: 'admins', quota: 10 },
    { type: 'RemoveUserFromGroup', groupId: 'AGPA1', groupName: 'admins' },
    { type: 'CreateAccessKey', accessKeyId: 'AKIA1', secret: SECRET, quota: 2 },
    { type: 'UpdateAccessKey', accessKeyId: 'AKIA1', status: 'Inactive' },
    { type: 'DeleteAccessKey', accessKeyId: 'AKIA1' },
  ];

  it.each(commands.map((command) => [command.type, command] as const))('%s on a user that never existed', (_type, command) => {
    given(userDecider, []).when(command).thenThrows(NoSuchEntityError, 'The user with the given name cannot be found.');
  });

  // The deleted user still "has" what it had, so only the existence check can refuse these.
  it.each(commands.map((command) => [command.type, command] as const))('%s on a deleted user', (_type, command) => {
    given(userDecider, [created(), { type: 'UserPermissionsBoundaryPut', data: { policyArn: BOUNDARY } }, attached(POLICY_A), inlinePut('p'), joined('AGPA1', 'admins'), keyCreated('AKIA1'), deleted])
      .when(command)
      .thenThrows(NoSuchEntityError, 'The user with the given name cannot be found.');
  });
});

describe('login profiles (CreateLoginProfile, UpdateLoginProfile, DeleteLoginProfile, ChangePassword)', () => {
  const HASH: EncryptedSecretData = { keyId: 'kr-1', iv: 'aXY=', ciphertext: 'aGFzaA==', tag: 'dGFn' };
  const profileCreated: UserEvent = { type: 'LoginProfileCreated', data: { passwordHash: HASH, passwordResetRequired: true } };

  it('creates a profile once', () => {
    const state = user().when({ type: 'CreateLoginProfile', passwordHash: HASH, passwordResetRequired: true }).then([profileCreated]);
    expect(state.hasLoginProfile).toBe(true);
    user(profileCreated).when({ type: 'CreateLoginProfile', passwordHash: HASH, passwordResetRequired: false }).thenThrows(EntityAlreadyExistsError, 'Login Profile for user alice already exists.');
  });

  it('updates, changes and deletes only an existing profile', () => {
    for (const command of [{ type: 'UpdateLoginProfile', passwordHash: null, passwordResetRequired: false }, { type: 'ChangePassword', passwordHash: HASH }, { type: 'DeleteLoginProfile' }] as const) {
      user().when(command).thenThrows(NoSuchEntityError, 'Login Profile for User alice cannot be found.');
    }
    user(profileCreated)
      .when({ type: 'UpdateLoginProfile', passwordHash: null, passwordResetRequired: false })
      .then([{ type: 'LoginProfileUpdated', data: { passwordHash: null, passwordResetRequired: false } }]);
    user(profileCreated)
      .when({ type: 'ChangePassword', passwordHash: HASH })
      .then([{ type: 'PasswordChanged', data: { passwordHash: HASH } }]);
    const state = user(profileCreated)
      .when({ type: 'DeleteLoginProfile' })
      .then([{ type: 'LoginProfileDeleted', data: {} }]);
    expect(state.hasLoginProfile).toBe(false);
  });

  it('refuses to delete a user that still has a login profile (AWS DeleteConflict)', () => {
    user(profileCreated)
      .when({ type: 'DeleteUser' })
      .thenThrows(DeleteConflictError, /login profile/);
  });

  it('re-encrypts a hash only while the profile exists', () => {
    const reencrypt = { type: 'ReencryptPasswordHash', passwordHash: HASH, previousPasswordHashes: [SECRET] } as const;
    user(profileCreated)
      .when(reencrypt)
      .then([{ type: 'PasswordHashReencrypted', data: { passwordHash: HASH, previousPasswordHashes: [SECRET] } }]);
    user().when(reencrypt).then([]);
    user(deleted).when(reencrypt).then([]);
  });
});
