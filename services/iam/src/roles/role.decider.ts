import type { Decider } from '../decider.js';
import { DeleteConflictError, EntityAlreadyExistsError, InvalidInputError, NoSuchEntityError } from '../iam-error.js';
import { checkDescription, checkMaxSessionDuration, checkPath, checkRoleName, checkTagKeys, checkTags, type Tag, tagKeysThatRemove, tagsThatChange } from '../naming/index.js';
import { checkPolicyDocument } from '../policies/policy-document-check.js';
import { checkAttach, checkDeleteInline, checkDetach, checkPutInline } from '../policy-holders/principal-policies.js';
import { evolveRole, INITIAL_ROLE_STATE, type RoleEvent, type RoleState } from './role.events.js';

export type RoleCommand =
  | {
      type: 'CreateRole';
      roleId: string;
      roleName: string;
      path: string;
      arn: string;
      trustPolicy: string;
      description: string | null;
      maxSessionDuration: number;
      tags: Tag[];
      permissionsBoundaryArn: string | null;
    }
  | { type: 'DeleteRole' }
  | { type: 'UpdateRole'; description: string | null; maxSessionDuration: number | null }
  | { type: 'UpdateAssumeRolePolicy'; trustPolicy: string }
  | { type: 'TagRole'; tags: Tag[] }
  | { type: 'UntagRole'; tagKeys: string[] }
  | { type: 'PutRolePermissionsBoundary'; policyArn: string }
  | { type: 'DeleteRolePermissionsBoundary' }
  | { type: 'AttachRolePolicy'; policyArn: string; quota: number }
  | { type: 'DetachRolePolicy'; policyArn: string }
  | { type: 'PutRolePolicy'; policyName: string; document: string }
  | { type: 'DeleteRolePolicy'; policyName: string }
  /** AWS's "revoke active sessions": sessions issued before `before` are refused from now on. */
  | { type: 'RevokeRoleSessions'; before: Date };

function requireRole(state: RoleState): void {
  if (state.status !== 'active') throw new NoSuchEntityError('The role with the given name cannot be found.');
}

function check(problem: string | undefined): void {
  if (problem) throw new InvalidInputError(problem);
}

export function decideRole(command: RoleCommand, state: RoleState): RoleEvent[] {
  switch (command.type) {
    case 'CreateRole': {
      if (state.status !== 'none') throw new EntityAlreadyExistsError(`Role with name ${command.roleName} already exists.`);
      check(checkRoleName(command.roleName));
      check(checkPath(command.path));
      check(command.description === null ? undefined : checkDescription(command.description));
      check(checkMaxSessionDuration(command.maxSessionDuration));
      check(checkTags(command.tags));
      checkPolicyDocument(command.trustPolicy, 'trust');
      const { type: _type, ...data } = command;
      return [{ type: 'RoleCreated', data }];
    }
    case 'DeleteRole': {
      requireRole(state);
      const blockers = [state.policies.attached.length > 0 ? 'attached policies' : undefined, Object.keys(state.policies.inline).length > 0 ? 'inline policies' : undefined].filter(
        (blocker) => blocker !== undefined,
      );
      if (blockers.length > 0) throw new DeleteConflictError(`Cannot delete entity, must remove ${blockers.join(', ')} first.`);
      return [{ type: 'RoleDeleted', data: { roleId: state.roleId, roleName: state.roleName } }];
    }
    case 'UpdateRole': {
      requireRole(state);
      const description = command.description ?? state.description;
      const maxSessionDuration = command.maxSessionDuration ?? state.maxSessionDuration;
      check(description === null ? undefined : checkDescription(description));
      check(checkMaxSessionDuration(maxSessionDuration));
      return [{ type: 'RoleUpdated', data: { description, maxSessionDuration } }];
    }
    case 'UpdateAssumeRolePolicy':
      requireRole(state);
      checkPolicyDocument(command.trustPolicy, 'trust');
      return [{ type: 'AssumeRolePolicyUpdated', data: { trustPolicy: command.trustPolicy } }];
    case 'TagRole': {
      requireRole(state);
      const replaced = new Set(command.tags.map((tag) => tag.key.toLowerCase()));
      check(checkTags(command.tags, state.tags.filter((tag) => !replaced.has(tag.key.toLowerCase())).length));
      // The event records what changed: tags the role already has, as they are, are left out.
      const changed = tagsThatChange(state.tags, command.tags);
      return changed.length === 0 ? [] : [{ type: 'RoleTagged', data: { tags: changed } }];
    }
    case 'UntagRole': {
      requireRole(state);
      // AWS refuses more than 50 keys (UntagRole's TagKeys) even when the role has none of them.
      check(checkTagKeys(command.tagKeys));
      const removed = tagKeysThatRemove(state.tags, command.tagKeys);
      return removed.length === 0 ? [] : [{ type: 'RoleUntagged', data: { tagKeys: removed } }];
    }
    case 'PutRolePermissionsBoundary':
      requireRole(state);
      return [{ type: 'RolePermissionsBoundaryPut', data: { policyArn: command.policyArn } }];
    case 'DeleteRolePermissionsBoundary':
      requireRole(state);
      if (state.permissionsBoundaryArn === null) throw new NoSuchEntityError('The role has no permissions boundary.');
      return [{ type: 'RolePermissionsBoundaryDeleted', data: {} }];
    case 'AttachRolePolicy':
      requireRole(state);
      return checkAttach(state.policies, command.policyArn, command.quota) ? [{ type: 'PolicyAttachedToRole', data: { policyArn: command.policyArn } }] : [];
    case 'DetachRolePolicy':
      requireRole(state);
      checkDetach(state.policies, command.policyArn, `role ${state.roleName}`);
      return [{ type: 'PolicyDetachedFromRole', data: { policyArn: command.policyArn } }];
    case 'PutRolePolicy':
      requireRole(state);
      checkPutInline(state.policies, command.policyName, command.document, 'role');
      return [{ type: 'RolePolicyPut', data: { policyName: command.policyName, document: command.document } }];
    case 'DeleteRolePolicy':
      requireRole(state);
      checkDeleteInline(state.policies, command.policyName, 'role');
      return [{ type: 'RolePolicyDeleted', data: { policyName: command.policyName } }];
    case 'RevokeRoleSessions': {
      requireRole(state);
      const before = command.before.toISOString();
      // Revocation only ever moves forward: an earlier cut-off would re-admit revoked sessions.
      if (state.sessionsRevokedBefore !== null && state.sessionsRevokedBefore >= before) return [];
      return [{ type: 'RoleSessionsRevoked', data: { before } }];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export const roleDecider: Decider<RoleCommand, RoleEvent, RoleState> = {
  initialState: INITIAL_ROLE_STATE,
  evolve: evolveRole,
  decide: decideRole,
};
