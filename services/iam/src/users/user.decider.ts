import { movedEntityArn } from '../arns.js';
import type { Decider } from '../decider.js';
import type { EncryptedSecretData } from '../access-keys/access-key.types.js';
import { DeleteConflictError, EntityAlreadyExistsError, InvalidInputError, LimitExceededError, NoSuchEntityError } from '../iam-error.js';
import { checkPath, checkTagKeys, checkTags, checkUserName, type Tag, tagKeysThatRemove, tagsThatChange } from '../naming/index.js';
import { checkAttach, checkDeleteInline, checkDetach, checkPutInline } from '../policy-holders/principal-policies.js';
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
  | { type: 'TagUser'; tags: Tag[] }
  | { type: 'UntagUser'; tagKeys: string[] }
  | { type: 'PutUserPermissionsBoundary'; policyArn: string }
  | { type: 'DeleteUserPermissionsBoundary' }
  | { type: 'AttachUserPolicy'; policyArn: string; quota: number }
  | { type: 'DetachUserPolicy'; policyArn: string }
  | { type: 'PutUserPolicy'; policyName: string; document: string }
  | { type: 'DeleteUserPolicy'; policyName: string }
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

function requireUser(state: UserState): void {
  if (state.status !== 'active') throw new NoSuchEntityError('The user with the given name cannot be found.');
}

function requireKey(state: UserState, accessKeyId: string): void {
  if (!(accessKeyId in state.accessKeys)) throw new NoSuchEntityError(`The Access Key with id ${accessKeyId} cannot be found.`);
}

function check(problem: string | undefined): void {
  if (problem) throw new InvalidInputError(problem);
}

