import type { Decider } from '../kernel/decider.js';
import { requireValidInput } from '../kernel/iam-error.js';
import { checkDescription, checkMaxSessionDuration, checkTags, type Tag } from '../naming/index.js';
import { checkPolicyDocument } from '../policy-documents/policy-document-check.js';
import { decideTaggedHolderCommand, policyDeleteBlockers, requireHolder, requireNewHolder, requireNothingToRemove } from '../policy-holders/policy-holder.decider.js';
import type { PolicyCommand, TagAndBoundaryCommand } from '../policy-holders/policy-holder.decider.js';
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
  /** TagRole, UntagRole, PutRolePermissionsBoundary, DeleteRolePermissionsBoundary. */
  | TagAndBoundaryCommand<'role'>
  /** AttachRolePolicy, DetachRolePolicy, PutRolePolicy, DeleteRolePolicy. */
  | PolicyCommand<'role'>
  /** AWS's "revoke active sessions": sessions issued before `before` are refused from now on. */
  | { type: 'RevokeRoleSessions'; before: Date };

export function decideRole(command: RoleCommand, state: RoleState): RoleEvent[] {
  switch (command.type) {
    case 'CreateRole': {
      requireNewHolder('role', state, command.roleName, command.path);
      requireValidInput(command.description === null ? undefined : checkDescription(command.description));
      requireValidInput(checkMaxSessionDuration(command.maxSessionDuration));
      requireValidInput(checkTags(command.tags));
      const trustPolicyHash = checkPolicyDocument(command.trustPolicy, 'trust');
      const { type: _type, ...data } = command;
      return [{ type: 'RoleCreated', data: { ...data, trustPolicyHash } }];
    }
    case 'DeleteRole': {
      requireHolder('role', state);
      requireNothingToRemove(policyDeleteBlockers(state.policies));
      return [{ type: 'RoleDeleted', data: { roleId: state.roleId, roleName: state.roleName } }];
    }
    case 'UpdateRole': {
      requireHolder('role', state);
      const description = command.description ?? state.description;
      const maxSessionDuration = command.maxSessionDuration ?? state.maxSessionDuration;
      requireValidInput(description === null ? undefined : checkDescription(description));
      requireValidInput(checkMaxSessionDuration(maxSessionDuration));
      return [{ type: 'RoleUpdated', data: { description, maxSessionDuration } }];
    }
    case 'UpdateAssumeRolePolicy':
      requireHolder('role', state);
      return [{ type: 'AssumeRolePolicyUpdated', data: { trustPolicy: command.trustPolicy, trustPolicyHash: checkPolicyDocument(command.trustPolicy, 'trust') } }];
    case 'RevokeRoleSessions': {
      requireHolder('role', state);
      const before = command.before.toISOString();
      // Revocation only ever moves forward: an earlier cut-off would re-admit revoked sessions.
      if (state.sessionsRevokedBefore !== null && state.sessionsRevokedBefore >= before) return [];
      return [{ type: 'RoleSessionsRevoked', data: { before } }];
    }
    default:
      // What every policy holder takes; the types leave nothing else here.
      return decideTaggedHolderCommand('role', command, state, state.roleName);
  }
}

export const roleDecider: Decider<RoleCommand, RoleEvent, RoleState> = { initialState: INITIAL_ROLE_STATE, evolve: evolveRole, decide: decideRole };
