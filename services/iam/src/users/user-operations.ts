import { streamLockKey, type UserRow } from '@warden/db';
import { countEnabledMfaDevices } from '../mfa/mfa-device-lookups.js';
import { entityArn } from '../kernel/arns.js';
import type { Caller } from '../kernel/command-context.js';
import { InvalidInputError, NoSuchEntityError } from '../kernel/iam-error.js';
import type { Tag } from '../naming/index.js';
import { type IamCore, QUOTA_LOCKS } from '../service/iam-core.js';
import { TaggedHolderOperations } from '../policy-holders/policy-holder-operations.js';
import { findUserRowByName } from './user-repository.js';
import { userNameKey } from '../kernel/lock-keys.js';
import { requestTagContext, resourceTagContext } from '../authorization/tag-context.js';
import { requireAttachablePolicy } from '../policies/attachable-policy.js';
import { appendTo } from '../service/write-spec.js';
import type { User } from './user.js';
import { findUserByName, listUsers, requireUserByName } from './user-repository.js';
import { type UserCommand, userDecider } from './user.decider.js';
import { toUserAfter } from './user-mapper.js';
import type { UserState } from './user.events.js';

/** The user operations of the API, each authorized as the IAM action of the same name. */
export interface CreateUserInput {
  readonly userName: string;
  readonly path?: string | null;
  readonly tags?: readonly Tag[] | null;
  readonly permissionsBoundary?: string | null;
}

export class UserOperations extends TaggedHolderOperations<'user', UserRow, UserCommand, User, UserState> {
  constructor(core: IamCore) {
    super(core, { kind: 'user', decider: userDecider, find: findUserRowByName, nameKey: userNameKey, idOf: (user) => user.user_id, nameOf: (user) => user.user_name, shownAfter: toUserAfter });
  }

  async create(caller: Caller, input: CreateUserInput): Promise<User> {
    const path = input.path ?? '/';
    const userId = this.core.newId('AIDA');
    const arn = entityArn(this.core.partition, caller.accountId, 'user', path, input.userName);
    const context = { ...requestTagContext(input.tags ?? []), ...(input.permissionsBoundary ? { 'iam:PermissionsBoundary': input.permissionsBoundary } : {}) };
    const nameKey = userNameKey(input.userName);
    const { answer } = await this.core.write(caller, {
      locks: [QUOTA_LOCKS.users, nameKey, streamLockKey(`user/${userId}`)],
      permissions: () => [{ action: 'iam:CreateUser', resource: arn, context }],
      appends: async (_loaded, trx) => {
        if (input.permissionsBoundary) await requireAttachablePolicy(trx, caller.accountId, input.permissionsBoundary);
        await this.core.requireBelowQuota(trx, caller.accountId, 'users', (await this.core.quotas(trx, caller.accountId)).users, 'UsersPerAccount');
        const command = { type: 'CreateUser' as const, userId, userName: input.userName, path, arn, tags: [...(input.tags ?? [])], permissionsBoundaryArn: input.permissionsBoundary ?? null };
        return appendTo(userDecider, `user/${userId}`, command, { lockKeys: [nameKey] });
      },
      answer: (trx) => requireUserByName(trx, caller.accountId, input.userName),
    });
    return answer;
  }

  /**
   * AWS's UpdateUser: a new name, a new path, or both. A rename is a move, so the caller needs
   * iam:UpdateUser on the user's ARN and on the ARN it will have (UpdateUser, API reference). Both
   * names' lock keys are taken before anything is read: any other rename or move of this user, and
   * any create or rename to either name, waits for this one, so the name read here is the user's
   * name when it is decided, and the one that comes second sees the name taken or freed.
   */
  async update(caller: Caller, userName: string, input: { newUserName?: string | null; newPath?: string | null }): Promise<User> {
    const newUserName = input.newUserName ?? null;
    const newPath = input.newPath ?? null;
    const nameKeys = [userNameKey(userName), ...(newUserName === null ? [] : [userNameKey(newUserName)])];
    const { answer } = await this.core.write(caller, {
      locks: nameKeys,
      load: async (trx) => {
        const user = await findUserRowByName(trx, caller.accountId, userName);
        const holder = user && newUserName !== null ? await findUserRowByName(trx, caller.accountId, newUserName) : undefined;
        return { user, holder };
      },
      lockedAfterLoad: ({ user }) => (user ? [streamLockKey(`user/${user.user_id}`)] : []),
      // The destination is asked only of a user that exists: a missing one is NoSuchEntity once the
      // caller may update its ARN.
      permissions: ({ user }) => {
        const context = resourceTagContext(user?.tags ?? []);
        const source = { action: 'iam:UpdateUser', resource: this.arnFor(caller, user, userName), context };
        if (!user) return [source];
        return [source, { action: 'iam:UpdateUser', resource: entityArn(this.core.partition, caller.accountId, 'user', newPath ?? user.path, newUserName ?? user.user_name), context }];
      },
      appends: ({ user, holder }) => {
        if (!user) throw new NoSuchEntityError(`The user with name ${userName} cannot be found.`);
        const command = { type: 'UpdateUser' as const, newUserName, newPath, newNameTaken: holder !== undefined && holder.user_id !== user.user_id };
        return appendTo(userDecider, `user/${user.user_id}`, command, { lockKeys: nameKeys });
      },
      answer: (trx) => requireUserByName(trx, caller.accountId, newUserName ?? userName),
    });
    return answer;
  }

  /** The user as it is now, for answering a mutation the caller was just allowed to make (no second permission needed). */
  current(caller: Caller, userName: string): Promise<User> {
    return this.core.read(caller, (trx) => requireUserByName(trx, caller.accountId, userName));
  }

  async get(caller: Caller, userName: string | undefined): Promise<User> {
    return this.core.read(caller, async (trx) => {
      const name = userName ?? caller.userName;
      if (!name) throw new InvalidInputError('userName is required when the caller is not an IAM user.');
      const user = await findUserByName(trx, caller.accountId, name);
      await this.core.authorize(trx, caller, 'iam:GetUser', this.arnFor(caller, user, name));
      if (!user) throw new NoSuchEntityError(`The user with name ${name} cannot be found.`);
      return user;
    });
  }

  /** A page of users in name-key order; `after` is the name key (`nameKey`) of the previous page's last user. */
  async list(caller: Caller, options: { pathPrefix?: string | null; after?: string | null; first: number }): Promise<User[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListUsers', entityArn(this.core.partition, caller.accountId, 'user', options.pathPrefix ?? '/', '*'));
      return listUsers(trx, caller.accountId, options);
    });
  }

  async delete(caller: Caller, userName: string): Promise<void> {
    await this.holderWrite(caller, userName, 'iam:DeleteUser', async (user, trx) => {
      // Under the user's stream lock, which enabling an MFA device also takes: no device can be
      // enabled for the user between this count and the delete.
      return { type: 'DeleteUser', mfaDevices: await countEnabledMfaDevices(trx, caller.accountId, user.user_id) };
    });
  }
}
