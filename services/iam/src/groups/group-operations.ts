import { type GroupRow, streamLockKey } from '@warden/db';
import { entityArn } from '../kernel/arns.js';
import type { Caller } from '../kernel/command-context.js';
import { NoSuchEntityError } from '../kernel/iam-error.js';
import { type IamCore, QUOTA_LOCKS } from '../service/iam-core.js';
import { findGroupRowByName } from './group-repository.js';
import { groupNameKey, userNameKey } from '../kernel/lock-keys.js';
import { userDecider } from '../users/user.decider.js';
import { PolicyHolderOperations } from '../policy-holders/policy-holder-operations.js';
import { appendTo } from '../service/write-spec.js';
import { resourceTagContext } from '../authorization/tag-context.js';
import type { User } from '../users/user.js';
import { findUserRowByName, listUsersInGroup, requireUserRowByName } from '../users/user-repository.js';
import type { Group } from './group.js';
import { findGroupByName, listGroups, listGroupsOfUser, requireGroupByName } from './group-repository.js';
import { type GroupCommand, groupDecider } from './group.decider.js';
import { toGroupAfter } from './group-mapper.js';
import type { GroupState } from './group.events.js';

export class GroupOperations extends PolicyHolderOperations<'group', GroupRow, GroupCommand, Group, GroupState> {
  constructor(core: IamCore) {
    super(core, {
      kind: 'group',
      decider: groupDecider,
      find: findGroupRowByName,
      nameKey: groupNameKey,
      idOf: (group) => group.group_id,
      nameOf: (group) => group.group_name,
      shownAfter: toGroupAfter,
    });
  }

  async create(caller: Caller, input: { groupName: string; path?: string | null }): Promise<Group> {
    const path = input.path ?? '/';
    const groupId = this.core.newId('AGPA');
    const arn = entityArn(this.core.partition, caller.accountId, 'group', path, input.groupName);
    const nameKey = groupNameKey(input.groupName);
    const { answer } = await this.core.write(caller, {
      locks: [QUOTA_LOCKS.groups, nameKey, streamLockKey(`group/${groupId}`)],
      // Authorized before the count, so that a caller without the permission learns nothing of it.
      permissions: () => [{ action: 'iam:CreateGroup', resource: arn }],
      appends: async (_loaded, trx) => {
        await this.core.requireBelowQuota(trx, caller.accountId, 'groups', (await this.core.quotas(trx, caller.accountId)).groups, 'GroupsPerAccount');
        return appendTo(groupDecider, `group/${groupId}`, { type: 'CreateGroup' as const, groupId, groupName: input.groupName, path, arn }, { lockKeys: [nameKey] });
      },
      answer: (trx) => requireGroupByName(trx, caller.accountId, input.groupName),
    });
    return answer;
  }

  /**
   * AWS's UpdateGroup: a new name, a new path, or both. The caller needs iam:UpdateGroup on the
   * group's ARN and on the ARN it will have (UpdateGroup, API reference). Both names' lock keys are
   * taken before anything is read, as for UpdateUser.
   */
  async update(caller: Caller, groupName: string, input: { newGroupName?: string | null; newPath?: string | null }): Promise<Group> {
    const newGroupName = input.newGroupName ?? null;
    const newPath = input.newPath ?? null;
    const nameKeys = [groupNameKey(groupName), ...(newGroupName === null ? [] : [groupNameKey(newGroupName)])];
    const { answer } = await this.core.write(caller, {
      locks: nameKeys,
      load: async (trx) => {
        const group = await findGroupRowByName(trx, caller.accountId, groupName);
        const holder = group && newGroupName !== null ? await findGroupRowByName(trx, caller.accountId, newGroupName) : undefined;
        return { group, holder };
      },
      lockedAfterLoad: ({ group }) => (group ? [streamLockKey(`group/${group.group_id}`)] : []),
      permissions: ({ group }) => {
        const source = { action: 'iam:UpdateGroup', resource: group?.arn ?? entityArn(this.core.partition, caller.accountId, 'group', '/', groupName) };
        if (!group) return [source];
        return [source, { action: 'iam:UpdateGroup', resource: entityArn(this.core.partition, caller.accountId, 'group', newPath ?? group.path, newGroupName ?? group.group_name) }];
      },
      appends: ({ group, holder }) => {
        if (!group) throw new NoSuchEntityError(`The group with name ${groupName} cannot be found.`);
        const command = { type: 'UpdateGroup' as const, newGroupName, newPath, newNameTaken: holder !== undefined && holder.group_id !== group.group_id };
        return appendTo(groupDecider, `group/${group.group_id}`, command, { lockKeys: nameKeys });
      },
      answer: (trx) => requireGroupByName(trx, caller.accountId, newGroupName ?? groupName),
    });
    return answer;
  }

