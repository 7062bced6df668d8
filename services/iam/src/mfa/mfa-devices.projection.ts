import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import type { MfaDeviceEvent } from './mfa-device.events.js';

/** The MFA devices read model: one row per device of the account, until it is deleted. */
export async function projectMfaDeviceEvent(trx: Transaction<Database>, stored: StoredEvent, event: MfaDeviceEvent): Promise<void> {
  const accountId = stored.accountId;
  const deviceId = stored.streamId.slice('mfa-device/'.length);
  const device = () => trx.updateTable('mfa_devices').where('account_id', '=', accountId).where('device_id', '=', deviceId);
  switch (event.type) {
    case 'VirtualMFADeviceCreated': {
      const data = event.data;
      await trx
        .insertInto('mfa_devices')
        .values({
          account_id: accountId,
          device_id: deviceId,
          serial_number: data.serialNumber,
          device_name: data.deviceName,
          path: data.path,
          seed: JSON.stringify(data.seed),
          owner_id: null,
          owner_name: null,
          enabled_at: null,
          tags: JSON.stringify(data.tags),
          created_at: stored.occurredAt,
        })
        .execute();
      return;
    }
    case 'MFADeviceEnabled':
      await device().set({ owner_id: event.data.ownerId, owner_name: event.data.ownerName, enabled_at: stored.occurredAt, last_used_step: event.data.step, drift_steps: 0 }).execute();
      return;
    case 'MFADeviceDeactivated':
      await device().set({ owner_id: null, owner_name: null, enabled_at: null }).execute();
      return;
    case 'MFADeviceResynced':
      await device().set({ last_used_step: event.data.step, drift_steps: event.data.driftSteps }).execute();
      return;
    case 'MFACodeAccepted':
      await device().set({ last_used_step: event.data.step }).execute();
      return;
    case 'MFASeedReencrypted':
      await device()
        .set({ seed: JSON.stringify(event.data.seed) })
        .execute();
      return;
    case 'VirtualMFADeviceDeleted':
      await trx.deleteFrom('mfa_devices').where('account_id', '=', accountId).where('device_id', '=', deviceId).execute();
      return;
  }
}
