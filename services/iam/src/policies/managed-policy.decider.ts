import type { Decider } from '../kernel/decider.js';
import { DeleteConflictError, EntityAlreadyExistsError, InvalidInputError, LimitExceededError, NoSuchEntityError } from '../kernel/iam-error.js';
import { checkDescription, checkPath, checkPolicyName } from '../naming/index.js';
import { evolveManagedPolicy, INITIAL_MANAGED_POLICY_STATE, type ManagedPolicyEvent, type ManagedPolicyState } from './managed-policy.events.js';
import { checkPolicyDocument } from '../policy-documents/policy-document-check.js';

/**
 * Customer-managed policies and their versions, as AWS keeps them: at most five versions, exactly
 * one default, the default cannot be deleted, and a policy still attached cannot be deleted.
 */
export type ManagedPolicyCommand =
  | { type: 'CreatePolicy'; policyId: string; policyName: string; path: string; arn: string; description: string | null; document: string }
  | { type: 'CreatePolicyVersion'; document: string; setAsDefault: boolean; quota: number }
  | { type: 'SetDefaultPolicyVersion'; versionId: string }
  | { type: 'DeletePolicyVersion'; versionId: string }
  /** `attachmentCount` comes from the attachments read model. */
  | { type: 'DeletePolicy'; attachmentCount: number };

function requirePolicy(state: ManagedPolicyState): void {
  if (state.status !== 'active') throw new NoSuchEntityError('The policy with the given ARN cannot be found.');
}

function requireVersion(state: ManagedPolicyState, versionId: string): void {
  if (!state.versionIds.includes(versionId)) throw new NoSuchEntityError(`Policy ${state.arn} version ${versionId} does not exist.`);
}

export function decideManagedPolicy(command: ManagedPolicyCommand, state: ManagedPolicyState): ManagedPolicyEvent[] {
  switch (command.type) {
    case 'CreatePolicy': {
      if (state.status !== 'none') throw new EntityAlreadyExistsError(`A policy called ${command.policyName} already exists. Duplicate names are not allowed.`);
      const problem = checkPolicyName(command.policyName) ?? checkPath(command.path) ?? (command.description === null ? undefined : checkDescription(command.description));
      if (problem) throw new InvalidInputError(problem);
      const documentHash = checkPolicyDocument(command.document, 'identity');
      const { type: _type, ...data } = command;
      return [{ type: 'PolicyCreated', data: { ...data, documentHash } }];
    }
    case 'CreatePolicyVersion': {
      requirePolicy(state);
      if (state.versionIds.length >= command.quota) {
        throw new LimitExceededError(`A managed policy can have up to ${command.quota} versions. Before you create a new version, you must delete an existing version.`);
      }
      const documentHash = checkPolicyDocument(command.document, 'identity');
      return [{ type: 'PolicyVersionCreated', data: { versionId: `v${state.nextVersionNumber}`, document: command.document, documentHash, setAsDefault: command.setAsDefault } }];
    }
    case 'SetDefaultPolicyVersion':
      requirePolicy(state);
      requireVersion(state, command.versionId);
      return state.defaultVersionId === command.versionId ? [] : [{ type: 'DefaultPolicyVersionSet', data: { versionId: command.versionId } }];
    case 'DeletePolicyVersion':
      requirePolicy(state);
      requireVersion(state, command.versionId);
      if (state.defaultVersionId === command.versionId) throw new DeleteConflictError('Cannot delete the default version of a policy.');
      return [{ type: 'PolicyVersionDeleted', data: { versionId: command.versionId } }];
    case 'DeletePolicy':
      requirePolicy(state);
      if (command.attachmentCount > 0) throw new DeleteConflictError('Cannot delete a policy attached to entities.');
      // AWS: "you must delete all the policy's versions" except the default, which goes with the policy.
      if (state.versionIds.length > 1)
        throw new DeleteConflictError("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
      return [{ type: 'PolicyDeleted', data: { policyId: state.policyId, policyName: state.policyName, arn: state.arn } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export const managedPolicyDecider: Decider<ManagedPolicyCommand, ManagedPolicyEvent, ManagedPolicyState> = {
  initialState: INITIAL_MANAGED_POLICY_STATE,
  evolve: evolveManagedPolicy,
  decide: decideManagedPolicy,
};
