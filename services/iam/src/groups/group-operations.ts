import type { GroupRow, UserRow } from '@warden/db';
import type { Transaction } from 'kysely';
import type { Database } from '@warden/db';
import { entityArn } from '../arns.js';
import type { Caller } from '../command-context.js';
import { NoSuchEntityError } from '../iam-error.js';
import { type IamCore, QUOTA_LOCKS } from '../service/iam-core.js';
import { findGroup, lockGroup, lockPolicy, requireAttachablePolicy, requireGroup } from '../service/lookups.js';
import { type GroupCommand, groupDecider } from './group.decider.js';

export class GroupOperations {
  constructor(private readonly core: IamCore) {}

  async create(caller: Caller, input: { groupName: string; path?: string | null }): Promise<GroupRow> {
    const path = input.path ?? '/';
    const groupId = this.core.newId('AGPA');
    const arn = entityArn(this.core.partition, caller.accountId, 'group', path, input.groupName);
    await this.core.mutate(caller, { locks: [QUOTA_LOCKS.groups] }, async (trx) => {
      // Authorized before the count, so that a caller without the permission learns nothing of it.
      await this.core.authorize(trx, caller, 'iam:CreateGroup', arn);
      await this.core.requireBelowQuota(trx, caller.accountId, 'groups', (await this.core.quotas(trx, caller.accountId)).groups, 'GroupsPerAccount');
      return {
        action: 'iam:CreateGroup',
        resource: arn,
        decider: groupDecider,
        streamId: `group/${groupId}`,
        command: { type: 'CreateGroup' as const, groupId, groupName: input.groupName, path, arn },
        lockKeys: [`group-name/${String(input.groupName).toLowerCase()}`],
      };
    });
    return this.core.read(caller, (trx) => requireGroup(trx, caller.accountId, input.groupName));
  }

  /**
   * AWS's UpdateGroup: a new name, a new path, or both. The caller needs iam:UpdateGroup on the
   * group's ARN and on the ARN it will have (UpdateGroup, API reference). Both names' lock keys are
   * taken before anything is read, as for UpdateUser.
   */
  async update(caller: Caller, groupName: string, input: { newGroupName?: string | null; newPath?: string | null }): Promise<GroupRow> {
    const newGroupName = input.newGroupName ?? null;
    const newPath = input.newPath ?? null;
    const nameKeys = [`group-name/${String(groupName).toLowerCase()}`, ...(newGroupName === null ? [] : [`group-name/${String(newGroupName).toLowerCase()}`])];
    await this.core.mutate(caller, { locks: nameKeys }, async (trx) => {
      const group = await findGroup(trx, caller.accountId, groupName);
      const resource = group?.arn ?? entityArn(this.core.partition, caller.accountId, 'group', '/', groupName);
      await this.core.authorize(trx, caller, 'iam:UpdateGroup', resource);
      if (!group) throw new NoSuchEntityError(`The group with name ${groupName} cannot be found.`);
      await this.core.authorize(trx, caller, 'iam:UpdateGroup', entityArn(this.core.partition, caller.accountId, 'group', newPath ?? group.path, newGroupName ?? group.group_name));
      const holder = newGroupName === null ? undefined : await findGroup(trx, caller.accountId, newGroupName);
      return {
        action: 'iam:UpdateGroup',
        resource,
        decider: groupDecider,
        streamId: `group/${group.group_id}`,
        command: { type: 'UpdateGroup' as const, newGroupName, newPath, newNameTaken: holder !== undefined && holder.group_id !== group.group_id },
        lockKeys: nameKeys,
      };
    });
    return this.current(caller, newGroupName ?? groupName);
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

  private async groupMutation(
    caller: Caller,
    groupName: string,
    action: string,
    command: (group: GroupRow, trx: Transaction<Database>) => Promise<GroupCommand> | GroupCommand,
    context: Record<string, string | string[]> = {},
  ): Promise<void> {
    await this.core.mutate(caller, async (trx) => {
      const group = await findGroup(trx, caller.accountId, groupName);
      const resource = group?.arn ?? entityArn(this.core.partition, caller.accountId, 'group', '/', groupName);
      await this.core.authorize(trx, caller, action, resource, context);
      if (!group) await requireGroup(trx, caller.accountId, groupName);
      return { action, resource, decider: groupDecider, streamId: `group/${group!.group_id}`, command: await command(group!, trx), extraContext: context };
    });
  }

  async delete(caller: Caller, groupName: string): Promise<void> {
    await this.groupMutation(caller, groupName, 'iam:DeleteGroup', async (group, trx) => {
      await lockGroup(trx, caller.accountId, group.group_id);
      const members = await trx.selectFrom('group_memberships').select((eb) => eb.fn.countAll<string>().as('count')).where('account_id', '=', caller.accountId).where('group_id', '=', group.group_id).executeTakeFirstOrThrow();
      return { type: 'DeleteGroup', memberCount: Number(members.count) };
    });
  }

  async attachPolicy(caller: Caller, groupName: string, policyArn: string): Promise<void> {
    await this.groupMutation(
      caller,
      groupName,
      'iam:AttachGroupPolicy',
      async (_group, trx) => {
        await lockPolicy(trx, caller.accountId, policyArn);
        await requireAttachablePolicy(trx, caller.accountId, policyArn);
        return { type: 'AttachGroupPolicy', policyArn, quota: (await this.core.quotas(trx, caller.accountId)).managedPoliciesPerGroup };
      },
      { 'iam:PolicyARN': policyArn },
    );
  }

  async detachPolicy(caller: Caller, groupName: string, policyArn: string): Promise<void> {
    await this.groupMutation(caller, groupName, 'iam:DetachGroupPolicy', () => ({ type: 'DetachGroupPolicy', policyArn }), { 'iam:PolicyARN': policyArn });
  }

  async putInlinePolicy(caller: Caller, groupName: string, policyName: string, document: string): Promise<void> {
    await this.groupMutation(caller, groupName, 'iam:PutGroupPolicy', () => ({ type: 'PutGroupPolicy', policyName, document }));
  }

  async deleteInlinePolicy(caller: Caller, groupName: string, policyName: string): Promise<void> {
    await this.groupMutation(caller, groupName, 'iam:DeleteGroupPolicy', () => ({ type: 'DeleteGroupPolicy', policyName }));
  }
}
