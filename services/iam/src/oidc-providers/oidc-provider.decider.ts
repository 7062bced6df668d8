import type { Decider } from '../kernel/decider.js';
import { EntityAlreadyExistsError, InvalidInputError, LimitExceededError, NoSuchEntityError } from '../kernel/iam-error.js';
import { caseSensitiveTags, checkTagKeys, checkTags, type Tag } from '../naming/index.js';
import { checkClientId, checkClientIds, checkThumbprints, OIDC_PROVIDER_LIMITS, providerUrlOf, withoutRepeats } from './oidc-provider-rules.js';
import { evolveOidcProvider, INITIAL_OIDC_PROVIDER_STATE, type OidcProviderEvent, type OidcProviderState } from './oidc-provider.events.js';

export type OidcProviderCommand =
  | { type: 'CreateOpenIDConnectProvider'; providerId: string; arn: string; url: string; clientIds: string[]; thumbprints: string[]; tags: Tag[] }
  | { type: 'AddClientIDToOpenIDConnectProvider'; clientId: string }
  | { type: 'RemoveClientIDFromOpenIDConnectProvider'; clientId: string }
  | { type: 'UpdateOpenIDConnectProviderThumbprint'; thumbprints: string[] }
  | { type: 'TagOpenIDConnectProvider'; tags: Tag[] }
  | { type: 'UntagOpenIDConnectProvider'; tagKeys: string[] }
  | { type: 'DeleteOpenIDConnectProvider' };

function requireProvider(state: OidcProviderState): void {
  if (state.status !== 'active') throw new NoSuchEntityError('The OpenID Connect provider cannot be found.');
}

function check(problem: string | undefined): void {
  if (problem) throw new InvalidInputError(problem);
}

export function decideOidcProvider(command: OidcProviderCommand, state: OidcProviderState): OidcProviderEvent[] {
  switch (command.type) {
    case 'CreateOpenIDConnectProvider': {
      if (state.status !== 'none') throw new EntityAlreadyExistsError(`Provider with url https://${command.url} already exists.`);
      const url = providerUrlOf(`https://${command.url}`);
      if ('problem' in url) throw new InvalidInputError(url.problem);
      const clientIds = withoutRepeats(command.clientIds);
      check(checkClientIds(clientIds));
      check(checkThumbprints(command.thumbprints));
      check(checkTags(command.tags, 0, { caseSensitiveKeys: true }));
      const { type: _type, ...data } = command;
      return [{ type: 'OpenIDConnectProviderCreated', data: { ...data, clientIds, thumbprints: withoutRepeats(command.thumbprints) } }];
    }
    case 'AddClientIDToOpenIDConnectProvider':
      requireProvider(state);
      check(checkClientId(command.clientId));
      // AWS: adding a client ID the provider already has is not an error and changes nothing.
      if (state.clientIds.includes(command.clientId)) return [];
      if (state.clientIds.length >= OIDC_PROVIDER_LIMITS.clientIdsPerProvider) {
        throw new LimitExceededError(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${OIDC_PROVIDER_LIMITS.clientIdsPerProvider}.`);
      }
      return [{ type: 'ClientIDAddedToOpenIDConnectProvider', data: { clientId: command.clientId } }];
    case 'RemoveClientIDFromOpenIDConnectProvider':
      requireProvider(state);
      check(checkClientId(command.clientId));
      // AWS: removing a client ID the provider does not have is not an error.
      if (!state.clientIds.includes(command.clientId)) return [];
      return [{ type: 'ClientIDRemovedFromOpenIDConnectProvider', data: { clientId: command.clientId } }];
    case 'UpdateOpenIDConnectProviderThumbprint': {
      requireProvider(state);
      check(checkThumbprints(command.thumbprints));
      const thumbprints = withoutRepeats(command.thumbprints);
      // The list replaces the old one whole.
      if (thumbprints.length === state.thumbprints.length && thumbprints.every((thumbprint, index) => thumbprint === state.thumbprints[index])) return [];
      return [{ type: 'OpenIDConnectProviderThumbprintUpdated', data: { thumbprints } }];
    }
    case 'TagOpenIDConnectProvider': {
      requireProvider(state);
      check(checkTags(command.tags, caseSensitiveTags.keptBy(state.tags, command.tags), { caseSensitiveKeys: true }));
      const changed = caseSensitiveTags.thatChange(state.tags, command.tags);
      return changed.length === 0 ? [] : [{ type: 'OpenIDConnectProviderTagged', data: { tags: changed } }];
    }
    case 'UntagOpenIDConnectProvider': {
      requireProvider(state);
      check(checkTagKeys(command.tagKeys));
      const removed = caseSensitiveTags.keysThatRemove(state.tags, command.tagKeys);
      return removed.length === 0 ? [] : [{ type: 'OpenIDConnectProviderUntagged', data: { tagKeys: removed } }];
    }
    case 'DeleteOpenIDConnectProvider':
      requireProvider(state);
      return [{ type: 'OpenIDConnectProviderDeleted', data: { arn: state.arn, url: state.url } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export const oidcProviderDecider: Decider<OidcProviderCommand, OidcProviderEvent, OidcProviderState> = {
  initialState: INITIAL_OIDC_PROVIDER_STATE,
  evolve: evolveOidcProvider,
  decide: decideOidcProvider,
};
