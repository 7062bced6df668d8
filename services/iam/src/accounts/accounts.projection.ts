import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import type { AccountEvent } from './account.events.js';

export async function projectAccountEvent(trx: Transaction<Database>, stored: StoredEvent, event: AccountEvent): Promise<void> {
  const accountId = stored.accountId;
  const at = stored.occurredAt;
  switch (event.type) {
    case 'AccountCreated':
      await trx.insertInto('accounts').values({ account_id: accountId, alias: null, name: event.data.name, is_management: event.data.isManagement, quotas: {} as never, settings: {} as never, created_at: at }).execute();
      return;
    case 'AccountAliasCreated':
      await trx.updateTable('accounts').set({ alias: event.data.alias }).where('account_id', '=', accountId).execute();
      return;
    case 'AccountAliasDeleted':
      await trx.updateTable('accounts').set({ alias: null }).where('account_id', '=', accountId).where('alias', '=', event.data.alias).execute();
      return;
    case 'AccountQuotasUpdated':
      await trx
        .updateTable('accounts')
        .set((eb) => ({ quotas: eb('quotas', '||', JSON.stringify(event.data.quotas) as never) as never }))
        .where('account_id', '=', accountId)
        .execute();
      return;
    case 'AccountSettingsUpdated':
      await trx
        .updateTable('accounts')
        .set((eb) => ({ settings: eb('settings', '||', JSON.stringify(event.data.settings) as never) as never }))
        .where('account_id', '=', accountId)
        .execute();
      return;
    case 'RootAccessKeyCreated':
      await trx
        .insertInto('access_keys')
        .values({ account_id: accountId, access_key_id: event.data.accessKeyId, user_id: null, status: 'Active', secret: JSON.stringify(event.data.secret) as never, created_at: at })
        .execute();
      await trx.insertInto('access_key_lookup').values({ access_key_id: event.data.accessKeyId, account_id: accountId }).execute();
      return;
    case 'RootAccessKeyStatusUpdated':
      await trx.updateTable('access_keys').set({ status: event.data.status }).where('account_id', '=', accountId).where('access_key_id', '=', event.data.accessKeyId).execute();
      return;
    case 'RootAccessKeySecretReencrypted':
      await trx.updateTable('access_keys').set({ secret: JSON.stringify(event.data.secret) as never }).where('account_id', '=', accountId).where('access_key_id', '=', event.data.accessKeyId).execute();
      return;
    case 'RootAccessKeyDeleted':
      await trx.deleteFrom('access_keys').where('account_id', '=', accountId).where('access_key_id', '=', event.data.accessKeyId).execute();
      await trx.deleteFrom('access_key_lookup').where('access_key_id', '=', event.data.accessKeyId).execute();
      return;
  }
}
