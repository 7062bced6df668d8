import { movedEntityArn } from '../kernel/arns.js';
import type { Decider } from '../kernel/decider.js';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import { EntityAlreadyExistsError, LimitExceededError, NoSuchEntityError, requireValidInput } from '../kernel/iam-error.js';
import { checkPath, checkTags, checkUserName, type Tag } from '../naming/index.js';
import { decideTaggedHolderCommand, policyDeleteBlockers, requireHolder, requireNewHolder, requireNothingToRemove } from '../policy-holders/policy-holder.decider.js';
import type { PolicyCommand, TagAndBoundaryCommand } from '../policy-holders/policy-holder.decider.js';
import { evolveUser, INITIAL_USER_STATE, type UserEvent, type UserState } from './user.events.js';

/**
 * The rules of a user: AWS's names and limits, and AWS's delete rule (a user with access keys,
 * policies or groups cannot be deleted).
 */
export type UserCommand =
  | { type: 'CreateUser'; userId: string; userName: string; path: string; arn: string; tags: Tag[]; permissionsBoundaryArn: string | null }
  /** `mfaDevices`: how many MFA devices are enabled for the user (they live in their own streams). */
  | { type: 'DeleteUser'; mfaDevices?: number }
  /**
   * AWS's UpdateUser: a new name, a new path, or both (null leaves it as it is). `newNameTaken`:
   * another user has the new name in some case, as read under the name's lock key.
   */
  | { type: 'UpdateUser'; newUserName: string | null; newPath: string | null; newNameTaken: boolean }
  /** TagUser, UntagUser, PutUserPermissionsBoundary, DeleteUserPermissionsBoundary. */
  | TagAndBoundaryCommand<'user'>
  /** AttachUserPolicy, DetachUserPolicy, PutUserPolicy, DeleteUserPolicy. */
  | PolicyCommand<'user'>
  | { type: 'AddUserToGroup'; groupId: string; groupName: string; quota: number }
  | { type: 'RemoveUserFromGroup'; groupId: string; groupName: string }
  | { type: 'CreateAccessKey'; accessKeyId: string; secret: EncryptedSecretData; quota: number }
  | { type: 'UpdateAccessKey'; accessKeyId: string; status: 'Active' | 'Inactive'; reason?: string }
  | { type: 'DeleteAccessKey'; accessKeyId: string }
  /** Key rotation: the same secret, encrypted under the keyring's active key. */
  | { type: 'ReencryptAccessKeySecret'; accessKeyId: string; secret: EncryptedSecretData }
  /** Passwords arrive hashed (argon2id) and encrypted: the decider never sees one in the clear. */
  | { type: 'CreateLoginProfile'; passwordHash: EncryptedSecretData; passwordResetRequired: boolean }
  | { type: 'UpdateLoginProfile'; passwordHash: EncryptedSecretData | null; passwordResetRequired: boolean }
  | { type: 'DeleteLoginProfile' }
  | { type: 'ChangePassword'; passwordHash: EncryptedSecretData }
  /** Key rotation: the same password hash, encrypted under the keyring's active key. */
  | { type: 'ReencryptPasswordHash'; passwordHash: EncryptedSecretData; previousPasswordHashes: readonly EncryptedSecretData[] };

function requireKey(state: UserState, accessKeyId: string): void {
  if (!(accessKeyId in state.accessKeys)) throw new NoSuchEntityError(`The Access Key with id ${accessKeyId} cannot be found.`);
}

