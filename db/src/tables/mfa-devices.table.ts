import type { ColumnType, JSONColumnType, Selectable } from 'kysely';

/**
 * Virtual MFA devices (RFC 6238 TOTP). The seed is encrypted under the keyring; `last_used_step` is
 * the newest time step whose code was accepted, so a code is accepted once only.
 */
export interface MfaDevicesTable {
  account_id: string;
  device_id: string;
  /** arn:PARTITION:iam::ACCOUNT:mfa/PATH/NAME */
  serial_number: string;
  device_name: string;
  path: string;
  seed: JSONColumnType<{ keyId: string; iv: string; ciphertext: string; tag: string }>;
  /** The user id it is enabled for, `root` for the root user, null while unassigned. */
  owner_id: string | null;
  owner_name: string | null;
  enabled_at: Date | null;
  /** int8, so a string when read. */
  last_used_step: ColumnType<string, string | number | undefined, string | number>;
  /** Steps the device's clock is ahead (positive) or behind, learned by resynchronization. */
  drift_steps: ColumnType<number, number | undefined, number>;
  tags: JSONColumnType<{ key: string; value: string }[]>;
  created_at: Date;
}

export type MfaDeviceRow = Selectable<MfaDevicesTable>;
