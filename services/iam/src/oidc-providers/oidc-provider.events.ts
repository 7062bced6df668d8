import type { DomainEvent } from '../kernel/decider.js';
import { caseSensitiveTags, type Tag } from '../naming/index.js';

/**
 * Events of an OpenID Connect provider's stream (`oidc-provider/ID`). `url` is the issuer without
 * `https://`, as the ARN ends. Tag keys of an OIDC provider are case sensitive (IAM's rule for
 * resources other than users and roles).
 */
export type OidcProviderEvent =
  | DomainEvent<'OpenIDConnectProviderCreated', { providerId: string; arn: string; url: string; clientIds: string[]; thumbprints: string[]; tags: Tag[] }>
  | DomainEvent<'ClientIDAddedToOpenIDConnectProvider', { clientId: string }>
  | DomainEvent<'ClientIDRemovedFromOpenIDConnectProvider', { clientId: string }>
  | DomainEvent<'OpenIDConnectProviderThumbprintUpdated', { thumbprints: string[] }>
  | DomainEvent<'OpenIDConnectProviderTagged', { tags: Tag[] }>
  | DomainEvent<'OpenIDConnectProviderUntagged', { tagKeys: string[] }>
  | DomainEvent<'OpenIDConnectProviderDeleted', { arn: string; url: string }>;

export interface OidcProviderState {
  readonly status: 'none' | 'active' | 'deleted';
  readonly providerId: string;
  readonly arn: string;
  readonly url: string;
  readonly clientIds: readonly string[];
  readonly thumbprints: readonly string[];
  readonly tags: readonly Tag[];
}

export const INITIAL_OIDC_PROVIDER_STATE: OidcProviderState = { status: 'none', providerId: '', arn: '', url: '', clientIds: [], thumbprints: [], tags: [] };

export function evolveOidcProvider(state: OidcProviderState, event: OidcProviderEvent): OidcProviderState {
  switch (event.type) {
    case 'OpenIDConnectProviderCreated':
      return { status: 'active', ...event.data };
    case 'ClientIDAddedToOpenIDConnectProvider':
      return { ...state, clientIds: [...state.clientIds, event.data.clientId] };
    case 'ClientIDRemovedFromOpenIDConnectProvider':
      return { ...state, clientIds: state.clientIds.filter((clientId) => clientId !== event.data.clientId) };
    case 'OpenIDConnectProviderThumbprintUpdated':
      return { ...state, thumbprints: event.data.thumbprints };
    case 'OpenIDConnectProviderTagged':
    case 'OpenIDConnectProviderUntagged':
      return { ...state, tags: caseSensitiveTags.afterChange(state.tags, event.data) };
    case 'OpenIDConnectProviderDeleted':
      return { ...state, status: 'deleted' };
  }
}
