import type { MfaDeviceRow } from '@warden/db';
import type { MfaDevice } from './mfa-device.js';

export function toMfaDevice(row: MfaDeviceRow): MfaDevice {
  return {
    accountId: row.account_id,
    serialNumber: row.serial_number,
    deviceName: row.device_name,
    path: row.path,
    userName: row.owner_name,
    enabledAt: row.enabled_at,
    tags: row.tags,
    createdAt: row.created_at,
  };
}