export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'CreateUser': {
      requireNewHolder('user', state, command.userName, command.path);
      requireValidInput(checkTags(command.tags));
      const { type: _type, ...data } = command;
      return [{ type: 'UserCreated', data }];
    }
    case 'DeleteUser': {
      requireHolder('user', state);
      requireNothingToRemove([
        state.hasLoginProfile ? 'the login profile' : undefined,
        Object.keys(state.accessKeys).length > 0 ? 'access keys' : undefined,
        ...policyDeleteBlockers(state.policies),
        state.groupIds.length > 0 ? 'group memberships' : undefined,
        (command.mfaDevices ?? 0) > 0 ? 'MFA devices' : undefined,
      ]);
      return [{ type: 'UserDeleted', data: { userId: state.userId, userName: state.userName } }];
    }
    case 'UpdateUser': {
      requireHolder('user', state);
      if (command.newUserName !== null) requireValidInput(checkUserName(command.newUserName, 'NewUserName'));
      if (command.newPath !== null) requireValidInput(checkPath(command.newPath, 'NewPath'));
      const userName = command.newUserName ?? state.userName;
      const path = command.newPath ?? state.path;
      if (userName === state.userName && path === state.path) return [];
      // Names are unique whatever their case, so the user's own name in another case is no conflict.
      if (command.newNameTaken && userName.toLowerCase() !== state.userName.toLowerCase()) throw new EntityAlreadyExistsError(`User with name ${userName} already exists.`);
      // The user keeps its id, and with it its policies, groups, keys and devices (IAM User Guide,
      // "Renaming an IAM user"); only what is written under its name changes.
      return [{ type: 'UserUpdated', data: { userName, path, arn: movedEntityArn(state.arn, 'user', path, userName) } }];
    }
    case 'AddUserToGroup':
      requireHolder('user', state);
      if (state.groupIds.includes(command.groupId)) return [];
      if (state.groupIds.length >= command.quota) throw new LimitExceededError(`Cannot exceed quota for GroupsPerUser: ${command.quota}.`);
      return [{ type: 'UserAddedToGroup', data: { groupId: command.groupId, groupName: command.groupName } }];
    case 'RemoveUserFromGroup':
      requireHolder('user', state);
      if (!state.groupIds.includes(command.groupId)) throw new NoSuchEntityError(`The user ${state.userName} is not in group ${command.groupName}.`);
      return [{ type: 'UserRemovedFromGroup', data: { groupId: command.groupId, groupName: command.groupName } }];
    case 'CreateAccessKey':
      requireHolder('user', state);
      if (Object.keys(state.accessKeys).length >= command.quota) throw new LimitExceededError(`Cannot exceed quota for AccessKeysPerUser: ${command.quota}.`);
      return [{ type: 'AccessKeyCreated', data: { accessKeyId: command.accessKeyId, secret: command.secret } }];
    case 'UpdateAccessKey':
      requireHolder('user', state);
      requireKey(state, command.accessKeyId);
      if (state.accessKeys[command.accessKeyId] === command.status) return [];
      return [{ type: 'AccessKeyStatusUpdated', data: { accessKeyId: command.accessKeyId, status: command.status, ...(command.reason ? { reason: command.reason } : {}) } }];
    case 'DeleteAccessKey':
      requireHolder('user', state);
      requireKey(state, command.accessKeyId);
      return [{ type: 'AccessKeyDeleted', data: { accessKeyId: command.accessKeyId } }];
    case 'CreateLoginProfile':
      requireHolder('user', state);
      if (state.hasLoginProfile) throw new EntityAlreadyExistsError(`Login Profile for user ${state.userName} already exists.`);
      return [{ type: 'LoginProfileCreated', data: { passwordHash: command.passwordHash, passwordResetRequired: command.passwordResetRequired } }];
    case 'UpdateLoginProfile':
      requireHolder('user', state);
      if (!state.hasLoginProfile) throw new NoSuchEntityError(`Login Profile for User ${state.userName} cannot be found.`);
      return [{ type: 'LoginProfileUpdated', data: { passwordHash: command.passwordHash, passwordResetRequired: command.passwordResetRequired } }];
    case 'DeleteLoginProfile':
      requireHolder('user', state);
      if (!state.hasLoginProfile) throw new NoSuchEntityError(`Login Profile for User ${state.userName} cannot be found.`);
      return [{ type: 'LoginProfileDeleted', data: {} }];
    case 'ChangePassword':
      requireHolder('user', state);
      if (!state.hasLoginProfile) throw new NoSuchEntityError(`Login Profile for User ${state.userName} cannot be found.`);
      return [{ type: 'PasswordChanged', data: { passwordHash: command.passwordHash } }];
    case 'ReencryptPasswordHash':
      // A profile deleted meanwhile has nothing left to re-encrypt.
      if (state.status !== 'active' || !state.hasLoginProfile) return [];
      return [{ type: 'PasswordHashReencrypted', data: { passwordHash: command.passwordHash, previousPasswordHashes: command.previousPasswordHashes } }];
    case 'ReencryptAccessKeySecret':
      // A key deleted meanwhile has nothing left to re-encrypt.
      if (state.status !== 'active' || !(command.accessKeyId in state.accessKeys)) return [];
      return [{ type: 'AccessKeySecretReencrypted', data: { accessKeyId: command.accessKeyId, secret: command.secret } }];
    default:
      // What every policy holder takes; the types leave nothing else here.
      return decideTaggedHolderCommand('user', command, state, state.userName);
  }
}

export const userDecider: Decider<UserCommand, UserEvent, UserState> = { initialState: INITIAL_USER_STATE, evolve: evolveUser, decide: decideUser };
