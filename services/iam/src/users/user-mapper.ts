import type { UserRow } from '@warden/db';
import type { User } from './user.js';

export function toUser(row: UserRow): User {
  return {
    accountId: row.account_id,
    userId: row.user_id,
    userName: row.user_name,
    path: row.path,
    arn: row.arn,
    permissionsBoundaryArn: row.permissions_boundary_arn,
    tags: row.tags,
    createdAt: row.created_at,
  };
}
