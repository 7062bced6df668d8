import type { UserRow } from '@warden/db';
import type { User } from './user.js';
import type { UserState } from './user.events.js';

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

/** The user as a write of its stream left it: `row` as the write found it, with what the stream's events set taken from `state` (`HolderRecords.shownAfter`). */
export function toUserAfter(row: UserRow, state: UserState): User {
  return toUser({ ...row, user_name: state.userName, path: state.path, arn: state.arn, tags: [...state.tags], permissions_boundary_arn: state.permissionsBoundaryArn });
}
