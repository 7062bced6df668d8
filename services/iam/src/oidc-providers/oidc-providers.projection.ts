import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import { caseSensitiveTags } from '../naming/index.js';
import type { OidcProviderEvent } from './oidc-provider.events.js';

export async function projectOidcProviderEvent(trx: Transaction<Database>, stored: StoredEvent, event: OidcProviderEvent): Promise<void> {
  const accountId = stored.accountId;
  const providerId = stored.streamId.slice('oidc-provider/'.length);
  const row = () => trx.selectFrom('oidc_providers').selectAll().where('account_id', '=', accountId).where('provider_id', '=', providerId).executeTakeFirstOrThrow();
  const update = () => trx.updateTable('oidc_providers').where('account_id', '=', accountId).where('provider_id', '=', providerId);
  switch (event.type) {
    case 'OpenIDConnectProviderCreated':
      await trx
        .insertInto('oidc_providers')
        .values({
          account_id: accountId,
          provider_id: providerId,
          arn: event.data.arn,
          url: event.data.url,
          client_ids: JSON.stringify(event.data.clientIds),
          thumbprints: JSON.stringify(event.data.thumbprints),
          tags: JSON.stringify(event.data.tags),
          created_at: stored.occurredAt,
        })
        .execute();
      return;
    case 'ClientIDAddedToOpenIDConnectProvider': {
      const { client_ids } = await row();
      await update()
        .set({ client_ids: JSON.stringify([...client_ids, event.data.clientId]) })
        .execute();
      return;
    }
    case 'ClientIDRemovedFromOpenIDConnectProvider': {
      const { client_ids } = await row();
      await update()
        .set({ client_ids: JSON.stringify(client_ids.filter((clientId) => clientId !== event.data.clientId)) })
        .execute();
      return;
    }
    case 'OpenIDConnectProviderThumbprintUpdated':
      await update()
        .set({ thumbprints: JSON.stringify(event.data.thumbprints) })
        .execute();
      return;
    case 'OpenIDConnectProviderTagged':
    case 'OpenIDConnectProviderUntagged': {
      const { tags } = await row();
      await update()
        .set({ tags: JSON.stringify(caseSensitiveTags.afterChange(tags, event.data)) })
        .execute();
      return;
    }
    case 'OpenIDConnectProviderDeleted':
      await trx.deleteFrom('oidc_providers').where('account_id', '=', accountId).where('provider_id', '=', providerId).execute();
      return;
  }
}
