import type { GroupRow } from '@warden/db';
import type { Group } from './group.js';

export function toGroup(row: GroupRow): Group {
  return { accountId: row.account_id, groupId: row.group_id, groupName: row.group_name, path: row.path, arn: row.arn, createdAt: row.created_at };
}
