import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { given } from '../kernel/decider-spec.js';
import { DeleteConflictError, EntityAlreadyExistsError, InvalidInputError, LimitExceededError, MalformedPolicyDocumentError, NoSuchEntityError } from '../kernel/iam-error.js';
import { type ManagedPolicyCommand, managedPolicyDecider } from './managed-policy.decider.js';
import type { ManagedPolicyEvent } from './managed-policy.events.js';

const POLICY_ID = 'ANPAEXAMPLEPOLICY0001';
const ARN = 'arn:aws:iam::111122223333:policy/ReadOnly';
const DOCUMENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
const DOCUMENT_2 = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] });
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

/** The SHA-256 of a text in hex, computed here rather than by the code under test. */
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

type CreatePolicy = Extract<ManagedPolicyCommand, { type: 'CreatePolicy' }>;
type PolicyCreatedData = Extract<ManagedPolicyEvent, { type: 'PolicyCreated' }>['data'];

const createPolicy = (overrides: Partial<CreatePolicy> = {}): ManagedPolicyCommand => ({
  type: 'CreatePolicy',
  policyId: POLICY_ID,
  policyName: 'ReadOnly',
  path: '/',
  arn: ARN,
  description: null,
  document: DOCUMENT,
  ...overrides,
});
const created = (overrides: Partial<PolicyCreatedData> = {}): ManagedPolicyEvent => {
  const data = { policyId: POLICY_ID, policyName: 'ReadOnly', path: '/', arn: ARN, description: null, document: DOCUMENT, ...overrides };
  return { type: 'PolicyCreated', data: { documentHash: sha256(data.document), ...data } };
};
const deleted: ManagedPolicyEvent = { type: 'PolicyDeleted', data: { policyId: POLICY_ID, policyName: 'ReadOnly', arn: ARN } };
const versionCreated = (versionId: string, setAsDefault = false, document = DOCUMENT_2): ManagedPolicyEvent => ({
  type: 'PolicyVersionCreated',
  data: { versionId, document, documentHash: sha256(document), setAsDefault },
});
const defaultSet = (versionId: string): ManagedPolicyEvent => ({ type: 'DefaultPolicyVersionSet', data: { versionId } });
const versionDeleted = (versionId: string): ManagedPolicyEvent => ({ type: 'PolicyVersionDeleted', data: { versionId } });
const newVersion = (setAsDefault = false, quota = 5): ManagedPolicyCommand => ({ type: 'CreatePolicyVersion', document: DOCUMENT_2, setAsDefault, quota });

const policy = (...more: ManagedPolicyEvent[]) => given(managedPolicyDecider, [created(), ...more]);

