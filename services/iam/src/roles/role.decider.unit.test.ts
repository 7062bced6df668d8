import { describe, expect, it } from 'vitest';
import { given } from '../kernel/decider-spec.js';
import { DeleteConflictError, EntityAlreadyExistsError, InvalidInputError, LimitExceededError, MalformedPolicyDocumentError, NoSuchEntityError } from '../kernel/iam-error.js';
import type { Tag } from '../naming/index.js';
import { type RoleCommand, roleDecider } from './role.decider.js';
import type { RoleEvent } from './role.events.js';

const ROLE_ID = 'AROAEXAMPLEROLE000001';
const ARN = 'arn:aws:iam::111122223333:role/deployer';
const POLICY_A = 'arn:aws:iam::111122223333:policy/ReadOnly';
const POLICY_B = 'arn:aws:iam::111122223333:policy/Billing';
const BOUNDARY = 'arn:aws:iam::111122223333:policy/Boundary';
const DOCUMENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const OTHER_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:AssumeRole' }] });
const TRUST_WITH_RESOURCE = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: '*' }] });

const tag = (key: string, value = ''): Tag => ({ key, value });
const tags = (n: number, prefix = 'k'): Tag[] => Array.from({ length: n }, (_, i) => tag(`${prefix}${i}`, `v${i}`));

