import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { given } from '../kernel/decider-spec.js';
import { DeleteConflictError, EntityAlreadyExistsError, InvalidInputError, MalformedPolicyDocumentError, NoSuchEntityError } from '../kernel/iam-error.js';
import type { Tag } from '../naming/index.js';
import { type RoleCommand, roleDecider } from './role.decider.js';
import type { RoleEvent } from './role.events.js';

const ROLE_ID = 'AROAEXAMPLEROLE000001';
const ARN = 'arn:aws:iam::111122223333:role/deployer';
const POLICY_A = 'arn:aws:iam::111122223333:policy/ReadOnly';
const BOUNDARY = 'arn:aws:iam::111122223333:policy/Boundary';
const DOCUMENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
/** The SHA-256 of a text in hex, computed here rather than by the code under test. */
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const OTHER_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:AssumeRole' }] });
const TRUST_WITH_RESOURCE = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: '*' }] });

const tag = (key: string, value = ''): Tag => ({ key, value });
const tags = (n: number, prefix = 'k'): Tag[] => Array.from({ length: n }, (_, i) => tag(`${prefix}${i}`, `v${i}`));

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
  data: {
    trustPolicyHash: sha256(overrides.trustPolicy ?? TRUST),
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
  },
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
      .then([{ type: 'AssumeRolePolicyUpdated', data: { trustPolicy: OTHER_TRUST, trustPolicyHash: sha256(OTHER_TRUST) } }]);
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

describe('every command but CreateRole needs an existing role', () => {
  const commands: RoleCommand[] = [{ type: 'DeleteRole' }, { type: 'UpdateRole', description: 'x', maxSessionDuration: 3600 }, { type: 'UpdateAssumeRolePolicy', trustPolicy: TRUST }];

  it.each(commands.map((command) => [command.type, command] as const))('%s on a role that never existed', (_type, command) => {
    given(roleDecider, []).when(command).thenThrows(NoSuchEntityError, 'The role with the given name cannot be found.');
  });

  it.each(commands.map((command) => [command.type, command] as const))('%s on a deleted role', (_type, command) => {
    given(roleDecider, [created({ permissionsBoundaryArn: BOUNDARY }), attached(POLICY_A), inlinePut('p'), deleted])
      .when(command)
      .thenThrows(NoSuchEntityError, 'The role with the given name cannot be found.');
  });
});
