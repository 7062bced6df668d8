import { describe, expect, it } from 'vitest';
import { given } from '../src/kernel/decider-spec.js';
import { EntityAlreadyExistsError, InvalidInputError, NoSuchEntityError } from '../src/kernel/iam-error.js';
import { samlProviderDecider } from '../src/saml-providers/saml-provider.decider.js';
import type { SamlProviderEvent } from '../src/saml-providers/saml-provider.events.js';
import { checkSamlProviderName } from '../src/saml-providers/saml-provider-rules.js';
import { makeSamlSigningIdentity, samlIdpMetadata } from './saml-idp-identity.js';

const identity = makeSamlSigningIdentity();
const next = makeSamlSigningIdentity('Warden test SAML IdP, next key');
const ENTITY = 'https://idp.example.test/metadata';
const ARN = 'arn:aws:iam::111122223333:saml-provider/Okta';
const document = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64], validUntil: '2031-01-01T00:00:00Z' });
const create = { type: 'CreateSAMLProvider' as const, providerId: 'p1', arn: ARN, name: 'Okta', metadataDocument: document, tags: [] };
const created: SamlProviderEvent = {
  type: 'SAMLProviderCreated',
  data: { providerId: 'p1', arn: ARN, name: 'Okta', metadataDocument: document, entityId: ENTITY, signingCertificates: [identity.certificateBase64], validUntil: '2031-01-01T00:00:00.000Z', tags: [] },
};

describe('SAML provider', () => {
  it('is created once, with the document as given and what it says of the IdP', () => {
    given(samlProviderDecider).when(create).then([created]);
    given(samlProviderDecider, [created]).when(create).thenThrows(EntityAlreadyExistsError, 'SAML provider with name Okta already exists.');
  });

  it("refuses AWS's limits: a name of 1 to 128 of [\\w._-], a document of 1,000 to 10,000,000 characters, 50 tags", () => {
    given(samlProviderDecider)
      .when({ ...create, name: 'a'.repeat(129) })
      .thenThrows(InvalidInputError, /1 to 128/);
    given(samlProviderDecider)
      .when({ ...create, name: 'okta idp' })
      .thenThrows(InvalidInputError, /may contain only letters, digits and the characters _ \. -/);
    given(samlProviderDecider)
      .when({ ...create, metadataDocument: document.slice(0, 999) })
      .thenThrows(InvalidInputError, /1000 to 10000000 characters long; it is 999/);
    given(samlProviderDecider)
      .when({ ...create, metadataDocument: document.padEnd(10_000_001, ' ') })
      .thenThrows(InvalidInputError, /it is 10000001/);
    given(samlProviderDecider)
      .when({ ...create, tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: '' })) })
      .thenThrows(InvalidInputError, /at most 50 tags/);
    for (const name of ['a', 'Okta_prod-1.eu', 'x'.repeat(128)]) expect(checkSamlProviderName(name), name).toBeUndefined();
    // AWS's pattern is [\w._-]+: the + = , @ other IAM names allow are not in it.
    for (const name of ['', 'a+b', 'a=b', 'a,b', 'a@b', 'é']) expect(checkSamlProviderName(name), name).toBeDefined();
  });

  it('refuses bad metadata with an InvalidInput that says what is wrong, and creates nothing', () => {
    given(samlProviderDecider)
      .when({ ...create, metadataDocument: document.replace('use="signing"', 'use="encryption"') })
      .thenThrows(InvalidInputError, /no signing certificate/);
  });

  it('replaces the metadata whole on update (a rotation carries the old and the new certificate); the same document changes nothing', () => {
    const rotation = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64, next.certificateBase64] });
    const state = given(samlProviderDecider, [created])
      .when({ type: 'UpdateSAMLProvider', metadataDocument: rotation })
      .then([{ type: 'SAMLProviderUpdated', data: { metadataDocument: rotation, entityId: ENTITY, signingCertificates: [identity.certificateBase64, next.certificateBase64], validUntil: null } }]);
    expect(state.metadataDocument).toBe(rotation);
    given(samlProviderDecider, [created]).when({ type: 'UpdateSAMLProvider', metadataDocument: document }).then([]);
    given(samlProviderDecider, [created])
      .when({ type: 'UpdateSAMLProvider', metadataDocument: rotation.replaceAll('md:IDPSSODescriptor', 'md:SPSSODescriptor') })
      .thenThrows(InvalidInputError, /no IDPSSODescriptor/);
  });

  it('tags with case-sensitive keys and untags only keys it has', () => {
    const history: SamlProviderEvent[] = [created, { type: 'SAMLProviderTagged', data: { tags: [{ key: 'Team', value: 'sso' }] } }];
    given(samlProviderDecider, [created])
      .when({ type: 'TagSAMLProvider', tags: [{ key: 'Team', value: 'sso' }] })
      .then([history[1]!]);
    given(samlProviderDecider, history)
      .when({ type: 'TagSAMLProvider', tags: [{ key: 'Team', value: 'sso' }] })
      .then([]);
    given(samlProviderDecider, history)
      .when({ type: 'TagSAMLProvider', tags: [{ key: 'team', value: 'sso' }] })
      .then([{ type: 'SAMLProviderTagged', data: { tags: [{ key: 'team', value: 'sso' }] } }]);
    given(samlProviderDecider, history)
      .when({ type: 'UntagSAMLProvider', tagKeys: ['team'] })
      .then([]);
    given(samlProviderDecider, history)
      .when({ type: 'UntagSAMLProvider', tagKeys: ['Team', 'Team'] })
      .then([{ type: 'SAMLProviderUntagged', data: { tagKeys: ['Team'] } }]);
    given(samlProviderDecider, history)
      .when({ type: 'TagSAMLProvider', tags: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: '' })) })
      .thenThrows(InvalidInputError, /at most 50 tags/);
  });

  it('is deleted once; a deleted provider is not found', () => {
    const deleted: SamlProviderEvent = { type: 'SAMLProviderDeleted', data: { arn: ARN, name: 'Okta' } };
    given(samlProviderDecider, [created]).when({ type: 'DeleteSAMLProvider' }).then([deleted]);
    given(samlProviderDecider, [created, deleted]).when({ type: 'DeleteSAMLProvider' }).thenThrows(NoSuchEntityError);
    given(samlProviderDecider, [created, deleted]).when({ type: 'UpdateSAMLProvider', metadataDocument: document }).thenThrows(NoSuchEntityError);
    given(samlProviderDecider).when({ type: 'TagSAMLProvider', tags: [] }).thenThrows(NoSuchEntityError);
  });
});
