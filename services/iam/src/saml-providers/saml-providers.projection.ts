import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import { caseSensitiveTags } from '../naming/index.js';
import type { SamlProviderEvent, SamlProviderMetadata } from './saml-provider.events.js';

function metadataColumns(metadata: SamlProviderMetadata) {
  return {
    metadata_document: metadata.metadataDocument,
    entity_id: metadata.entityId,
    signing_certificates: JSON.stringify(metadata.signingCertificates),
    valid_until: metadata.validUntil === null ? null : new Date(metadata.validUntil),
  };
}

export async function projectSamlProviderEvent(trx: Transaction<Database>, stored: StoredEvent, event: SamlProviderEvent): Promise<void> {
  const accountId = stored.accountId;
  const providerId = stored.streamId.slice('saml-provider/'.length);
  const update = () => trx.updateTable('saml_providers').where('account_id', '=', accountId).where('provider_id', '=', providerId);
  switch (event.type) {
    case 'SAMLProviderCreated':
      await trx
        .insertInto('saml_providers')
        .values({
          account_id: accountId,
          provider_id: providerId,
          arn: event.data.arn,
          name: event.data.name,
          ...metadataColumns(event.data),
          tags: JSON.stringify(event.data.tags),
          created_at: stored.occurredAt,
        })
        .execute();
      return;
    case 'SAMLProviderUpdated':
      await update().set(metadataColumns(event.data)).execute();
      return;
    case 'SAMLProviderTagged':
    case 'SAMLProviderUntagged': {
      const { tags } = await trx.selectFrom('saml_providers').select('tags').where('account_id', '=', accountId).where('provider_id', '=', providerId).executeTakeFirstOrThrow();
      await update()
        .set({ tags: JSON.stringify(caseSensitiveTags.afterChange(tags, event.data)) })
        .execute();
      return;
    }
    case 'SAMLProviderDeleted':
      await trx.deleteFrom('saml_providers').where('account_id', '=', accountId).where('provider_id', '=', providerId).execute();
      return;
  }
}
