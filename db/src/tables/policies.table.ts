import type { Selectable } from 'kysely';

/** Customer-managed policies. AWS-managed policies are built in and need no rows. */
export interface PoliciesTable {
  account_id: string;
  policy_id: string;
  policy_name: string;
  policy_name_key: string;
  path: string;
  arn: string;
  description: string | null;
  default_version_id: string;
  next_version_number: number;
  created_at: Date;
  updated_at: Date;
}

export type PolicyRow = Selectable<PoliciesTable>;
