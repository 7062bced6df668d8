import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import type { AccountEvent } from './account.events.js';

export async function projectAccountEvent(trx: Transaction<Database>, stored: StoredEvent, event: AccountEvent): Promise<void> {
  const accountId = stored.accountId;
  const at = stored.occurredAt;
  switch (event.type) {
    case 'AccountCreated':
      await trx
        .insertInto('accounts')
        .values({ account_id: accountId, alias: null, name: event.data.name, is_management: event.data.isManagement, quotas: {} as never, settings: {} as never, created_at: at })
        .execute();
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
        .set((eb) => ({ quotas: eb('quotas', '||', JSON.stringify(event.data.quotas) as never) }))
        .where('account_id', '=', accountId)
        .execute();
      return;
    case 'AccountSettingsUpdated':
      await trx
        .updateTable('accounts')
        .set((eb) => ({ settings: eb('settings', '||', JSON.stringify(event.data.settings) as never) }))
        .where('account_id', '=', accountId)
        .execute();
      return;
    case 'AccountPasswordPolicyUpdated':
      await trx
        .updateTable('accounts')
        .set((eb) => ({ settings: eb('settings', '||', JSON.stringify({ passwordPolicy: event.data.policy }) as never) }))
        .where('account_id', '=', accountId)
        .execute();
      return;
    case 'AccountPasswordPolicyDeleted':
      await trx
        .updateTable('accounts')
        .set((eb) => ({ settings: eb('settings', '-', 'passwordPolicy' as never) }))
        .where('account_id', '=', accountId)
        .execute();
      return;
    case 'RootLoginProfileSet':
      await trx
        .updateTable('accounts')
        .set({ root_login: JSON.stringify({ email: event.data.email, passwordHash: event.data.passwordHash, passwordChangedAt: at.toISOString() }) as never })
        .where('account_id', '=', accountId)
        .execute();
      return;
    case 'RootPasswordHashReencrypted':
      await trx
        .updateTable('accounts')
        .set((eb) => ({ root_login: eb('root_login', '||', JSON.stringify({ passwordHash: event.data.passwordHash }) as never) }))
        .where('account_id', '=', accountId)
        .execute();
      return;
  }
}
