import { movedEntityArn } from '../kernel/arns.js';
import type { Decider } from '../kernel/decider.js';
import { EntityAlreadyExistsError, InvalidInputError } from '../kernel/iam-error.js';
import { checkGroupName, checkPath } from '../naming/index.js';
import { decidePolicyCommand, type PolicyCommand, policyDeleteBlockers, requireHolder, requireNewHolder, requireNothingToRemove } from '../policy-holders/policy-holder.decider.js';
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
  /** AttachGroupPolicy, DetachGroupPolicy, PutGroupPolicy, DeleteGroupPolicy. */
  | PolicyCommand<'group'>;

export function decideGroup(command: GroupCommand, state: GroupState): GroupEvent[] {
  switch (command.type) {
    case 'CreateGroup': {
      requireNewHolder('group', state, command.groupName, command.path);
      const { type: _type, ...data } = command;
      return [{ type: 'GroupCreated', data }];
    }
    case 'DeleteGroup': {
      requireHolder('group', state);
      requireNothingToRemove([command.memberCount > 0 ? 'members' : undefined, ...policyDeleteBlockers(state.policies)]);
      return [{ type: 'GroupDeleted', data: { groupId: state.groupId, groupName: state.groupName } }];
    }
    case 'UpdateGroup': {
      requireHolder('group', state);
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
    default:
      // What every policy holder takes; the types leave nothing else here.
      return decidePolicyCommand('group', command, state, state.groupName);
  }
}

export const groupDecider: Decider<GroupCommand, GroupEvent, GroupState> = { initialState: INITIAL_GROUP_STATE, evolve: evolveGroup, decide: decideGroup };
