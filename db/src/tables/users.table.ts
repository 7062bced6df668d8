import type { JSONColumnType, Selectable } from 'kysely';

export interface UsersTable {
  account_id: string;
  user_id: string;
  user_name: string;
  /** IAM user names are unique case-insensitively within an account. */
  user_name_key: string;
  path: string;
  arn: string;
  permissions_boundary_arn: string | null;
  tags: JSONColumnType<{ key: string; value: string }[]>;
  /** The console password: its argon2id hash encrypted under the keyring; null without one. */
  login_profile: JSONColumnType<LoginProfileRow | null, string | null, string | null>;
  created_at: Date;
}

export type UserRow = Selectable<UsersTable>;

export interface LoginProfileRow {
  readonly passwordHash: { keyId: string; iv: string; ciphertext: string; tag: string };
  readonly passwordResetRequired: boolean;
  readonly createdAt: string;
  readonly passwordChangedAt: string;
  /**
   * The hashes of earlier passwords, newest first, at most 24 (AWS's largest reuse-prevention
   * setting), each encrypted like the current one: what password reuse prevention checks against.
   */
  readonly previousPasswordHashes?: readonly { keyId: string; iv: string; ciphertext: string; tag: string }[];
}
