import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';
import type { MfaDevice } from './mfa-device.js';
import { toMfaDevice } from './mfa-device-mapper.js';
import { enabledMfaDevices } from './mfa-device-lookups.js';

/** The devices enabled for an owner (a user id, or `root`), in the order they were enabled. */
export async function listMfaDevicesOf(db: Kysely<Database>, accountId: string, ownerId: string): Promise<MfaDevice[]> {
  return (await enabledMfaDevices(db, accountId, ownerId)).map(toMfaDevice);
}

/** The account's virtual devices, by serial number: those assigned to someone, those not, or all. */
export async function listVirtualMfaDevices(db: Kysely<Database>, accountId: string, assignment: 'Assigned' | 'Unassigned' | 'Any'): Promise<MfaDevice[]> {
  let query = db.selectFrom('mfa_devices').selectAll().where('account_id', '=', accountId);
  if (assignment === 'Assigned') query = query.where('owner_id', 'is not', null);
  if (assignment === 'Unassigned') query = query.where('owner_id', 'is', null);
  return (await query.orderBy('serial_number').execute()).map(toMfaDevice);
}
