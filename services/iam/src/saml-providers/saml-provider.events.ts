import type { DomainEvent } from '../kernel/decider.js';
import { caseSensitiveTags, type Tag } from '../naming/index.js';

/** What a metadata document gives a provider: the document as given and what was read from it. */
export interface SamlProviderMetadata {
  metadataDocument: string;
  entityId: string;
  /** DER in base64. */
  signingCertificates: string[];
  /** ISO 8601, or null when the document has none. */
  validUntil: string | null;
}

/**
 * Events of a SAML provider's stream (`saml-provider/ID`). Each carries what was read from the
 * metadata document beside the document, so that projecting or replaying never parses it again.
 * Tag keys of a SAML provider are case sensitive (IAM's rule for resources other than users and roles).
 */
export type SamlProviderEvent =
  | DomainEvent<'SAMLProviderCreated', SamlProviderMetadata & { providerId: string; arn: string; name: string; tags: Tag[] }>
  | DomainEvent<'SAMLProviderUpdated', SamlProviderMetadata>
  | DomainEvent<'SAMLProviderTagged', { tags: Tag[] }>
  | DomainEvent<'SAMLProviderUntagged', { tagKeys: string[] }>
  | DomainEvent<'SAMLProviderDeleted', { arn: string; name: string }>;

export interface SamlProviderState {
  readonly status: 'none' | 'active' | 'deleted';
  readonly arn: string;
  readonly name: string;
  readonly metadataDocument: string;
  readonly tags: readonly Tag[];
}

export const INITIAL_SAML_PROVIDER_STATE: SamlProviderState = { status: 'none', arn: '', name: '', metadataDocument: '', tags: [] };

export function evolveSamlProvider(state: SamlProviderState, event: SamlProviderEvent): SamlProviderState {
  switch (event.type) {
    case 'SAMLProviderCreated':
      return { status: 'active', arn: event.data.arn, name: event.data.name, metadataDocument: event.data.metadataDocument, tags: event.data.tags };
    case 'SAMLProviderUpdated':
      return { ...state, metadataDocument: event.data.metadataDocument };
    case 'SAMLProviderTagged':
    case 'SAMLProviderUntagged':
      return { ...state, tags: caseSensitiveTags.afterChange(state.tags, event.data) };
    case 'SAMLProviderDeleted':
      return { ...state, status: 'deleted' };
  }
}