  /** The group as it is now, after a mutation the caller was allowed to make. */
  current(caller: Caller, groupName: string): Promise<Group> {
    return this.core.read(caller, (trx) => requireGroupByName(trx, caller.accountId, groupName));
  }

  async get(caller: Caller, groupName: string): Promise<Group> {
    return this.core.read(caller, async (trx) => {
      const group = await findGroupByName(trx, caller.accountId, groupName);
      await this.core.authorize(trx, caller, 'iam:GetGroup', group?.arn ?? entityArn(this.core.partition, caller.accountId, 'group', '/', groupName));
      if (!group) throw new NoSuchEntityError(`The group with name ${groupName} cannot be found.`);
      return group;
    });
  }

  /** A page of groups in name-key order; `after` is the name key (`nameKey`) of the previous page's last group. */
  /** A page of groups whose path starts with `pathPrefix`, in name-key order; `after` is the name key (`nameKey`) of the previous page's last group. */
  async list(caller: Caller, options: { pathPrefix?: string | null; after?: string | null; first: number }): Promise<Group[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListGroups', entityArn(this.core.partition, caller.accountId, 'group', options.pathPrefix ?? '/', '*'));
      return listGroups(trx, caller.accountId, options);
    });
  }

  async members(caller: Caller, group: Group): Promise<User[]> {
    return this.core.read(caller, async (trx) => {
      // AWS returns a group's users from GetGroup.
      await this.core.authorize(trx, caller, 'iam:GetGroup', group.arn);
      return listUsersInGroup(trx, caller.accountId, group.groupId);
    });
  }

  /** AWS's ListGroupsForUser: the user's groups in name order, authorized on the user, whose absence is told only to a caller allowed to ask. */
  async forUser(caller: Caller, userName: string): Promise<Group[]> {
    return this.core.read(caller, async (trx) => {
      const user = await findUserRowByName(trx, caller.accountId, userName);
      await this.core.authorize(trx, caller, 'iam:ListGroupsForUser', user?.arn ?? entityArn(this.core.partition, caller.accountId, 'user', '/', userName), resourceTagContext(user?.tags ?? []));
      if (!user) throw new NoSuchEntityError(`The user with name ${userName} cannot be found.`);
      return listGroupsOfUser(trx, caller.accountId, user.user_id);
    });
  }

  async delete(caller: Caller, groupName: string): Promise<void> {
    // Counted under the group's name key, which addUserToGroup holds: no user joins meanwhile.
    await this.holderWrite(caller, groupName, 'iam:DeleteGroup', async (group, trx) => {
      const members = await trx
        .selectFrom('group_memberships')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('account_id', '=', caller.accountId)
        .where('group_id', '=', group.group_id)
        .executeTakeFirstOrThrow();
      return { type: 'DeleteGroup', memberCount: Number(members.count) };
    });
  }

  /** AddUserToGroup: the membership is an event of the user's stream, authorized on the group. */
  async addUser(caller: Caller, groupName: string, userName: string): Promise<void> {
    // AWS authorizes AddUserToGroup on the group. The group's name key is the one deleteGroup holds
    // while it counts members, so no user joins a group being deleted.
    await this.core.write(caller, {
      locks: [groupNameKey(groupName), userNameKey(userName)],
      load: async (trx) => ({ group: await findGroupRowByName(trx, caller.accountId, groupName) }),
      permissions: ({ group }) => [{ action: 'iam:AddUserToGroup', resource: group?.arn ?? entityArn(this.core.partition, caller.accountId, 'group', '/', groupName) }],
      appends: async ({ group }, trx) => {
        if (!group) throw new NoSuchEntityError(`The group with name ${groupName} cannot be found.`);
        const user = await requireUserRowByName(trx, caller.accountId, userName);
        const quota = (await this.core.quotas(trx, caller.accountId)).groupsPerUser;
        return appendTo(userDecider, `user/${user.user_id}`, { type: 'AddUserToGroup' as const, groupId: group.group_id, groupName: group.group_name, quota });
      },
    });
  }

  /** RemoveUserFromGroup, authorized on the group (as AddUserToGroup) before either name is said to be missing. */
  async removeUser(caller: Caller, groupName: string, userName: string): Promise<void> {
    await this.core.write(caller, {
      locks: [groupNameKey(groupName), userNameKey(userName)],
      load: async (trx) => ({ group: await findGroupRowByName(trx, caller.accountId, groupName) }),
      permissions: ({ group }) => [{ action: 'iam:RemoveUserFromGroup', resource: group?.arn ?? entityArn(this.core.partition, caller.accountId, 'group', '/', groupName) }],
      appends: async ({ group }, trx) => {
        if (!group) throw new NoSuchEntityError(`The group with name ${groupName} cannot be found.`);
        const user = await requireUserRowByName(trx, caller.accountId, userName);
        return appendTo(userDecider, `user/${user.user_id}`, { type: 'RemoveUserFromGroup' as const, groupId: group.group_id, groupName: group.group_name });
      },
    });
  }
}
