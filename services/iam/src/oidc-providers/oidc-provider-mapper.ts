import type { OidcProviderRow } from '@warden/db';
import type { OidcProvider } from './oidc-provider.js';

export function toOidcProvider(row: OidcProviderRow): OidcProvider {
  return {
    accountId: row.account_id,
    arn: row.arn,
    url: row.url,
    clientIds: row.client_ids,
    thumbprints: row.thumbprints,
    tags: row.tags,
    createdAt: row.created_at,
  };
}
