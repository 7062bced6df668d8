import type { JSONColumnType, Selectable } from 'kysely';

/**
 * The account's OpenID Connect identity providers. `url` is the issuer without `https://` (host and
 * optional path), as the provider's ARN ends: `arn:PARTITION:iam::ACCOUNT:oidc-provider/URL`.
 */
export interface OidcProvidersTable {
  account_id: string;
  provider_id: string;
  arn: string;
  url: string;
  /** The audiences (client ids) a token may be issued to, in the order they were added. */
  client_ids: JSONColumnType<string[]>;
  /** Hex SHA-1 thumbprints of the provider's certificates, upper or lower case as given. */
  thumbprints: JSONColumnType<string[]>;
  tags: JSONColumnType<{ key: string; value: string }[]>;
  created_at: Date;
}

export type OidcProviderRow = Selectable<OidcProvidersTable>;
