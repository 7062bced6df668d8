import { describe, expect, it } from 'vitest';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import { given } from '../kernel/decider-spec.js';
import { DeleteConflictError, EntityAlreadyExistsError, InvalidInputError, LimitExceededError, MalformedPolicyDocumentError, NoSuchEntityError } from '../kernel/iam-error.js';
import type { Tag } from '../naming/index.js';
import { type UserCommand, userDecider } from './user.decider.js';
import type { UserEvent } from './user.events.js';

const USER_ID = 'AIDAEXAMPLEUSER000001';
const ARN = 'arn:aws:iam::111122223333:user/alice';
const POLICY_A = 'arn:aws:iam::111122223333:policy/ReadOnly';
const POLICY_B = 'arn:aws:iam::111122223333:policy/Billing';
const BOUNDARY = 'arn:aws:iam::111122223333:policy/Boundary';
const SECRET: EncryptedSecretData = { keyId: 'kr-1', iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };
const DOCUMENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

const tag = (key: string, value = ''): Tag => ({ key, value });
const tags = (n: number, prefix = 'k'): Tag[] => Array.from({ length: n }, (_, i) => tag(`${prefix}${i}`, `v${i}`));

/** An identity policy of exactly `chars` characters, with no white space. */
function documentOfSize(chars: number): string {
  const build = (pad: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket/${pad}` }] });
  const document = build('x'.repeat(chars - build('').length));
  expect(document).toHaveLength(chars);
  return document;
}

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

describe('TagUser', () => {
  it('tags the user', () => {
    const state = user()
      .when({ type: 'TagUser', tags: [tag('team', 'platform')] })
      .then([tagged(tag('team', 'platform'))]);
    expect(state.tags).toEqual([tag('team', 'platform')]);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html — on users, Department and department are the same key: the new tag replaces the old
  it('replaces an existing tag whose key differs only in case', () => {
    const state = user(tagged(tag('Department', 'finance'), tag('env', 'prod')))
      .when({ type: 'TagUser', tags: [tag('department', 'hr')] })
      .then([tagged(tag('department', 'hr'))]);
    expect(state.tags).toEqual([tag('env', 'prod'), tag('department', 'hr')]);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — 50 tags per user
  it('allows replacing a tag on a user that already has 50', () => {
    const state = user(tagged(...tags(50)))
      .when({ type: 'TagUser', tags: [tag('K0', 'new')] })
      .then([tagged(tag('K0', 'new'))]);
    expect(state.tags).toHaveLength(50);
  });

  it('refuses a 51st tag', () => {
    user(tagged(...tags(50)))
      .when({ type: 'TagUser', tags: [tag('one-more')] })
      .thenThrows(InvalidInputError, 'An entity can have at most 50 tags; this would give it 51 (50 already there and 1 new).');
  });

  it('refuses an invalid tag', () => {
    user()
      .when({ type: 'TagUser', tags: [tag('team', 'AWS:managed')] })
      .thenThrows(InvalidInputError, /value must not begin with "aws:"/);
  });

  it('appends nothing when the user already has exactly these tags', () => {
    const state = user(tagged(tag('team', 'platform'), tag('env', 'prod')))
      .when({ type: 'TagUser', tags: [tag('env', 'prod'), tag('team', 'platform')] })
      .then([]);
    expect(state.tags).toEqual([tag('team', 'platform'), tag('env', 'prod')]);
  });

  it('records only the tags that change: a new key, a new value, a new spelling of a key', () => {
    user(tagged(tag('team', 'platform'), tag('env', 'prod'), tag('Owner', 'ana')))
      .when({ type: 'TagUser', tags: [tag('team', 'platform'), tag('env', 'dev'), tag('owner', 'ana'), tag('tier', '1')] })
      .then([tagged(tag('env', 'dev'), tag('owner', 'ana'), tag('tier', '1'))]);
  });

  it('still validates every tag of a request that would change nothing', () => {
    user(tagged(tag('team', 'platform')))
      .when({ type: 'TagUser', tags: [tag('team', 'platform'), tag('aws:x')] })
      .thenThrows(InvalidInputError, /reserved for AWS/);
  });
});

describe('UntagUser', () => {
  it('removes the keys, matching them case-insensitively', () => {
    const state = user(tagged(tag('Team', 'a'), tag('env', 'prod')))
      .when({ type: 'UntagUser', tagKeys: ['TEAM'] })
      .then([{ type: 'UserUntagged', data: { tagKeys: ['TEAM'] } }]);
    expect(state.tags).toEqual([tag('env', 'prod')]);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagUser.html — TagKeys: at most 50 items
  it('removes 50 keys at once', () => {
    const keys = tags(50).map((t) => t.key);
    const state = user(tagged(...tags(50)))
      .when({ type: 'UntagUser', tagKeys: keys })
      .then([{ type: 'UserUntagged', data: { tagKeys: keys } }]);
    expect(state.tags).toEqual([]);
  });

  it('refuses 51 keys, whether or not the user has them', () => {
    const keys = tags(51).map((t) => t.key);
    user(tagged(...tags(50)))
      .when({ type: 'UntagUser', tagKeys: keys })
      .thenThrows(InvalidInputError, 'TagKeys can list at most 50 keys; it lists 51.');
    user().when({ type: 'UntagUser', tagKeys: keys }).thenThrows(InvalidInputError, 'TagKeys can list at most 50 keys; it lists 51.');
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagUser.html — each key 1–128 characters of [\p{L}\p{Z}\p{N}_.:/=+\-@]
  it.each([
    ['an empty key', '', /^TagKeys\[0\] \(""\) must be 1 to 128 characters long; it is empty\.$/],
    ['a 129-character key', 'k'.repeat(129), /^TagKeys\[0\] must be 1 to 128 characters long; it is 129\.$/],
    ['a key with a forbidden character', 'cost*center', /^TagKeys\[0\] may contain only .*; it contains "\*" \(U\+002A\) at position 5\.$/],
  ])('refuses %s', (_why, key, message) => {
    user(tagged(tag('team', 'x')))
      .when({ type: 'UntagUser', tagKeys: [key] })
      .thenThrows(InvalidInputError, message);
  });

  it('appends nothing when the user has none of the keys', () => {
    user(tagged(tag('team', 'x')))
      .when({ type: 'UntagUser', tagKeys: ['env', 'owner'] })
      .then([]);
    user()
      .when({ type: 'UntagUser', tagKeys: ['team'] })
      .then([]);
    user(tagged(tag('team', 'x')))
      .when({ type: 'UntagUser', tagKeys: [] })
      .then([]);
  });

  it('records only the keys the user has, each tag once', () => {
    const state = user(tagged(tag('team', 'x'), tag('env', 'prod')))
      .when({ type: 'UntagUser', tagKeys: ['absent', 'Team', 'TEAM'] })
      .then([{ type: 'UserUntagged', data: { tagKeys: ['Team'] } }]);
    expect(state.tags).toEqual([tag('env', 'prod')]);
  });
});

describe('permissions boundary', () => {
  it('puts a boundary', () => {
    const state = user()
      .when({ type: 'PutUserPermissionsBoundary', policyArn: BOUNDARY })
      .then([{ type: 'UserPermissionsBoundaryPut', data: { policyArn: BOUNDARY } }]);
    expect(state.permissionsBoundaryArn).toBe(BOUNDARY);
  });

  it('deletes the boundary', () => {
    const state = user({ type: 'UserPermissionsBoundaryPut', data: { policyArn: BOUNDARY } })
      .when({ type: 'DeleteUserPermissionsBoundary' })
      .then([{ type: 'UserPermissionsBoundaryDeleted', data: {} }]);
    expect(state.permissionsBoundaryArn).toBeNull();
  });

  it('refuses to delete a boundary the user does not have', () => {
    user().when({ type: 'DeleteUserPermissionsBoundary' }).thenThrows(NoSuchEntityError, 'The user has no permissions boundary.');
  });
});

describe('AttachUserPolicy', () => {
  it('attaches a managed policy', () => {
    const state = user()
      .when({ type: 'AttachUserPolicy', policyArn: POLICY_A, quota: 10 })
      .then([attached(POLICY_A)]);
    expect(state.policies.attached).toEqual([POLICY_A]);
  });

  it('does nothing when the policy is already attached', () => {
    user(attached(POLICY_A)).when({ type: 'AttachUserPolicy', policyArn: POLICY_A, quota: 10 }).then([]);
  });

  it('does nothing when the policy is already attached, even at the quota', () => {
    user(attached(POLICY_A)).when({ type: 'AttachUserPolicy', policyArn: POLICY_A, quota: 1 }).then([]);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — managed policies attached to an IAM user: 10 (default)
  it('refuses an attachment beyond the quota', () => {
    const ten = Array.from({ length: 10 }, (_, i) => attached(`${POLICY_A}${i}`));
    user(...ten)
      .when({ type: 'AttachUserPolicy', policyArn: POLICY_B, quota: 10 })
      .thenThrows(LimitExceededError, 'Cannot exceed quota for PoliciesPerPrincipal: 10.');
  });

  it('allows the attachment that reaches the quota', () => {
    const nine = Array.from({ length: 9 }, (_, i) => attached(`${POLICY_A}${i}`));
    user(...nine)
      .when({ type: 'AttachUserPolicy', policyArn: POLICY_B, quota: 10 })
      .then([attached(POLICY_B)]);
  });
});

describe('DetachUserPolicy', () => {
  it('detaches an attached policy', () => {
    const state = user(attached(POLICY_A), attached(POLICY_B))
      .when({ type: 'DetachUserPolicy', policyArn: POLICY_A })
      .then([{ type: 'PolicyDetachedFromUser', data: { policyArn: POLICY_A } }]);
    expect(state.policies.attached).toEqual([POLICY_B]);
  });

  it('refuses to detach a policy that is not attached', () => {
    user(attached(POLICY_B)).when({ type: 'DetachUserPolicy', policyArn: POLICY_A }).thenThrows(NoSuchEntityError, `Policy ${POLICY_A} was not found attached to user alice.`);
  });
});

describe('PutUserPolicy', () => {
  it('puts an inline policy', () => {
    const state = user()
      .when({ type: 'PutUserPolicy', policyName: 'S3Read', document: DOCUMENT })
      .then([inlinePut('S3Read')]);
    expect(state.policies.inline).toEqual({ S3Read: DOCUMENT });
  });

  it('replaces an inline policy of the same name', () => {
    const other = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });
    const state = user(inlinePut('S3Read'))
      .when({ type: 'PutUserPolicy', policyName: 'S3Read', document: other })
      .then([inlinePut('S3Read', other)]);
    expect(state.policies.inline).toEqual({ S3Read: other });
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html — PolicyName 1–128 of [\w+=,.@-]
  it.each([
    ['', 'empty'],
    ['my policy', 'with a space'],
    ['p'.repeat(129), '129 characters'],
  ])('rejects a policy name %#', (policyName) => {
    user()
      .when({ type: 'PutUserPolicy', policyName, document: DOCUMENT })
      .thenThrows(InvalidInputError, /^PolicyName /);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html — Effect is "Allow" or "Deny"; identity policies need Action and Resource, and no Principal
  it.each([
    ['a lowercase effect with no action or resource', '{"Statement":{"Effect":"allow"}}', /^Effect must be "Allow" or "Deny"/],
    ['text that is not JSON', '{', /not valid JSON/],
    ['a Principal in an identity policy', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }] }), /cannot have Principal/],
  ])('rejects %s', (_why, document, message) => {
    const error = user().when({ type: 'PutUserPolicy', policyName: 'p', document }).thenThrows(MalformedPolicyDocumentError, message);
    expect(error.findings.length).toBeGreaterThan(0);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — inline policies' aggregate size per user ≤ 2,048 characters
  it('accepts inline policies whose aggregate size is within 2,048 characters', () => {
    user(inlinePut('first', documentOfSize(1000)))
      .when({ type: 'PutUserPolicy', policyName: 'second', document: documentOfSize(1000) })
      .then([inlinePut('second', documentOfSize(1000))]);
  });

  it('counts a replaced inline policy once, not twice, toward the aggregate', () => {
    user(inlinePut('first', documentOfSize(1100)))
      .when({ type: 'PutUserPolicy', policyName: 'first', document: documentOfSize(1100) })
      .then([inlinePut('first', documentOfSize(1100))]);
  });

  // Regression: checking each document alone would let the sum pass the limit.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — "the total aggregate policy size (the sum size of all inline policies) per entity cannot exceed … User policy size cannot exceed 2,048 characters"
  it('refuses an inline policy that takes the aggregate past 2,048 characters', () => {
    user(inlinePut('first', documentOfSize(1100)))
      .when({ type: 'PutUserPolicy', policyName: 'second', document: documentOfSize(1100) })
      .thenThrows(LimitExceededError, /^Maximum policy size of 2048 bytes exceeded for user/);
  });

  it('puts the aggregate limit at exactly 2,048 characters, counting every other inline policy', () => {
    user(inlinePut('a', documentOfSize(600)), inlinePut('b', documentOfSize(600)))
      .when({ type: 'PutUserPolicy', policyName: 'c', document: documentOfSize(848) })
      .then([inlinePut('c', documentOfSize(848))]);
    user(inlinePut('a', documentOfSize(600)), inlinePut('b', documentOfSize(600)))
      .when({ type: 'PutUserPolicy', policyName: 'c', document: documentOfSize(849) })
      .thenThrows(LimitExceededError, /^Maximum policy size of 2048 bytes exceeded for user/);
  });

  it('frees the size of a deleted inline policy', () => {
    user(inlinePut('a', documentOfSize(1100)), { type: 'UserPolicyDeleted', data: { policyName: 'a' } })
      .when({ type: 'PutUserPolicy', policyName: 'b', document: documentOfSize(1100) })
      .then([inlinePut('b', documentOfSize(1100))]);
  });
});

describe('DeleteUserPolicy', () => {
  it('deletes an inline policy', () => {
    const state = user(inlinePut('a'), inlinePut('b'))
      .when({ type: 'DeleteUserPolicy', policyName: 'a' })
      .then([{ type: 'UserPolicyDeleted', data: { policyName: 'a' } }]);
    expect(state.policies.inline).toEqual({ b: DOCUMENT });
  });

  it('refuses to delete an inline policy the user does not have', () => {
    user(inlinePut('a')).when({ type: 'DeleteUserPolicy', policyName: 'b' }).thenThrows(NoSuchEntityError, 'The user has no inline policy named b.');
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
    { type: 'TagUser', tags: [tag('team', 'x')] },
    { type: 'UntagUser', tagKeys: ['team'] },
    { type: 'PutUserPermissionsBoundary', policyArn: BOUNDARY },
    { type: 'DeleteUserPermissionsBoundary' },
    { type: 'AttachUserPolicy', policyArn: POLICY_A, quota: 10 },
    { type: 'DetachUserPolicy', policyArn: POLICY_A },
    { type: 'PutUserPolicy', policyName: 'p', document: DOCUMENT },
    { type: 'DeleteUserPolicy', policyName: 'p' },
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