/** An identity policy of exactly `chars` characters, with no white space. */
function documentOfSize(chars: number): string {
  const build = (pad: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket/${pad}` }] });
  const document = build('x'.repeat(chars - build('').length));
  expect(document).toHaveLength(chars);
  return document;
}

type CreateRole = Extract<RoleCommand, { type: 'CreateRole' }>;
type RoleCreatedData = Extract<RoleEvent, { type: 'RoleCreated' }>['data'];

const createRole = (overrides: Partial<CreateRole> = {}): RoleCommand => ({
  type: 'CreateRole',
  roleId: ROLE_ID,
  roleName: 'deployer',
  path: '/',
  arn: ARN,
  trustPolicy: TRUST,
  description: null,
  maxSessionDuration: 3600,
  tags: [],
  permissionsBoundaryArn: null,
  ...overrides,
});
const created = (overrides: Partial<RoleCreatedData> = {}): RoleEvent => ({
  type: 'RoleCreated',
  data: { roleId: ROLE_ID, roleName: 'deployer', path: '/', arn: ARN, trustPolicy: TRUST, description: null, maxSessionDuration: 3600, tags: [], permissionsBoundaryArn: null, ...overrides },
});
const deleted: RoleEvent = { type: 'RoleDeleted', data: { roleId: ROLE_ID, roleName: 'deployer' } };
const updated = (description: string | null, maxSessionDuration: number): RoleEvent => ({ type: 'RoleUpdated', data: { description, maxSessionDuration } });
const tagged = (...t: Tag[]): RoleEvent => ({ type: 'RoleTagged', data: { tags: t } });
const attached = (policyArn: string): RoleEvent => ({ type: 'PolicyAttachedToRole', data: { policyArn } });
const inlinePut = (policyName: string, document = DOCUMENT): RoleEvent => ({ type: 'RolePolicyPut', data: { policyName, document } });

const role = (...more: RoleEvent[]) => given(roleDecider, [created(), ...more]);

describe('CreateRole', () => {
  it('creates the role with everything the command carries', () => {
    const full = { path: '/ci/', description: 'Deploys things', maxSessionDuration: 43200, tags: [tag('team', 'ci')], permissionsBoundaryArn: BOUNDARY };
    const state = given(roleDecider, [])
      .when(createRole(full))
      .then([created(full)]);
    expect(state).toMatchObject({ status: 'active', roleId: ROLE_ID, roleName: 'deployer', trustPolicy: TRUST, ...full });
  });

  it('refuses to create a role that exists', () => {
    role().when(createRole()).thenThrows(EntityAlreadyExistsError, 'Role with name deployer already exists.');
  });

  it('refuses to re-create a deleted role on the same stream', () => {
    role(deleted)
      .when(createRole())
      .thenThrows(EntityAlreadyExistsError, /already exists/);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html — RoleName 1–64 of [\w+=,.@-]
  it.each([
    ['an empty name', ''],
    ['a name with a space', 'my role'],
    ['a 65-character name', 'r'.repeat(65)],
  ])('rejects %s', (_why, roleName) => {
    given(roleDecider, [])
      .when(createRole({ roleName }))
      .thenThrows(InvalidInputError, /^RoleName /);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html — Path (\u002F)|(\u002F[\u0021-\u007E]+\u002F)
  it.each([['ci'], ['/ci'], ['//']])('rejects the path %j', (path) => {
    given(roleDecider, [])
      .when(createRole({ path }))
      .thenThrows(InvalidInputError, /^Path /);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html — Description ≤ 1000 of [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]
  it.each([
    ['1001 characters', 'd'.repeat(1001)],
    ['a character above U+00FF', 'deploys — things'],
    ['DEL', 'a\u007Fb'],
  ])('rejects a description of %s', (_why, description) => {
    given(roleDecider, [])
      .when(createRole({ description }))
      .thenThrows(InvalidInputError, /^Description /);
  });

  it('accepts an empty description and one of 1000 characters', () => {
    given(roleDecider, [])
      .when(createRole({ description: '' }))
      .then([created({ description: '' })]);
    given(roleDecider, [])
      .when(createRole({ description: 'd'.repeat(1000) }))
      .then([created({ description: 'd'.repeat(1000) })]);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html — MaxSessionDuration 3600–43200 seconds
  it.each([[3599], [43201], [0], [3600.5]])('rejects a maximum session duration of %s', (maxSessionDuration) => {
    given(roleDecider, [])
      .when(createRole({ maxSessionDuration }))
      .thenThrows(InvalidInputError, /^MaxSessionDuration /);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html — no aws: prefix; role tag keys are case-insensitive; 50 per role
  it.each([
    ['a reserved aws: key', [tag('AWS:x')], /reserved for AWS/],
    ['keys differing only in case', [tag('Env', 'a'), tag('env', 'b')], /same key/],
    ['51 tags', tags(51), /at most 50 tags/],
  ])('rejects %s', (_why, badTags, message) => {
    given(roleDecider, [])
      .when(createRole({ tags: badTags }))
      .thenThrows(InvalidInputError, message);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html — a role trust policy names a Principal and no Resource
  it.each([
    ['a lowercase effect and nothing else', '{"Statement":{"Effect":"allow"}}', /^Effect must be "Allow" or "Deny"/],
    ['a Resource', TRUST_WITH_RESOURCE, /A role trust policy names no Resource/],
    ['an identity policy (no Principal)', DOCUMENT, /must name a Principal/],
    ['text that is not JSON', 'not json', /not valid JSON/],
  ])('rejects a trust policy with %s', (_why, trustPolicy, message) => {
    given(roleDecider, []).when(createRole({ trustPolicy })).thenThrows(MalformedPolicyDocumentError, message);
  });
});

describe('DeleteRole', () => {
  it('deletes a role with no policies', () => {
    const state = role().when({ type: 'DeleteRole' }).then([deleted]);
    expect(state.status).toBe('deleted');
  });

  it('is not blocked by a permissions boundary, tags, or policies that were removed', () => {
    role(
      { type: 'RolePermissionsBoundaryPut', data: { policyArn: BOUNDARY } },
      tagged(tag('team', 'ci')),
      attached(POLICY_A),
      { type: 'PolicyDetachedFromRole', data: { policyArn: POLICY_A } },
      inlinePut('p'),
      { type: 'RolePolicyDeleted', data: { policyName: 'p' } },
    )
      .when({ type: 'DeleteRole' })
      .then([deleted]);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html — remove inline policies and detach managed policies first
  it('refuses while a managed policy is attached', () => {
    role(attached(POLICY_A)).when({ type: 'DeleteRole' }).thenThrows(DeleteConflictError, 'Cannot delete entity, must remove attached policies first.');
  });

  it('refuses while it has an inline policy', () => {
    role(inlinePut('p')).when({ type: 'DeleteRole' }).thenThrows(DeleteConflictError, 'Cannot delete entity, must remove inline policies first.');
  });

  it('names both blockers at once', () => {
    role(attached(POLICY_A), inlinePut('p')).when({ type: 'DeleteRole' }).thenThrows(DeleteConflictError, 'Cannot delete entity, must remove attached policies, inline policies first.');
  });
});

describe('UpdateRole', () => {
  it('sets the description and the maximum session duration', () => {
    const state = role()
      .when({ type: 'UpdateRole', description: 'Deploys', maxSessionDuration: 7200 })
      .then([updated('Deploys', 7200)]);
    expect(state).toMatchObject({ description: 'Deploys', maxSessionDuration: 7200 });
  });

  it('keeps the current description when none is given', () => {
    role(updated('Deploys', 3600))
      .when({ type: 'UpdateRole', description: null, maxSessionDuration: 43200 })
      .then([updated('Deploys', 43200)]);
  });

  it('keeps the current maximum session duration when none is given', () => {
    role(updated(null, 7200))
      .when({ type: 'UpdateRole', description: 'New', maxSessionDuration: null })
      .then([updated('New', 7200)]);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html — MaxSessionDuration 3600–43200 seconds
  it.each([[3599], [43201], [1.5]])('rejects a maximum session duration of %s', (maxSessionDuration) => {
    role()
      .when({ type: 'UpdateRole', description: null, maxSessionDuration })
      .thenThrows(InvalidInputError, /^MaxSessionDuration /);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html — Description ≤ 1000 of [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]
  it.each([['d'.repeat(1001)], ['emoji 👍']])('rejects the description %#', (description) => {
    role()
      .when({ type: 'UpdateRole', description, maxSessionDuration: null })
      .thenThrows(InvalidInputError, /^Description /);
  });
});

describe('UpdateAssumeRolePolicy', () => {
  it('replaces the trust policy', () => {
    const state = role()
      .when({ type: 'UpdateAssumeRolePolicy', trustPolicy: OTHER_TRUST })
      .then([{ type: 'AssumeRolePolicyUpdated', data: { trustPolicy: OTHER_TRUST } }]);
    expect(state.trustPolicy).toBe(OTHER_TRUST);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html — a role trust policy names a Principal and no Resource
  it.each([
    ['a Resource', TRUST_WITH_RESOURCE, /A role trust policy names no Resource/],
    ['a lowercase effect and nothing else', '{"Statement":{"Effect":"allow"}}', /^Effect must be "Allow" or "Deny"/],
  ])('rejects a trust policy with %s', (_why, trustPolicy, message) => {
    role().when({ type: 'UpdateAssumeRolePolicy', trustPolicy }).thenThrows(MalformedPolicyDocumentError, message);
  });
});

describe('TagRole', () => {
  it('tags the role', () => {
    const state = role()
      .when({ type: 'TagRole', tags: [tag('env', 'prod')] })
      .then([tagged(tag('env', 'prod'))]);
    expect(state.tags).toEqual([tag('env', 'prod')]);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html — on roles, tag keys are not case sensitive: the new tag replaces the old
  it('replaces an existing tag whose key differs only in case', () => {
    const state = role(tagged(tag('CostCenter', '1234'), tag('env', 'prod')))
      .when({ type: 'TagRole', tags: [tag('costcenter', '5678')] })
      .then([tagged(tag('costcenter', '5678'))]);
    expect(state.tags).toEqual([tag('env', 'prod'), tag('costcenter', '5678')]);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — 50 tags per role
  it('counts only the tags that stay toward the 50', () => {
    role(tagged(...tags(50)))
      .when({ type: 'TagRole', tags: [tag('K1', 'new'), tag('k2', 'new')] })
      .then([tagged(tag('K1', 'new'), tag('k2', 'new'))]);
    role(tagged(...tags(50)))
      .when({ type: 'TagRole', tags: [tag('K1', 'new'), tag('extra')] })
      .thenThrows(InvalidInputError, 'An entity can have at most 50 tags; this would give it 51 (49 already there and 2 new).');
  });

  it('refuses an invalid tag', () => {
    role()
      .when({ type: 'TagRole', tags: [tag('')] })
      .thenThrows(InvalidInputError, /key must be 1 to 128 characters long/);
  });

  it('appends nothing when the role already has exactly these tags', () => {
    const state = role(tagged(tag('env', 'prod'), tag('team', 'ci')))
      .when({ type: 'TagRole', tags: [tag('team', 'ci'), tag('env', 'prod')] })
      .then([]);
    expect(state.tags).toEqual([tag('env', 'prod'), tag('team', 'ci')]);
  });

  it('records only the tags that change: a new key, a new value, a new spelling of a key', () => {
    role(tagged(tag('env', 'prod'), tag('team', 'ci'), tag('Owner', 'ana')))
      .when({ type: 'TagRole', tags: [tag('env', 'prod'), tag('team', 'cd'), tag('owner', 'ana'), tag('tier', '1')] })
      .then([tagged(tag('team', 'cd'), tag('owner', 'ana'), tag('tier', '1'))]);
  });

  it('still validates every tag of a request that would change nothing', () => {
    role(tagged(tag('env', 'prod')))
      .when({ type: 'TagRole', tags: [tag('env', 'prod'), tag('aws:x')] })
      .thenThrows(InvalidInputError, /reserved for AWS/);
  });
});

describe('UntagRole', () => {
  it('removes the keys, matching them case-insensitively', () => {
    const state = role(tagged(tag('Env', 'prod'), tag('team', 'ci')))
      .when({ type: 'UntagRole', tagKeys: ['ENV'] })
      .then([{ type: 'RoleUntagged', data: { tagKeys: ['ENV'] } }]);
    expect(state.tags).toEqual([tag('team', 'ci')]);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagRole.html — TagKeys: at most 50 items
  it('removes 50 keys at once', () => {
    const keys = tags(50).map((t) => t.key);
    const state = role(tagged(...tags(50)))
      .when({ type: 'UntagRole', tagKeys: keys })
      .then([{ type: 'RoleUntagged', data: { tagKeys: keys } }]);
    expect(state.tags).toEqual([]);
  });

  it('refuses 51 keys, whether or not the role has them', () => {
    const keys = tags(51).map((t) => t.key);
    role(tagged(...tags(50)))
      .when({ type: 'UntagRole', tagKeys: keys })
      .thenThrows(InvalidInputError, 'TagKeys can list at most 50 keys; it lists 51.');
    role().when({ type: 'UntagRole', tagKeys: keys }).thenThrows(InvalidInputError, 'TagKeys can list at most 50 keys; it lists 51.');
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagRole.html — each key 1–128 characters of [\p{L}\p{Z}\p{N}_.:/=+\-@]
  it.each([
    ['an empty key', '', /^TagKeys\[0\] \(""\) must be 1 to 128 characters long; it is empty\.$/],
    ['a 129-character key', 'k'.repeat(129), /^TagKeys\[0\] must be 1 to 128 characters long; it is 129\.$/],
    ['a key with a forbidden character', 'env\u0000', /^TagKeys\[0\] may contain only .*; it contains U\+0000 at position 4\.$/],
  ])('refuses %s', (_why, key, message) => {
    role(tagged(tag('env', 'prod')))
      .when({ type: 'UntagRole', tagKeys: [key] })
      .thenThrows(InvalidInputError, message);
  });

  it('appends nothing when the role has none of the keys', () => {
    role(tagged(tag('env', 'prod')))
      .when({ type: 'UntagRole', tagKeys: ['team', 'owner'] })
      .then([]);
    role()
      .when({ type: 'UntagRole', tagKeys: ['env'] })
      .then([]);
    role(tagged(tag('env', 'prod')))
      .when({ type: 'UntagRole', tagKeys: [] })
      .then([]);
  });

  it('records only the keys the role has, each tag once', () => {
    const state = role(tagged(tag('env', 'prod'), tag('team', 'ci')))
      .when({ type: 'UntagRole', tagKeys: ['absent', 'Env', 'ENV'] })
      .then([{ type: 'RoleUntagged', data: { tagKeys: ['Env'] } }]);
    expect(state.tags).toEqual([tag('team', 'ci')]);
  });
});

describe('permissions boundary', () => {
  it('puts a boundary', () => {
    const state = role()
      .when({ type: 'PutRolePermissionsBoundary', policyArn: BOUNDARY })
      .then([{ type: 'RolePermissionsBoundaryPut', data: { policyArn: BOUNDARY } }]);
    expect(state.permissionsBoundaryArn).toBe(BOUNDARY);
  });

  it('deletes the boundary', () => {
    const state = given(roleDecider, [created({ permissionsBoundaryArn: BOUNDARY })])
      .when({ type: 'DeleteRolePermissionsBoundary' })
      .then([{ type: 'RolePermissionsBoundaryDeleted', data: {} }]);
    expect(state.permissionsBoundaryArn).toBeNull();
  });

  it('refuses to delete a boundary the role does not have', () => {
    role().when({ type: 'DeleteRolePermissionsBoundary' }).thenThrows(NoSuchEntityError, 'The role has no permissions boundary.');
  });
});

describe('AttachRolePolicy', () => {
  it('attaches a managed policy', () => {
    const state = role()
      .when({ type: 'AttachRolePolicy', policyArn: POLICY_A, quota: 10 })
      .then([attached(POLICY_A)]);
    expect(state.policies.attached).toEqual([POLICY_A]);
  });

  it('does nothing when the policy is already attached', () => {
    role(attached(POLICY_A)).when({ type: 'AttachRolePolicy', policyArn: POLICY_A, quota: 10 }).then([]);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — managed policies attached to an IAM role: 10 (default)
  it('refuses an attachment beyond the quota', () => {
    const ten = Array.from({ length: 10 }, (_, i) => attached(`${POLICY_A}${i}`));
    role(...ten)
      .when({ type: 'AttachRolePolicy', policyArn: POLICY_B, quota: 10 })
      .thenThrows(LimitExceededError, 'Cannot exceed quota for PoliciesPerPrincipal: 10.');
  });

  it('honours a raised quota', () => {
    const ten = Array.from({ length: 10 }, (_, i) => attached(`${POLICY_A}${i}`));
    role(...ten)
      .when({ type: 'AttachRolePolicy', policyArn: POLICY_B, quota: 20 })
      .then([attached(POLICY_B)]);
  });
});

describe('DetachRolePolicy', () => {
  it('detaches an attached policy', () => {
    const state = role(attached(POLICY_A))
      .when({ type: 'DetachRolePolicy', policyArn: POLICY_A })
      .then([{ type: 'PolicyDetachedFromRole', data: { policyArn: POLICY_A } }]);
    expect(state.policies.attached).toEqual([]);
  });

  it('refuses to detach a policy that is not attached', () => {
    role(attached(POLICY_B)).when({ type: 'DetachRolePolicy', policyArn: POLICY_A }).thenThrows(NoSuchEntityError, `Policy ${POLICY_A} was not found attached to role deployer.`);
  });
});

describe('PutRolePolicy', () => {
  it('puts an inline policy', () => {
    const state = role()
      .when({ type: 'PutRolePolicy', policyName: 'S3Read', document: DOCUMENT })
      .then([inlinePut('S3Read')]);
    expect(state.policies.inline).toEqual({ S3Read: DOCUMENT });
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html — PolicyName 1–128 of [\w+=,.@-]
  it('rejects a bad policy name', () => {
    role()
      .when({ type: 'PutRolePolicy', policyName: 'my policy', document: DOCUMENT })
      .thenThrows(InvalidInputError, /^PolicyName /);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html — identity policies have no Principal
  it.each([
    ['a lowercase effect with no action or resource', '{"Statement":{"Effect":"allow"}}', /^Effect must be "Allow" or "Deny"/],
    ['a trust policy put as a permissions policy', TRUST, /cannot have Principal/],
  ])('rejects %s', (_why, document, message) => {
    role().when({ type: 'PutRolePolicy', policyName: 'p', document }).thenThrows(MalformedPolicyDocumentError, message);
  });

  // A single role inline policy may be larger than a user's (10,240 vs 2,048).
  it('accepts a 6,000-character inline policy', () => {
    role()
      .when({ type: 'PutRolePolicy', policyName: 'big', document: documentOfSize(6000) })
      .then([inlinePut('big', documentOfSize(6000))]);
  });

  // Regression: checking each document alone would let the sum pass the limit.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — "Role policy size cannot exceed 10,240 characters" (sum of all inline policies)
  it('refuses an inline policy that takes the aggregate past 10,240 characters', () => {
    role(inlinePut('first', documentOfSize(6000)))
      .when({ type: 'PutRolePolicy', policyName: 'second', document: documentOfSize(6000) })
      .thenThrows(LimitExceededError, /^Maximum policy size of 10240 bytes exceeded for role/);
  });
});

describe('DeleteRolePolicy', () => {
  it('deletes an inline policy', () => {
    const state = role(inlinePut('a'))
      .when({ type: 'DeleteRolePolicy', policyName: 'a' })
      .then([{ type: 'RolePolicyDeleted', data: { policyName: 'a' } }]);
    expect(state.policies.inline).toEqual({});
  });

  it('refuses to delete an inline policy the role does not have', () => {
    role().when({ type: 'DeleteRolePolicy', policyName: 'a' }).thenThrows(NoSuchEntityError, 'The role has no inline policy named a.');
  });
});

describe('every command but CreateRole needs an existing role', () => {
  const commands: RoleCommand[] = [
    { type: 'DeleteRole' },
    { type: 'UpdateRole', description: 'x', maxSessionDuration: 3600 },
    { type: 'UpdateAssumeRolePolicy', trustPolicy: TRUST },
    { type: 'TagRole', tags: [tag('env', 'prod')] },
    { type: 'UntagRole', tagKeys: ['env'] },
    { type: 'PutRolePermissionsBoundary', policyArn: BOUNDARY },
    { type: 'DeleteRolePermissionsBoundary' },
    { type: 'AttachRolePolicy', policyArn: POLICY_A, quota: 10 },
    { type: 'DetachRolePolicy', policyArn: POLICY_A },
    { type: 'PutRolePolicy', policyName: 'p', document: DOCUMENT },
    { type: 'DeleteRolePolicy', policyName: 'p' },
  ];

  it.each(commands.map((command) => [command.type, command] as const))('%s on a role that never existed', (_type, command) => {
    given(roleDecider, []).when(command).thenThrows(NoSuchEntityError, 'The role with the given name cannot be found.');
  });

  it.each(commands.map((command) => [command.type, command] as const))('%s on a deleted role', (_type, command) => {
    given(roleDecider, [created({ permissionsBoundaryArn: BOUNDARY }), attached(POLICY_A), inlinePut('p'), deleted])
      .when(command)
      .thenThrows(NoSuchEntityError, 'The role with the given name cannot be found.');
  });
});
