import { describe, expect, it } from 'vitest';
import { given } from '../kernel/decider-spec.js';
import { DeleteConflictError, EntityAlreadyExistsError, InvalidInputError, NoSuchEntityError } from '../kernel/iam-error.js';
import { type GroupCommand, groupDecider } from './group.decider.js';
import type { GroupEvent } from './group.events.js';

const GROUP_ID = 'AGPAEXAMPLEGROUP00001';
const ARN = 'arn:aws:iam::111122223333:group/admins';
const POLICY_A = 'arn:aws:iam::111122223333:policy/ReadOnly';
const DOCUMENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

const createGroup = (overrides: Partial<Extract<GroupCommand, { type: 'CreateGroup' }>> = {}): GroupCommand => ({
  type: 'CreateGroup',
  groupId: GROUP_ID,
  groupName: 'admins',
  path: '/',
  arn: ARN,
  ...overrides,
});
const created = (overrides: Partial<Extract<GroupEvent, { type: 'GroupCreated' }>['data']> = {}): GroupEvent => ({
  type: 'GroupCreated',
  data: { groupId: GROUP_ID, groupName: 'admins', path: '/', arn: ARN, ...overrides },
});
const deleted: GroupEvent = { type: 'GroupDeleted', data: { groupId: GROUP_ID, groupName: 'admins' } };
const attached = (policyArn: string): GroupEvent => ({ type: 'PolicyAttachedToGroup', data: { policyArn } });
const inlinePut = (policyName: string, document = DOCUMENT): GroupEvent => ({ type: 'GroupPolicyPut', data: { policyName, document } });

const group = (...more: GroupEvent[]) => given(groupDecider, [created(), ...more]);

