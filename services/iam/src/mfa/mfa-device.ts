import type { Tag } from '../naming/index.js';

/** A virtual MFA device (RFC 6238 TOTP). Its seed never leaves the write side. */
export interface MfaDevice {
  readonly accountId: string;
  /** The device's ARN: arn:PARTITION:iam::ACCOUNT:mfa/PATH/NAME. */
  readonly serialNumber: string;
  readonly deviceName: string;
  readonly path: string;
  /** The user it is enabled for, `root` for the root user; null while unassigned. */
  readonly userName: string | null;
  readonly enabledAt: Date | null;
  readonly tags: readonly Tag[];
  readonly createdAt: Date;
}
