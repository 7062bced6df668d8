import type { Selectable } from 'kysely';

export interface UsersTable {
  account_id: string;
  user_id: string;
  user_name: string;
  /** IAM user names are unique case-insensitively within an account. */
  user_name_key: string;
  path: string;
  arn: string;
  permissions_boundary_arn: string | null;
  tags: { key: string; value: string }[];
  created_at: Date;
}

export type UserRow = Selectable<UsersTable>;
