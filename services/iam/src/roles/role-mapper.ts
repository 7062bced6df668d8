import type { RoleRow } from '@warden/db';
import type { Role } from './role.js';

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
