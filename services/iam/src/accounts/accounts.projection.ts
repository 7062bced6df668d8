import type { Database, StoredEvent } from '@warden/db';
import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { AccountEvent } from './account.events.js';

export async function projectAccountEvent(trx: Transaction<Database>, stored: StoredEvent, event: AccountEvent): Promise<void> {
  const accountId = stored.accountId;
  const at = stored.occurredAt;
  switch (event.type) {
    case 'AccountCreated':
      await trx
        .insertInto('accounts')
        .values({ account_id: accountId, alias: null, name: event.data.name, is_management: event.data.isManagement, quotas: '{}', settings: '{}', created_at: at })
        .execute();
      return;
    case 'AccountClosed':
      await trx.updateTable('accounts').set({ status: 'CLOSED', closed_at: at }).where('account_id', '=', accountId).execute();
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
        .set({ quotas: withKeys('quotas', event.data.quotas) })
        .where('account_id', '=', accountId)
        .execute();
      return;
    case 'AccountSettingsUpdated':
      await trx
        .updateTable('accounts')
        .set({ settings: withKeys('settings', event.data.settings) })
        .where('account_id', '=', accountId)
        .execute();
      return;
    case 'AccountPasswordPolicyUpdated':
      await trx
        .updateTable('accounts')
        .set({ settings: withKeys('settings', { passwordPolicy: event.data.policy }) })
        .where('account_id', '=', accountId)
        .execute();
      return;
    case 'AccountPasswordPolicyDeleted':
      await trx
        .updateTable('accounts')
        .set({ settings: sql<string>`${sql.ref('settings')} - ${'passwordPolicy'}::text` })
        .where('account_id', '=', accountId)
        .execute();
      return;
    case 'AccountReadCallRecordingSet':
      await trx.updateTable('accounts').set({ record_read_calls: event.data.enabled }).where('account_id', '=', accountId).execute();
      return;
    case 'RootLoginProfileSet':
      await trx
        .updateTable('accounts')
        .set({ root_login: JSON.stringify({ email: event.data.email, passwordHash: event.data.passwordHash, passwordChangedAt: at.toISOString() }) })
        .where('account_id', '=', accountId)
        .execute();
      return;
    case 'RootPasswordHashReencrypted':
      await trx
        .updateTable('accounts')
        .set({ root_login: withKeys('root_login', { passwordHash: event.data.passwordHash }) })
        .where('account_id', '=', accountId)
        .execute();
      return;
  }
}

/**
 * jsonb's `||` on a column of the account's row: the given keys set, the others kept. Typed as the
 * JSON text these columns are written with (their JSONColumnType update type).
 */
function withKeys(column: 'quotas' | 'settings' | 'root_login', changes: object): RawBuilder<string> {
  return sql<string>`${sql.ref(column)} || ${JSON.stringify(changes)}::jsonb`;
}
