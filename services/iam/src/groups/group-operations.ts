import type { GroupRow, UserRow } from '@warden/db';
import { entityArn } from '../arns.js';
import type { Caller } from '../command-context.js';
import { NoSuchEntityError } from '../iam-error.js';
import { type IamCore, QUOTA_LOCKS } from '../service/iam-core.js';
import { findGroup, groupNameKey, requireGroup } from '../service/lookups.js';
import { PolicyHolderOperations } from '../policy-holders/policy-holder-operations.js';
import { appendTo } from '../service/write-spec.js';
import { type GroupCommand, groupDecider } from './group.decider.js';

export class GroupOperations extends PolicyHolderOperations<'group', GroupRow, GroupCommand> {
  constructor(core: IamCore) {
    super(core, { kind: 'group', decider: groupDecider, find: findGroup, nameKey: groupNameKey, idOf: (group) => group.group_id });
  }

  async create(caller: Caller, input: { groupName: string; path?: string | null }): Promise<GroupRow> {
    const path = input.path ?? '/';
    const groupId = this.core.newId('AGPA');
    const arn = entityArn(this.core.partition, caller.accountId, 'group', path, input.groupName);
    const nameKey = groupNameKey(input.groupName);
    const { answer } = await this.core.write(caller, {
      locks: [QUOTA_LOCKS.groups, nameKey, `stream/group/${groupId}`],
      // Authorized before the count, so that a caller without the permission learns nothing of it.
      permissions: () => [{ action: 'iam:CreateGroup', resource: arn }],
      appends: async (_loaded, trx) => {
        await this.core.requireBelowQuota(trx, caller.accountId, 'groups', (await this.core.quotas(trx, caller.accountId)).groups, 'GroupsPerAccount');
        return appendTo(groupDecider, `group/${groupId}`, { type: 'CreateGroup' as const, groupId, groupName: input.groupName, path, arn }, { lockKeys: [nameKey] });
      },
      answer: (trx) => requireGroup(trx, caller.accountId, input.groupName),
    });
    return answer;
  }

  /**
   * AWS's UpdateGroup: a new name, a new path, or both. The caller needs iam:UpdateGroup on the
   * group's ARN and on the ARN it will have (UpdateGroup, API reference). Both names' lock keys are
   * taken before anything is read, as for UpdateUser.
   */
  async update(caller: Caller, groupName: string, input: { newGroupName?: string | null; newPath?: string | null }): Promise<GroupRow> {
    const newGroupName = input.newGroupName ?? null;
    const newPath = input.newPath ?? null;
    const nameKeys = [groupNameKey(groupName), ...(newGroupName === null ? [] : [groupNameKey(newGroupName)])];
    const { answer } = await this.core.write(caller, {
      locks: nameKeys,
      load: async (trx) => {
        const group = await findGroup(trx, caller.accountId, groupName);
        const holder = group && newGroupName !== null ? await findGroup(trx, caller.accountId, newGroupName) : undefined;
        return { group, holder };
      },
      lockedAfterLoad: ({ group }) => (group ? [`stream/group/${group.group_id}`] : []),
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
      answer: (trx) => requireGroup(trx, caller.accountId, newGroupName ?? groupName),
    });
    return answer;
  }

  /** The group as it is now, after a mutation the caller was allowed to make. */
  current(caller: Caller, groupName: string): Promise<GroupRow> {
    return this.core.read(caller, (trx) => requireGroup(trx, caller.accountId, groupName));
  }

  async get(caller: Caller, groupName: string): Promise<GroupRow> {
    return this.core.read(caller, async (trx) => {
      const group = await findGroup(trx, caller.accountId, groupName);
      await this.core.authorize(trx, caller, 'iam:GetGroup', group?.arn ?? entityArn(this.core.partition, caller.accountId, 'group', '/', groupName));
      if (!group) throw new NoSuchEntityError(`The group with name ${groupName} cannot be found.`);
      return group;
    });
  }

  async list(caller: Caller, options: { after?: string | null; first: number }): Promise<GroupRow[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListGroups', entityArn(this.core.partition, caller.accountId, 'group', '/', '*'));
      let query = trx.selectFrom('groups').selectAll().where('account_id', '=', caller.accountId);
      if (options.after) query = query.where('group_name_key', '>', options.after);
      return query.orderBy('group_name_key').limit(options.first).execute();
    });
  }

  async members(caller: Caller, group: GroupRow): Promise<UserRow[]> {
    return this.core.read(caller, async (trx) => {
      // AWS returns a group's users from GetGroup.
      await this.core.authorize(trx, caller, 'iam:GetGroup', group.arn);
      return trx
        .selectFrom('group_memberships')
        .innerJoin('users', (join) => join.onRef('users.account_id', '=', 'group_memberships.account_id').onRef('users.user_id', '=', 'group_memberships.user_id'))
        .selectAll('users')
        .where('group_memberships.account_id', '=', caller.accountId)
        .where('group_memberships.group_id', '=', group.group_id)
        .orderBy('users.user_name_key')
        .execute();
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
}
