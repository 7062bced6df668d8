import type { Decider } from '../kernel/decider.js';
import { EntityAlreadyExistsError, NoSuchEntityError, requireValidInput } from '../kernel/iam-error.js';
import { caseSensitiveTags, checkTagKeys, checkTags, type Tag } from '../naming/index.js';
import { readSamlMetadata } from './saml-metadata.js';
import { checkSamlMetadataDocumentLength, checkSamlProviderName, samlProviderNameTaken } from './saml-provider-rules.js';
import { evolveSamlProvider, INITIAL_SAML_PROVIDER_STATE, type SamlProviderEvent, type SamlProviderMetadata, type SamlProviderState } from './saml-provider.events.js';

export type SamlProviderCommand =
  | { type: 'CreateSAMLProvider'; providerId: string; arn: string; name: string; metadataDocument: string; tags: Tag[] }
  | { type: 'UpdateSAMLProvider'; metadataDocument: string }
  | { type: 'TagSAMLProvider'; tags: Tag[] }
  | { type: 'UntagSAMLProvider'; tagKeys: string[] }
  | { type: 'DeleteSAMLProvider' };

function requireProvider(state: SamlProviderState): void {
  if (state.status !== 'active') throw new NoSuchEntityError('The SAML provider cannot be found.');
}

/** The document, checked for AWS's length, and what it says of the IdP. */
function metadataOf(metadataDocument: string): SamlProviderMetadata {
  requireValidInput(checkSamlMetadataDocumentLength(metadataDocument));
  const metadata = readSamlMetadata(metadataDocument);
  return { metadataDocument, entityId: metadata.entityId, signingCertificates: [...metadata.signingCertificates], validUntil: metadata.validUntil };
}

export function decideSamlProvider(command: SamlProviderCommand, state: SamlProviderState): SamlProviderEvent[] {
  switch (command.type) {
    case 'CreateSAMLProvider': {
      if (state.status !== 'none') throw new EntityAlreadyExistsError(samlProviderNameTaken(command.name));
      requireValidInput(checkSamlProviderName(command.name));
      requireValidInput(checkTags(command.tags, 0, { caseSensitiveKeys: true }));
      const { providerId, arn, name, tags } = command;
      return [{ type: 'SAMLProviderCreated', data: { providerId, arn, name, ...metadataOf(command.metadataDocument), tags } }];
    }
    case 'UpdateSAMLProvider': {
      requireProvider(state);
      const metadata = metadataOf(command.metadataDocument);
      // The same document again changes nothing.
      return metadata.metadataDocument === state.metadataDocument ? [] : [{ type: 'SAMLProviderUpdated', data: metadata }];
    }
    case 'TagSAMLProvider': {
      requireProvider(state);
      requireValidInput(checkTags(command.tags, caseSensitiveTags.keptBy(state.tags, command.tags), { caseSensitiveKeys: true }));
      const changed = caseSensitiveTags.thatChange(state.tags, command.tags);
      return changed.length === 0 ? [] : [{ type: 'SAMLProviderTagged', data: { tags: changed } }];
    }
    case 'UntagSAMLProvider': {
      requireProvider(state);
      requireValidInput(checkTagKeys(command.tagKeys));
      const removed = caseSensitiveTags.keysThatRemove(state.tags, command.tagKeys);
      return removed.length === 0 ? [] : [{ type: 'SAMLProviderUntagged', data: { tagKeys: removed } }];
    }
    case 'DeleteSAMLProvider':
      requireProvider(state);
      return [{ type: 'SAMLProviderDeleted', data: { arn: state.arn, name: state.name } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export const samlProviderDecider: Decider<SamlProviderCommand, SamlProviderEvent, SamlProviderState> = {
  initialState: INITIAL_SAML_PROVIDER_STATE,
  evolve: evolveSamlProvider,
  decide: decideSamlProvider,
};
