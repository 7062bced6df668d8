import type { RoleRow } from '@warden/db';
import type { Role } from './role.js';
import type { RoleState } from './role.events.js';

export function toRole(row: RoleRow): Role {
  return {
    accountId: row.account_id,
    roleId: row.role_id,
    roleName: row.role_name,
    path: row.path,
    arn: row.arn,
    trustPolicy: row.trust_policy,
    description: row.description,
    maxSessionDuration: row.max_session_duration,
    permissionsBoundaryArn: row.permissions_boundary_arn,
    tags: row.tags,
    createdAt: row.created_at,
  };
}

/** The role as a write of its stream left it: `row` as the write found it, with what the stream's events set taken from `state` (`HolderRecords.shownAfter`). */
export function toRoleAfter(row: RoleRow, state: RoleState): Role {
  return toRole({
    ...row,
    role_name: state.roleName,
    path: state.path,
    arn: state.arn,
    trust_policy: state.trustPolicy,
    description: state.description,
    max_session_duration: state.maxSessionDuration,
    tags: [...state.tags],
    permissions_boundary_arn: state.permissionsBoundaryArn,
  });
}
