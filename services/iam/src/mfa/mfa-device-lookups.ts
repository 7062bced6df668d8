import type { Database, MfaDeviceRow } from '@warden/db';
import type { Kysely } from 'kysely';

/** MFA device reads, always filtered by account. `ownerId` is a user id, or `root`. */
export async function countEnabledMfaDevices(db: Kysely<Database>, accountId: string, ownerId: string): Promise<number> {
  const row = await db
    .selectFrom('mfa_devices')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('account_id', '=', accountId)
    .where('owner_id', '=', ownerId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export function enabledMfaDevices(db: Kysely<Database>, accountId: string, ownerId: string): Promise<MfaDeviceRow[]> {
  return db.selectFrom('mfa_devices').selectAll().where('account_id', '=', accountId).where('owner_id', '=', ownerId).orderBy('enabled_at').execute();
}

export function findMfaDevice(db: Kysely<Database>, accountId: string, serialNumber: string): Promise<MfaDeviceRow | undefined> {
  return db.selectFrom('mfa_devices').selectAll().where('account_id', '=', accountId).where('serial_number', '=', serialNumber).executeTakeFirst();
}
