import type { Decider } from '../decider.js';
import { DeleteConflictError, EntityAlreadyExistsError, InvalidInputError, NoSuchEntityError } from '../iam-error.js';
import { checkGroupName, checkPath } from '../naming/index.js';
import { checkAttach, checkDeleteInline, checkDetach, checkPutInline } from '../principal-policies.js';
import { evolveGroup, type GroupEvent, type GroupState, INITIAL_GROUP_STATE } from './group.events.js';

export type GroupCommand =
  | { type: 'CreateGroup'; groupId: string; groupName: string; path: string; arn: string }
  /** `memberCount` comes from the memberships read model: a group with members cannot be deleted. */
  | { type: 'DeleteGroup'; memberCount: number }
  | { type: 'AttachGroupPolicy'; policyArn: string; quota: number }
  | { type: 'DetachGroupPolicy'; policyArn: string }
  | { type: 'PutGroupPolicy'; policyName: string; document: string }
  | { type: 'DeleteGroupPolicy'; policyName: string };

function requireGroup(state: GroupState): void {
  if (state.status !== 'active') throw new NoSuchEntityError('The group with the given name cannot be found.');
}

export function decideGroup(command: GroupCommand, state: GroupState): GroupEvent[] {
  switch (command.type) {
    case 'CreateGroup': {
      if (state.status !== 'none') throw new EntityAlreadyExistsError(`Group with name ${command.groupName} already exists.`);
      const problem = checkGroupName(command.groupName) ?? checkPath(command.path);
      if (problem) throw new InvalidInputError(problem);
      const { type: _type, ...data } = command;
      return [{ type: 'GroupCreated', data }];
    }
    case 'DeleteGroup': {
      requireGroup(state);
      const blockers = [
        command.memberCount > 0 ? 'members' : undefined,
        state.policies.attached.length > 0 ? 'attached policies' : undefined,
        Object.keys(state.policies.inline).length > 0 ? 'inline policies' : undefined,
      ].filter((blocker) => blocker !== undefined);
      if (blockers.length > 0) throw new DeleteConflictError(`Cannot delete entity, must remove ${blockers.join(', ')} first.`);
      return [{ type: 'GroupDeleted', data: { groupId: state.groupId, groupName: state.groupName } }];
    }
    case 'AttachGroupPolicy':
      requireGroup(state);
      return checkAttach(state.policies, command.policyArn, command.quota) ? [{ type: 'PolicyAttachedToGroup', data: { policyArn: command.policyArn } }] : [];
    case 'DetachGroupPolicy':
      requireGroup(state);
      checkDetach(state.policies, command.policyArn, `group ${state.groupName}`);
      return [{ type: 'PolicyDetachedFromGroup', data: { policyArn: command.policyArn } }];
    case 'PutGroupPolicy':
      requireGroup(state);
      checkPutInline(state.policies, command.policyName, command.document, 'group');
      return [{ type: 'GroupPolicyPut', data: { policyName: command.policyName, document: command.document } }];
    case 'DeleteGroupPolicy':
      requireGroup(state);
      checkDeleteInline(state.policies, command.policyName, 'group');
      return [{ type: 'GroupPolicyDeleted', data: { policyName: command.policyName } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export const groupDecider: Decider<GroupCommand, GroupEvent, GroupState> = {
  initialState: INITIAL_GROUP_STATE,
  evolve: evolveGroup,
  decide: decideGroup,
};
