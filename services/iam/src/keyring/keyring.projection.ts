import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import type { KeyringEvent } from './keyring.events.js';

export async function projectKeyringEvent(trx: Transaction<Database>, stored: StoredEvent, event: KeyringEvent): Promise<void> {
  switch (event.type) {
    case 'KeyringDataKeyCreated':
      if (event.data.activate) await trx.updateTable('keyring_keys').set({ active: false }).where('active', '=', true).execute();
      await trx.insertInto('keyring_keys').values({ key_id: event.data.keyId, wrapped: event.data.wrapped, created_at: stored.occurredAt, active: event.data.activate }).execute();
      return;
    case 'KeyringDataKeyRetired':
      await trx.deleteFrom('keyring_keys').where('key_id', '=', event.data.keyId).where('active', '=', false).execute();
      return;
  }
}
