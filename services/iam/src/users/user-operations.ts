import { type Database, lockForAppend, type UserRow } from '@warden/db';
import type { Transaction } from 'kysely';
import { countEnabledMfaDevices } from '../mfa/mfa-device-lookups.js';
import { entityArn } from '../arns.js';
import type { Caller } from '../command-context.js';
import { InvalidInputError, NoSuchEntityError } from '../iam-error.js';
import type { Tag } from '../naming/index.js';
import { type IamCore, QUOTA_LOCKS } from '../service/iam-core.js';
import { findGroup, findUser, lockGroup, lockPolicy, requestTagContext, requireAttachablePolicy, requireGroup, requireUser, resourceTagContext } from '../service/lookups.js';
import { userDecider } from './user.decider.js';

/** The user operations of the API, each authorized as the IAM action of the same name. */
export interface CreateUserInput {
  readonly userName: string;
  readonly path?: string | null;
  readonly tags?: readonly Tag[] | null;
  readonly permissionsBoundary?: string | null;
}

export class UserOperations {
  constructor(private readonly core: IamCore) {}

  private arnFor(caller: Caller, user: UserRow | undefined, userName: string): string {
    return user?.arn ?? entityArn(this.core.partition, caller.accountId, 'user', '/', userName);
  }

  async create(caller: Caller, input: CreateUserInput): Promise<UserRow> {
    const path = input.path ?? '/';
    const userId = this.core.newId('AIDA');
    const arn = entityArn(this.core.partition, caller.accountId, 'user', path, input.userName);
    const context = { ...requestTagContext(input.tags ?? []), ...(input.permissionsBoundary ? { 'iam:PermissionsBoundary': input.permissionsBoundary } : {}) };
    await this.core.mutate(caller, { locks: [QUOTA_LOCKS.users] }, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:CreateUser', arn, context);
      if (input.permissionsBoundary) await requireAttachablePolicy(trx, caller.accountId, input.permissionsBoundary);
      await this.core.requireBelowQuota(trx, caller.accountId, 'users', (await this.core.quotas(trx, caller.accountId)).users, 'UsersPerAccount');
      return {
        action: 'iam:CreateUser',
        resource: arn,
        decider: userDecider,
        streamId: `user/${userId}`,
        command: {
          type: 'CreateUser' as const,
          userId,
          userName: input.userName,
          path,
          arn,
          tags: [...(input.tags ?? [])],
          permissionsBoundaryArn: input.permissionsBoundary ?? null,
        },
        lockKeys: [`user-name/${String(input.userName).toLowerCase()}`],
        extraContext: context,
      };
    });
    return this.core.read(caller, (trx) => requireUser(trx, caller.accountId, input.userName));
  }

  /**
   * AWS's UpdateUser: a new name, a new path, or both. A rename is a move, so the caller needs
   * iam:UpdateUser on the user's ARN and on the ARN it will have (UpdateUser, API reference). Both
   * names' lock keys are taken before anything is read: any other rename or move of this user, and
   * any create or rename to either name, waits for this one, so the name read here is the user's
   * name when it is decided, and the one that comes second sees the name taken or freed.
   */
  async update(caller: Caller, userName: string, input: { newUserName?: string | null; newPath?: string | null }): Promise<UserRow> {
    const newUserName = input.newUserName ?? null;
    const newPath = input.newPath ?? null;
    const nameKeys = [`user-name/${String(userName).toLowerCase()}`, ...(newUserName === null ? [] : [`user-name/${String(newUserName).toLowerCase()}`])];
    await this.core.mutate(caller, { locks: nameKeys }, async (trx) => {
      const user = await findUser(trx, caller.accountId, userName);
      const resource = this.arnFor(caller, user, userName);
      const context = resourceTagContext(user?.tags ?? []);
      await this.core.authorize(trx, caller, 'iam:UpdateUser', resource, context);
      if (!user) throw new NoSuchEntityError(`The user with name ${userName} cannot be found.`);
      const destination = entityArn(this.core.partition, caller.accountId, 'user', newPath ?? user.path, newUserName ?? user.user_name);
      await this.core.authorize(trx, caller, 'iam:UpdateUser', destination, context);
      const holder = newUserName === null ? undefined : await findUser(trx, caller.accountId, newUserName);
      return {
        action: 'iam:UpdateUser',
        resource,
        decider: userDecider,
        streamId: `user/${user.user_id}`,
        command: { type: 'UpdateUser' as const, newUserName, newPath, newNameTaken: holder !== undefined && holder.user_id !== user.user_id },
        lockKeys: nameKeys,
        extraContext: context,
      };
    });
    return this.current(caller, newUserName ?? userName);
  }

  /** The user as it is now, for answering a mutation the caller was just allowed to make (no second permission needed). */
  current(caller: Caller, userName: string): Promise<UserRow> {
    return this.core.read(caller, (trx) => requireUser(trx, caller.accountId, userName));
  }

  async get(caller: Caller, userName: string | undefined): Promise<UserRow> {
    return this.core.read(caller, async (trx) => {
      const name = userName ?? caller.userName;
      if (!name) throw new InvalidInputError('userName is required when the caller is not an IAM user.');
      const user = await findUser(trx, caller.accountId, name);
      await this.core.authorize(trx, caller, 'iam:GetUser', this.arnFor(caller, user, name));
      if (!user) throw new NoSuchEntityError(`The user with name ${name} cannot be found.`);
      return user;
    });
  }

  async list(caller: Caller, options: { pathPrefix?: string | null; after?: string | null; first: number }): Promise<UserRow[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListUsers', entityArn(this.core.partition, caller.accountId, 'user', options.pathPrefix ?? '/', '*'));
      let query = trx.selectFrom('users').selectAll().where('account_id', '=', caller.accountId);
      if (options.pathPrefix) query = query.where('path', 'like', `${options.pathPrefix.replace(/[\\%_]/g, '\\$&')}%`);
      if (options.after) query = query.where('user_name_key', '>', options.after);
      return query.orderBy('user_name_key').limit(options.first).execute();
    });
  }

  /**
   * One mutation of a user's stream. The caller is authorized first, with the condition keys the
   * request brings (the user's tags as aws:ResourceTag/*, and what the operation adds), before
   * anything else the request names is looked up, so a caller without the permission learns nothing.
   */
  private async userMutation(
    caller: Caller,
    userName: string,
    action: string,
    command: (user: UserRow, trx: Transaction<Database>) => Promise<Parameters<typeof userDecider.decide>[0]> | Parameters<typeof userDecider.decide>[0],
    options: { extra?: (trx: Parameters<Parameters<IamCore['mutate']>[1]>[0]) => Promise<void>; context?: Record<string, string | string[]> } = {},
  ) {
    await this.core.mutate(caller, async (trx) => {
      const user = await findUser(trx, caller.accountId, userName);
      const resource = this.arnFor(caller, user, userName);
      const context = { ...resourceTagContext(user?.tags ?? []), ...(options.context ?? {}) };
      await this.core.authorize(trx, caller, action, resource, context);
      if (!user) await requireUser(trx, caller.accountId, userName);
      await options.extra?.(trx);
      return { action, resource, decider: userDecider, streamId: `user/${user!.user_id}`, command: await command(user!, trx), extraContext: context };
    });
  }

  async delete(caller: Caller, userName: string): Promise<void> {
    await this.userMutation(caller, userName, 'iam:DeleteUser', async (user, trx) => {
      // Under the user's stream lock, which enabling an MFA device also takes: no device can be
      // enabled for the user between this count and the delete.
      await lockForAppend(trx, caller.accountId, `user/${user.user_id}`);
      return { type: 'DeleteUser', mfaDevices: await countEnabledMfaDevices(trx, caller.accountId, user.user_id) };
    });
  }

  async tag(caller: Caller, userName: string, tags: readonly Tag[]): Promise<void> {
    await this.userMutation(caller, userName, 'iam:TagUser', () => ({ type: 'TagUser', tags: [...tags] }), { context: requestTagContext(tags) });
  }

  async untag(caller: Caller, userName: string, tagKeys: readonly string[]): Promise<void> {
    await this.userMutation(caller, userName, 'iam:UntagUser', () => ({ type: 'UntagUser', tagKeys: [...tagKeys] }), { context: { 'aws:TagKeys': [...tagKeys] } });
  }

  async putPermissionsBoundary(caller: Caller, userName: string, policyArn: string): Promise<void> {
    await this.userMutation(caller, userName, 'iam:PutUserPermissionsBoundary', () => ({ type: 'PutUserPermissionsBoundary', policyArn }), {
      extra: (trx) => requireAttachablePolicy(trx, caller.accountId, policyArn),
      context: { 'iam:PermissionsBoundary': policyArn },
    });
  }

  async deletePermissionsBoundary(caller: Caller, userName: string): Promise<void> {
    await this.userMutation(caller, userName, 'iam:DeleteUserPermissionsBoundary', () => ({ type: 'DeleteUserPermissionsBoundary' }));
  }

  async attachPolicy(caller: Caller, userName: string, policyArn: string): Promise<void> {
    let quota = 0;
    await this.userMutation(caller, userName, 'iam:AttachUserPolicy', () => ({ type: 'AttachUserPolicy', policyArn, quota }), {
      extra: async (trx) => {
        await lockPolicy(trx, caller.accountId, policyArn);
        await requireAttachablePolicy(trx, caller.accountId, policyArn);
        quota = (await this.core.quotas(trx, caller.accountId)).managedPoliciesPerPrincipal;
      },
      context: { 'iam:PolicyARN': policyArn },
    });
  }

  async detachPolicy(caller: Caller, userName: string, policyArn: string): Promise<void> {
    await this.userMutation(caller, userName, 'iam:DetachUserPolicy', () => ({ type: 'DetachUserPolicy', policyArn }), { context: { 'iam:PolicyARN': policyArn } });
  }

  async putInlinePolicy(caller: Caller, userName: string, policyName: string, document: string): Promise<void> {
    await this.userMutation(caller, userName, 'iam:PutUserPolicy', () => ({ type: 'PutUserPolicy', policyName, document }));
  }

  async deleteInlinePolicy(caller: Caller, userName: string, policyName: string): Promise<void> {
    await this.userMutation(caller, userName, 'iam:DeleteUserPolicy', () => ({ type: 'DeleteUserPolicy', policyName }));
  }

  async addToGroup(caller: Caller, groupName: string, userName: string): Promise<void> {
    // AWS authorizes AddUserToGroup on the group.
    await this.core.mutate(caller, async (trx) => {
      const found = await findGroup(trx, caller.accountId, groupName);
      await this.core.authorize(trx, caller, 'iam:AddUserToGroup', found?.arn ?? entityArn(this.core.partition, caller.accountId, 'group', '/', groupName));
      if (found) await lockGroup(trx, caller.accountId, found.group_id);
      const group = await requireGroup(trx, caller.accountId, groupName);
      const user = await requireUser(trx, caller.accountId, userName);
      const quota = (await this.core.quotas(trx, caller.accountId)).groupsPerUser;
      return { action: 'iam:AddUserToGroup', resource: group.arn, decider: userDecider, streamId: `user/${user.user_id}`, command: { type: 'AddUserToGroup' as const, groupId: group.group_id, groupName: group.group_name, quota } };
    });
  }

  async removeFromGroup(caller: Caller, groupName: string, userName: string): Promise<void> {
    await this.core.mutate(caller, async (trx) => {
      const group = await requireGroup(trx, caller.accountId, groupName);
      const user = await requireUser(trx, caller.accountId, userName);
      return { action: 'iam:RemoveUserFromGroup', resource: group.arn, decider: userDecider, streamId: `user/${user.user_id}`, command: { type: 'RemoveUserFromGroup' as const, groupId: group.group_id, groupName: group.group_name } };
    });
  }
}

