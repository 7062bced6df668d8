import type { Selectable } from 'kysely';

export interface GroupsTable {
  account_id: string;
  group_id: string;
  group_name: string;
  group_name_key: string;
  path: string;
  arn: string;
  created_at: Date;
}

export type GroupRow = Selectable<GroupsTable>;
