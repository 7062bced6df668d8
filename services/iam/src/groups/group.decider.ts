import { movedEntityArn } from '../arns.js';
import type { Decider } from '../decider.js';
import { DeleteConflictError, EntityAlreadyExistsError, InvalidInputError, NoSuchEntityError } from '../iam-error.js';
import { checkGroupName, checkPath } from '../naming/index.js';
import { checkAttach, checkDeleteInline, checkDetach, checkPutInline } from '../policy-holders/principal-policies.js';
import { evolveGroup, type GroupEvent, type GroupState, INITIAL_GROUP_STATE } from './group.events.js';

export type GroupCommand =
  | { type: 'CreateGroup'; groupId: string; groupName: string; path: string; arn: string }
  /** `memberCount` comes from the memberships read model: a group with members cannot be deleted. */
  | { type: 'DeleteGroup'; memberCount: number }
  /**
   * AWS's UpdateGroup: a new name, a new path, or both (null leaves it as it is). `newNameTaken`:
   * another group has the new name in some case, as read under the name's lock key.
   */
  | { type: 'UpdateGroup'; newGroupName: string | null; newPath: string | null; newNameTaken: boolean }
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
    case 'UpdateGroup': {
      requireGroup(state);
      const problem =
        (command.newGroupName === null ? undefined : checkGroupName(command.newGroupName, 'NewGroupName')) ?? (command.newPath === null ? undefined : checkPath(command.newPath, 'NewPath'));
      if (problem) throw new InvalidInputError(problem);
      const groupName = command.newGroupName ?? state.groupName;
      const path = command.newPath ?? state.path;
      if (groupName === state.groupName && path === state.path) return [];
      // Names are unique whatever their case, so the group's own name in another case is no conflict.
      if (command.newNameTaken && groupName.toLowerCase() !== state.groupName.toLowerCase()) throw new EntityAlreadyExistsError(`Group with name ${groupName} already exists.`);
      // The group keeps its id, and with it its users and policies (IAM User Guide, "Renaming an
      // IAM user group"); only what is written under its name changes.
      return [{ type: 'GroupUpdated', data: { groupName, path, arn: movedEntityArn(state.arn, 'group', path, groupName) } }];
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