describe('CreatePolicy', () => {
  it('creates the policy with v1 as its default version', () => {
    const state = given(managedPolicyDecider, [])
      .when(createPolicy({ path: '/team/', description: 'Read only' }))
      .then([created({ path: '/team/', description: 'Read only' })]);
    expect(state).toMatchObject({ status: 'active', policyId: POLICY_ID, policyName: 'ReadOnly', arn: ARN, defaultVersionId: 'v1', versionIds: ['v1'] });
  });

  it('refuses to create a policy that exists', () => {
    policy().when(createPolicy()).thenThrows(EntityAlreadyExistsError, 'A policy called ReadOnly already exists. Duplicate names are not allowed.');
  });

  it('refuses to re-create a deleted policy on the same stream', () => {
    policy(deleted)
      .when(createPolicy())
      .thenThrows(EntityAlreadyExistsError, /already exists/);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html — PolicyName 1–128 of [\w+=,.@-]
  it.each([[''], ['read only'], ['p'.repeat(129)]])('rejects the policy name %#', (policyName) => {
    given(managedPolicyDecider, [])
      .when(createPolicy({ policyName }))
      .thenThrows(InvalidInputError, /^PolicyName /);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html — Path (\u002F)|(\u002F[\u0021-\u007E]+\u002F)
  it.each([['team/'], ['/team'], ['//']])('rejects the path %j', (path) => {
    given(managedPolicyDecider, [])
      .when(createPolicy({ path }))
      .thenThrows(InvalidInputError, /^Path /);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html — Description ≤ 1000 of [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]
  it.each([['d'.repeat(1001)], ['read — only']])('rejects the description %#', (description) => {
    given(managedPolicyDecider, [])
      .when(createPolicy({ description }))
      .thenThrows(InvalidInputError, /^Description /);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html — Effect is "Allow" or "Deny"; identity policies need Action and Resource, and no Principal
  it.each([
    ['a lowercase effect with no action or resource', '{"Statement":{"Effect":"allow"}}', /^Effect must be "Allow" or "Deny"/],
    ['a trust policy (Principal, no Resource)', TRUST, /cannot have Principal/],
    ['text that is not JSON', '', /not valid JSON|empty/],
  ])('rejects a document with %s', (_why, document, message) => {
    given(managedPolicyDecider, []).when(createPolicy({ document })).thenThrows(MalformedPolicyDocumentError, message);
  });
});

describe('CreatePolicyVersion', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html — versions are v1, v2, …
  it('numbers the versions v2, v3, …', () => {
    const afterV2 = policy()
      .when(newVersion())
      .then([versionCreated('v2')]);
    expect(afterV2).toMatchObject({ versionIds: ['v1', 'v2'], defaultVersionId: 'v1' });
    policy(versionCreated('v2'))
      .when(newVersion())
      .then([versionCreated('v3')]);
  });

  it('carries the document and makes it the default when asked', () => {
    const state = policy()
      .when(newVersion(true))
      .then([versionCreated('v2', true)]);
    expect(state.defaultVersionId).toBe('v2');
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html — "When you delete a version, the version identifiers for the remaining versions do not change" (v1, v3, v5, v6, v7)
  it('continues the numbering after a version is deleted', () => {
    policy(versionCreated('v2'), versionCreated('v3'), versionDeleted('v2'))
      .when(newVersion())
      .then([versionCreated('v4')]);
  });

  it('never reuses the number of the latest version once it is deleted', () => {
    policy(versionCreated('v2'), versionDeleted('v2'))
      .when(newVersion())
      .then([versionCreated('v3')]);
  });

  it('reproduces the AWS example: delete v2 and v4, add two, leaving v1, v3, v5, v6, v7', () => {
    const history = [versionCreated('v2'), versionCreated('v3'), versionCreated('v4'), versionCreated('v5'), versionDeleted('v2'), versionDeleted('v4')];
    const afterV6 = policy(...history)
      .when(newVersion())
      .then([versionCreated('v6')]);
    expect(afterV6.versionIds).toEqual(['v1', 'v3', 'v5', 'v6']);
    const afterV7 = policy(...history, versionCreated('v6'))
      .when(newVersion())
      .then([versionCreated('v7')]);
    expect(afterV7.versionIds).toEqual(['v1', 'v3', 'v5', 'v6', 'v7']);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — versions of a managed policy that can be stored: 5
  it('refuses a sixth version', () => {
    policy(versionCreated('v2'), versionCreated('v3'), versionCreated('v4'), versionCreated('v5'))
      .when(newVersion())
      .thenThrows(LimitExceededError, 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');
  });

  it('allows a new version once one of five is deleted, numbered after the highest', () => {
    policy(versionCreated('v2'), versionCreated('v3'), versionCreated('v4'), versionCreated('v5'), versionDeleted('v3'))
      .when(newVersion())
      .then([versionCreated('v6')]);
  });

  it('allows the fifth version', () => {
    policy(versionCreated('v2'), versionCreated('v3'), versionCreated('v4'))
      .when(newVersion())
      .then([versionCreated('v5')]);
  });

  it('rejects a malformed document', () => {
    policy()
      .when({ type: 'CreatePolicyVersion', document: '{"Statement":{"Effect":"allow"}}', setAsDefault: true, quota: 5 })
      .thenThrows(MalformedPolicyDocumentError, /^Effect must be "Allow" or "Deny"/);
  });
});

describe('SetDefaultPolicyVersion', () => {
  it('makes another version the default', () => {
    const state = policy(versionCreated('v2'))
      .when({ type: 'SetDefaultPolicyVersion', versionId: 'v2' })
      .then([defaultSet('v2')]);
    expect(state.defaultVersionId).toBe('v2');
  });

  it('rolls back to an older version', () => {
    policy(versionCreated('v2', true))
      .when({ type: 'SetDefaultPolicyVersion', versionId: 'v1' })
      .then([defaultSet('v1')]);
  });

  it('does nothing when the version is already the default', () => {
    policy(versionCreated('v2')).when({ type: 'SetDefaultPolicyVersion', versionId: 'v1' }).then([]);
    policy(versionCreated('v2', true)).when({ type: 'SetDefaultPolicyVersion', versionId: 'v2' }).then([]);
  });

  it('refuses a version that does not exist', () => {
    policy().when({ type: 'SetDefaultPolicyVersion', versionId: 'v2' }).thenThrows(NoSuchEntityError, `Policy ${ARN} version v2 does not exist.`);
  });

  it('refuses a version that was deleted', () => {
    policy(versionCreated('v2'), versionDeleted('v2')).when({ type: 'SetDefaultPolicyVersion', versionId: 'v2' }).thenThrows(NoSuchEntityError, `Policy ${ARN} version v2 does not exist.`);
  });
});

describe('DeletePolicyVersion', () => {
  it('deletes a version that is not the default', () => {
    const state = policy(versionCreated('v2'), versionCreated('v3'))
      .when({ type: 'DeletePolicyVersion', versionId: 'v2' })
      .then([versionDeleted('v2')]);
    expect(state.versionIds).toEqual(['v1', 'v3']);
  });

  it('deletes v1 once another version is the default', () => {
    policy(versionCreated('v2', true))
      .when({ type: 'DeletePolicyVersion', versionId: 'v1' })
      .then([versionDeleted('v1')]);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicyVersion.html — "You cannot delete the default version from a policy using this operation."
  it('refuses to delete the default version', () => {
    policy(versionCreated('v2')).when({ type: 'DeletePolicyVersion', versionId: 'v1' }).thenThrows(DeleteConflictError, 'Cannot delete the default version of a policy.');
    policy(versionCreated('v2'), defaultSet('v2')).when({ type: 'DeletePolicyVersion', versionId: 'v2' }).thenThrows(DeleteConflictError, 'Cannot delete the default version of a policy.');
  });

  it('refuses a version that does not exist or was deleted', () => {
    policy().when({ type: 'DeletePolicyVersion', versionId: 'v9' }).thenThrows(NoSuchEntityError, `Policy ${ARN} version v9 does not exist.`);
    policy(versionCreated('v2'), versionDeleted('v2')).when({ type: 'DeletePolicyVersion', versionId: 'v2' }).thenThrows(NoSuchEntityError, `Policy ${ARN} version v2 does not exist.`);
  });
});

describe('DeletePolicy', () => {
  it('deletes a policy that is attached to nothing', () => {
    const state = policy().when({ type: 'DeletePolicy', attachmentCount: 0 }).then([deleted]);
    expect(state.status).toBe('deleted');
  });

  it('deletes a policy whose only version left is not v1', () => {
    policy(versionCreated('v2', true), versionDeleted('v1')).when({ type: 'DeletePolicy', attachmentCount: 0 }).then([deleted]);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html — "you must first detach the policy from all users, groups, and roles"
  it('refuses while the policy is attached', () => {
    policy().when({ type: 'DeletePolicy', attachmentCount: 1 }).thenThrows(DeleteConflictError, 'Cannot delete a policy attached to entities.');
  });

  // Regression: DeletePolicy used to ignore the policy's other versions.
  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html — "In addition, you must delete all the policy's versions" (all but the default, which DeletePolicy removes)
  it('refuses while the policy has versions other than the default', () => {
    policy(versionCreated('v2'))
      .when({ type: 'DeletePolicy', attachmentCount: 0 })
      .thenThrows(DeleteConflictError, /more than one version/);
  });
});

describe('every command but CreatePolicy needs an existing policy', () => {
  const commands: ManagedPolicyCommand[] = [
    newVersion(),
    { type: 'SetDefaultPolicyVersion', versionId: 'v2' },
    { type: 'DeletePolicyVersion', versionId: 'v2' },
    { type: 'DeletePolicy', attachmentCount: 0 },
  ];

  it.each(commands.map((command) => [command.type, command] as const))('%s on a policy that never existed', (_type, command) => {
    given(managedPolicyDecider, []).when(command).thenThrows(NoSuchEntityError, 'The policy with the given ARN cannot be found.');
  });

  it.each(commands.map((command) => [command.type, command] as const))('%s on a deleted policy', (_type, command) => {
    given(managedPolicyDecider, [created(), versionCreated('v2', true), versionDeleted('v1'), deleted])
      .when(command)
      .thenThrows(NoSuchEntityError, 'The policy with the given ARN cannot be found.');
  });
});