describe('CreateGroup', () => {
  it('creates the group', () => {
    const state = given(groupDecider, [])
      .when(createGroup({ path: '/ops/' }))
      .then([created({ path: '/ops/' })]);
    expect(state).toMatchObject({ status: 'active', groupId: GROUP_ID, groupName: 'admins', path: '/ops/', arn: ARN, policies: { attached: [], inline: {} } });
  });

  it('refuses to create a group that exists', () => {
    group().when(createGroup()).thenThrows(EntityAlreadyExistsError, 'Group with name admins already exists.');
  });

  it('refuses to re-create a deleted group on the same stream', () => {
    group(deleted)
      .when(createGroup())
      .thenThrows(EntityAlreadyExistsError, /already exists/);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html — GroupName 1–128 of [\w+=,.@-]
  it.each([
    ['an empty name', ''],
    ['a name with a space', 'the admins'],
    ['a name with a colon', 'ops:admins'],
    ['a 129-character name', 'g'.repeat(129)],
  ])('rejects %s', (_why, groupName) => {
    given(groupDecider, [])
      .when(createGroup({ groupName }))
      .thenThrows(InvalidInputError, /^GroupName /);
  });

  it('accepts a 128-character name', () => {
    given(groupDecider, [])
      .when(createGroup({ groupName: 'g'.repeat(128) }))
      .then([created({ groupName: 'g'.repeat(128) })]);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html — Path (\u002F)|(\u002F[\u0021-\u007E]+\u002F)
  it.each([
    ['no trailing slash', '/ops'],
    ['nothing between the slashes', '//'],
    ['a non-ASCII letter', '/équipe/'],
  ])('rejects a path with %s', (_why, path) => {
    given(groupDecider, [])
      .when(createGroup({ path }))
      .thenThrows(InvalidInputError, /^Path /);
  });
});

describe('DeleteGroup', () => {
  it('deletes an empty group', () => {
    const state = group().when({ type: 'DeleteGroup', memberCount: 0 }).then([deleted]);
    expect(state.status).toBe('deleted');
  });

  it('deletes a group whose policies were all removed', () => {
    group(attached(POLICY_A), { type: 'PolicyDetachedFromGroup', data: { policyArn: POLICY_A } }, inlinePut('p'), { type: 'GroupPolicyDeleted', data: { policyName: 'p' } })
      .when({ type: 'DeleteGroup', memberCount: 0 })
      .then([deleted]);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroup.html — "The group must not contain any users or have any attached policies."
  it('refuses while the group has members', () => {
    group().when({ type: 'DeleteGroup', memberCount: 1 }).thenThrows(DeleteConflictError, 'Cannot delete entity, must remove members first.');
  });

  it('refuses while the group has an attached managed policy', () => {
    group(attached(POLICY_A)).when({ type: 'DeleteGroup', memberCount: 0 }).thenThrows(DeleteConflictError, 'Cannot delete entity, must remove attached policies first.');
  });

  it('refuses while the group has an inline policy', () => {
    group(inlinePut('p')).when({ type: 'DeleteGroup', memberCount: 0 }).thenThrows(DeleteConflictError, 'Cannot delete entity, must remove inline policies first.');
  });

  it('names every blocker at once', () => {
    group(attached(POLICY_A), inlinePut('p'))
      .when({ type: 'DeleteGroup', memberCount: 3 })
      .thenThrows(DeleteConflictError, 'Cannot delete entity, must remove members, attached policies, inline policies first.');
  });
});

describe('UpdateGroup', () => {
  const update = (overrides: Partial<Extract<GroupCommand, { type: 'UpdateGroup' }>> = {}): GroupCommand => ({
    type: 'UpdateGroup',
    newGroupName: null,
    newPath: null,
    newNameTaken: false,
    ...overrides,
  });
  const updated = (groupName: string, path: string, arn: string): GroupEvent => ({ type: 'GroupUpdated', data: { groupName, path, arn } });

  it('renames the group: same id and policies, a new name and ARN', () => {
    const state = group(attached(POLICY_A), inlinePut('inline'))
      .when(update({ newGroupName: 'MGRs' }))
      .then([updated('MGRs', '/', 'arn:aws:iam::111122223333:group/MGRs')]);
    expect(state).toMatchObject({ status: 'active', groupId: GROUP_ID, groupName: 'MGRs', arn: 'arn:aws:iam::111122223333:group/MGRs' });
    expect(state.policies.attached).toEqual([POLICY_A]);
    expect(Object.keys(state.policies.inline)).toEqual(['inline']);
  });

  it('moves the group to a new path, and renames and moves at once', () => {
    group()
      .when(update({ newPath: '/ops/' }))
      .then([updated('admins', '/ops/', 'arn:aws:iam::111122223333:group/ops/admins')]);
    group()
      .when(update({ newGroupName: 'root-admins', newPath: '/ops/' }))
      .then([updated('root-admins', '/ops/', 'arn:aws:iam::111122223333:group/ops/root-admins')]);
  });

  it('changes the case of the name, which is no conflict with the group itself', () => {
    group()
      .when(update({ newGroupName: 'Admins', newNameTaken: true }))
      .then([updated('Admins', '/', 'arn:aws:iam::111122223333:group/Admins')]);
  });

  it('appends nothing when nothing changes', () => {
    group().when(update()).then([]);
    group()
      .when(update({ newGroupName: 'admins', newPath: '/' }))
      .then([]);
  });

  it('refuses a name another group has, in any case', () => {
    group()
      .when(update({ newGroupName: 'Readers', newNameTaken: true }))
      .thenThrows(EntityAlreadyExistsError, 'Group with name Readers already exists.');
  });

  it.each([
    ['an empty name', { newGroupName: '' }, /NewGroupName must be 1 to 128 characters long; it is empty/],
    ['a 129-character name', { newGroupName: 'g'.repeat(129) }, /NewGroupName must be 1 to 128 characters long; it is 129/],
    ['a slash in the name', { newGroupName: 'ops/admins' }, /NewGroupName may contain only/],
    ['a path of two slashes', { newPath: '//' }, /NewPath must be "\/" alone/],
  ])('refuses %s', (_why, overrides, message) => {
    group().when(update(overrides)).thenThrows(InvalidInputError, message);
  });
});

describe('every command but CreateGroup needs an existing group', () => {
  const commands: GroupCommand[] = [
    { type: 'DeleteGroup', memberCount: 0 },
    { type: 'UpdateGroup', newGroupName: 'MGRs', newPath: null, newNameTaken: false },
  ];

  it.each(commands.map((command) => [command.type, command] as const))('%s on a group that never existed', (_type, command) => {
    given(groupDecider, []).when(command).thenThrows(NoSuchEntityError, 'The group with the given name cannot be found.');
  });

  it.each(commands.map((command) => [command.type, command] as const))('%s on a deleted group', (_type, command) => {
    given(groupDecider, [created(), attached(POLICY_A), inlinePut('p'), deleted])
      .when(command)
      .thenThrows(NoSuchEntityError, 'The group with the given name cannot be found.');
  });
});
