import type { SamlProviderRow } from '@warden/db';
import type { SamlProvider } from './saml-provider.js';

export function toSamlProvider(row: SamlProviderRow): SamlProvider {
  return {
    accountId: row.account_id,
    arn: row.arn,
    name: row.name,
    providerId: row.provider_id,
    metadataDocument: row.metadata_document,
    entityId: row.entity_id,
    signingCertificates: row.signing_certificates,
    validUntil: row.valid_until,
    tags: row.tags,
    createdAt: row.created_at,
  };
}
