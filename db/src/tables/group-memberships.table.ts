import type { Selectable } from 'kysely';

export interface GroupMembershipsTable {
  account_id: string;
  group_id: string;
  user_id: string;
  added_at: Date;
}

export type GroupMembershipRow = Selectable<GroupMembershipsTable>;
