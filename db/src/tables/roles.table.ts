import type { JSONColumnType, Selectable } from 'kysely';

export interface RolesTable {
  account_id: string;
  role_id: string;
  role_name: string;
  role_name_key: string;
  path: string;
  arn: string;
  trust_policy: string;
  /** SHA-256 (hex) of `trust_policy` as validated when it was written (migration 0026). */
  trust_policy_hash: string;
  description: string | null;
  max_session_duration: number;
  permissions_boundary_arn: string | null;
  tags: JSONColumnType<{ key: string; value: string }[]>;
  /** Sessions of the role issued before this time are refused (revokeRoleSessions). */
  sessions_revoked_before: Date | null;
  created_at: Date;
}

export type RoleRow = Selectable<RolesTable>;
