import type { GroupRow } from '@warden/db';
import type { Group } from './group.js';
import type { GroupState } from './group.events.js';

export function toGroup(row: GroupRow): Group {
  return { accountId: row.account_id, groupId: row.group_id, groupName: row.group_name, path: row.path, arn: row.arn, createdAt: row.created_at };
}

/** The group as a write of its stream left it: `row` as the write found it, with what the stream's events set taken from `state` (`HolderRecords.shownAfter`). */
export function toGroupAfter(row: GroupRow, state: GroupState): Group {
  return toGroup({ ...row, group_name: state.groupName, path: state.path, arn: state.arn });
}
