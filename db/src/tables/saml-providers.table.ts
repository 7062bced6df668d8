import type { JSONColumnType, Selectable } from 'kysely';

/**
 * The account's SAML identity providers, `arn:PARTITION:iam::ACCOUNT:saml-provider/NAME`. The
 * metadata document is the one last given (CreateSAMLProvider or UpdateSAMLProvider); the entity id,
 * signing certificates and validUntil are read from it when it was given.
 */
export interface SamlProvidersTable {
  account_id: string;
  provider_id: string;
  arn: string;
  name: string;
  metadata_document: string;
  /** The EntityDescriptor's entityID: the Issuer of the IdP's assertions. */
  entity_id: string;
  /** The IDPSSODescriptor's signing certificates, each its DER in base64, in the document's order. */
  signing_certificates: JSONColumnType<string[]>;
  /** The EntityDescriptor's validUntil, when it has one. */
  valid_until: Date | null;
  tags: JSONColumnType<{ key: string; value: string }[]>;
  created_at: Date;
}

export type SamlProviderRow = Selectable<SamlProvidersTable>;