export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'CreateUser': {
      if (state.status !== 'none') throw new EntityAlreadyExistsError(`User with name ${command.userName} already exists.`);
      check(checkUserName(command.userName));
      check(checkPath(command.path));
      check(checkTags(command.tags));
      const { type: _type, ...data } = command;
      return [{ type: 'UserCreated', data }];
    }
    case 'DeleteUser': {
      requireUser(state);
      const blockers = [
        state.hasLoginProfile ? 'the login profile' : undefined,
        Object.keys(state.accessKeys).length > 0 ? 'access keys' : undefined,
        state.policies.attached.length > 0 ? 'attached policies' : undefined,
        Object.keys(state.policies.inline).length > 0 ? 'inline policies' : undefined,
        state.groupIds.length > 0 ? 'group memberships' : undefined,
        (command.mfaDevices ?? 0) > 0 ? 'MFA devices' : undefined,
      ].filter((blocker) => blocker !== undefined);
      if (blockers.length > 0) throw new DeleteConflictError(`Cannot delete entity, must remove ${blockers.join(', ')} first.`);
      return [{ type: 'UserDeleted', data: { userId: state.userId, userName: state.userName } }];
    }
    case 'UpdateUser': {
      requireUser(state);
      if (command.newUserName !== null) check(checkUserName(command.newUserName, 'NewUserName'));
      if (command.newPath !== null) check(checkPath(command.newPath, 'NewPath'));
      const userName = command.newUserName ?? state.userName;
      const path = command.newPath ?? state.path;
      if (userName === state.userName && path === state.path) return [];
      // Names are unique whatever their case, so the user's own name in another case is no conflict.
      if (command.newNameTaken && userName.toLowerCase() !== state.userName.toLowerCase()) throw new EntityAlreadyExistsError(`User with name ${userName} already exists.`);
      // The user keeps its id, and with it its policies, groups, keys and devices (IAM User Guide,
      // "Renaming an IAM user"); only what is written under its name changes.
      return [{ type: 'UserUpdated', data: { userName, path, arn: movedEntityArn(state.arn, 'user', path, userName) } }];
    }
    case 'TagUser': {
      requireUser(state);
      const replaced = new Set(command.tags.map((tag) => tag.key.toLowerCase()));
      check(checkTags(command.tags, state.tags.filter((tag) => !replaced.has(tag.key.toLowerCase())).length));
      // The event records what changed: tags the user already has, as they are, are left out.
      const changed = tagsThatChange(state.tags, command.tags);
      return changed.length === 0 ? [] : [{ type: 'UserTagged', data: { tags: changed } }];
    }
    case 'UntagUser': {
      requireUser(state);
      // AWS refuses more than 50 keys (UntagUser's TagKeys) even when the user has none of them.
      check(checkTagKeys(command.tagKeys));
      const removed = tagKeysThatRemove(state.tags, command.tagKeys);
      return removed.length === 0 ? [] : [{ type: 'UserUntagged', data: { tagKeys: removed } }];
    }
    case 'PutUserPermissionsBoundary':
      requireUser(state);
      return [{ type: 'UserPermissionsBoundaryPut', data: { policyArn: command.policyArn } }];
    case 'DeleteUserPermissionsBoundary':
      requireUser(state);
      if (state.permissionsBoundaryArn === null) throw new NoSuchEntityError('The user has no permissions boundary.');
      return [{ type: 'UserPermissionsBoundaryDeleted', data: {} }];
    case 'AttachUserPolicy':
      requireUser(state);
      return checkAttach(state.policies, command.policyArn, command.quota) ? [{ type: 'PolicyAttachedToUser', data: { policyArn: command.policyArn } }] : [];
    case 'DetachUserPolicy':
      requireUser(state);
      checkDetach(state.policies, command.policyArn, `user ${state.userName}`);
      return [{ type: 'PolicyDetachedFromUser', data: { policyArn: command.policyArn } }];
    case 'PutUserPolicy':
      requireUser(state);
      checkPutInline(state.policies, command.policyName, command.document, 'user');
      return [{ type: 'UserPolicyPut', data: { policyName: command.policyName, document: command.document } }];
    case 'DeleteUserPolicy':
      requireUser(state);
      checkDeleteInline(state.policies, command.policyName, 'user');
      return [{ type: 'UserPolicyDeleted', data: { policyName: command.policyName } }];
    case 'AddUserToGroup':
      requireUser(state);
      if (state.groupIds.includes(command.groupId)) return [];
      if (state.groupIds.length >= command.quota) throw new LimitExceededError(`Cannot exceed quota for GroupsPerUser: ${command.quota}.`);
      return [{ type: 'UserAddedToGroup', data: { groupId: command.groupId, groupName: command.groupName } }];
    case 'RemoveUserFromGroup':
      requireUser(state);
      if (!state.groupIds.includes(command.groupId)) throw new NoSuchEntityError(`The user ${state.userName} is not in group ${command.groupName}.`);
      return [{ type: 'UserRemovedFromGroup', data: { groupId: command.groupId, groupName: command.groupName } }];
    case 'CreateAccessKey':
      requireUser(state);
      if (Object.keys(state.accessKeys).length >= command.quota) throw new LimitExceededError(`Cannot exceed quota for AccessKeysPerUser: ${command.quota}.`);
      return [{ type: 'AccessKeyCreated', data: { accessKeyId: command.accessKeyId, secret: command.secret } }];
    case 'UpdateAccessKey':
      requireUser(state);
      requireKey(state, command.accessKeyId);
      if (state.accessKeys[command.accessKeyId] === command.status) return [];
      return [{ type: 'AccessKeyStatusUpdated', data: { accessKeyId: command.accessKeyId, status: command.status, ...(command.reason ? { reason: command.reason } : {}) } }];
    case 'DeleteAccessKey':
      requireUser(state);
      requireKey(state, command.accessKeyId);
      return [{ type: 'AccessKeyDeleted', data: { accessKeyId: command.accessKeyId } }];
    case 'CreateLoginProfile':
      requireUser(state);
      if (state.hasLoginProfile) throw new EntityAlreadyExistsError(`Login Profile for user ${state.userName} already exists.`);
      return [{ type: 'LoginProfileCreated', data: { passwordHash: command.passwordHash, passwordResetRequired: command.passwordResetRequired } }];
    case 'UpdateLoginProfile':
      requireUser(state);
      if (!state.hasLoginProfile) throw new NoSuchEntityError(`Login Profile for User ${state.userName} cannot be found.`);
      return [{ type: 'LoginProfileUpdated', data: { passwordHash: command.passwordHash, passwordResetRequired: command.passwordResetRequired } }];
    case 'DeleteLoginProfile':
      requireUser(state);
      if (!state.hasLoginProfile) throw new NoSuchEntityError(`Login Profile for User ${state.userName} cannot be found.`);
      return [{ type: 'LoginProfileDeleted', data: {} }];
    case 'ChangePassword':
      requireUser(state);
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
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  initialState: INITIAL_USER_STATE,
  evolve: evolveUser,
  decide: decideUser,
};
