import { describe, expect, it } from 'vitest';
import { given } from '../kernel/decider-spec.js';
import { EntityAlreadyExistsError, InvalidInputError, LimitExceededError, NoSuchEntityError } from '../kernel/iam-error.js';
import { oidcProviderDecider } from './oidc-provider.decider.js';
import type { OidcProviderEvent } from './oidc-provider.events.js';
import { providerUrlOf } from './oidc-provider-rules.js';

const URL = 'token.actions.example.com/tenant';
const ARN = `arn:aws:iam::111122223333:oidc-provider/${URL}`;
const THUMB = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';
const create = { type: 'CreateOpenIDConnectProvider' as const, providerId: 'p1', arn: ARN, url: URL, clientIds: ['sts.amazonaws.com'], thumbprints: [], tags: [] };
const created: OidcProviderEvent = { type: 'OpenIDConnectProviderCreated', data: { providerId: 'p1', arn: ARN, url: URL, clientIds: ['sts.amazonaws.com'], thumbprints: [], tags: [] } };

describe('OpenID Connect provider', () => {
  it('is created once, with its client ids and thumbprints without repeats', () => {
    given(oidcProviderDecider)
      .when({ ...create, clientIds: ['a', 'b', 'a'], thumbprints: [THUMB, THUMB] })
      .then([{ type: 'OpenIDConnectProviderCreated', data: { ...created.data, clientIds: ['a', 'b'], thumbprints: [THUMB] } }]);
    given(oidcProviderDecider, [created]).when(create).thenThrows(EntityAlreadyExistsError, `Provider with url https://${URL} already exists.`);
  });

  it("refuses AWS's limits: 100 client ids of 1 to 255 characters, 5 thumbprints of 40 hex digits, 50 tags", () => {
    given(oidcProviderDecider)
      .when({ ...create, clientIds: Array.from({ length: 101 }, (_, i) => `c${i}`) })
      .thenThrows(InvalidInputError, /at most 100 client IDs/);
    given(oidcProviderDecider)
      .when({ ...create, clientIds: [''] })
      .thenThrows(InvalidInputError, /1 to 255/);
    given(oidcProviderDecider)
      .when({ ...create, clientIds: ['x'.repeat(256)] })
      .thenThrows(InvalidInputError, /1 to 255/);
    given(oidcProviderDecider)
      .when({ ...create, thumbprints: Array.from({ length: 6 }, (_, i) => `${i}`.repeat(40)) })
      .thenThrows(InvalidInputError, /at most 5 thumbprints/);
    given(oidcProviderDecider)
      .when({ ...create, thumbprints: ['abc'] })
      .thenThrows(InvalidInputError, /40 characters/);
    given(oidcProviderDecider)
      .when({ ...create, thumbprints: ['z'.repeat(40)] })
      .thenThrows(InvalidInputError, /40 characters/);
    given(oidcProviderDecider)
      .when({ ...create, tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: '' })) })
      .thenThrows(InvalidInputError, /at most 50 tags/);
  });

  it('adds a client id once (adding one it has changes nothing) and refuses the 101st', () => {
    given(oidcProviderDecider, [created])
      .when({ type: 'AddClientIDToOpenIDConnectProvider', clientId: 'web' })
      .then([{ type: 'ClientIDAddedToOpenIDConnectProvider', data: { clientId: 'web' } }]);
    given(oidcProviderDecider, [created]).when({ type: 'AddClientIDToOpenIDConnectProvider', clientId: 'sts.amazonaws.com' }).then([]);
    const full: OidcProviderEvent = { type: 'OpenIDConnectProviderCreated', data: { ...created.data, clientIds: Array.from({ length: 100 }, (_, i) => `c${i}`) } };
    given(oidcProviderDecider, [full]).when({ type: 'AddClientIDToOpenIDConnectProvider', clientId: 'one-more' }).thenThrows(LimitExceededError);
  });

  it('removes a client id it has; removing one it lacks changes nothing', () => {
    const state = given(oidcProviderDecider, [created])
      .when({ type: 'RemoveClientIDFromOpenIDConnectProvider', clientId: 'sts.amazonaws.com' })
      .then([{ type: 'ClientIDRemovedFromOpenIDConnectProvider', data: { clientId: 'sts.amazonaws.com' } }]);
    expect(state.clientIds).toEqual([]);
    given(oidcProviderDecider, [created]).when({ type: 'RemoveClientIDFromOpenIDConnectProvider', clientId: 'other' }).then([]);
  });

  it('replaces the thumbprint list whole', () => {
    given(oidcProviderDecider, [created])
      .when({ type: 'UpdateOpenIDConnectProviderThumbprint', thumbprints: [THUMB] })
      .then([{ type: 'OpenIDConnectProviderThumbprintUpdated', data: { thumbprints: [THUMB] } }]);
    given(oidcProviderDecider, [created]).when({ type: 'UpdateOpenIDConnectProviderThumbprint', thumbprints: [] }).then([]);
  });

  it('tags with case-sensitive keys and untags only keys it has', () => {
    const tagged = given(oidcProviderDecider, [created])
      .when({ type: 'TagOpenIDConnectProvider', tags: [{ key: 'Team', value: 'ci' }] })
      .then([{ type: 'OpenIDConnectProviderTagged', data: { tags: [{ key: 'Team', value: 'ci' }] } }]);
    const history: OidcProviderEvent[] = [created, { type: 'OpenIDConnectProviderTagged', data: { tags: [{ key: 'Team', value: 'ci' }] } }];
    expect(tagged.tags).toEqual([{ key: 'Team', value: 'ci' }]);
    given(oidcProviderDecider, history)
      .when({ type: 'TagOpenIDConnectProvider', tags: [{ key: 'team', value: 'ci' }] })
      .then([{ type: 'OpenIDConnectProviderTagged', data: { tags: [{ key: 'team', value: 'ci' }] } }]);
    given(oidcProviderDecider, history)
      .when({ type: 'TagOpenIDConnectProvider', tags: [{ key: 'Team', value: 'ci' }] })
      .then([]);
    given(oidcProviderDecider, history)
      .when({ type: 'UntagOpenIDConnectProvider', tagKeys: ['team'] })
      .then([]);
    given(oidcProviderDecider, history)
      .when({ type: 'UntagOpenIDConnectProvider', tagKeys: ['Team', 'Team'] })
      .then([{ type: 'OpenIDConnectProviderUntagged', data: { tagKeys: ['Team'] } }]);
  });

  it('is deleted once; a deleted provider is not found', () => {
    given(oidcProviderDecider, [created])
      .when({ type: 'DeleteOpenIDConnectProvider' })
      .then([{ type: 'OpenIDConnectProviderDeleted', data: { arn: ARN, url: URL } }]);
    const deleted: OidcProviderEvent = { type: 'OpenIDConnectProviderDeleted', data: { arn: ARN, url: URL } };
    given(oidcProviderDecider, [created, deleted]).when({ type: 'DeleteOpenIDConnectProvider' }).thenThrows(NoSuchEntityError);
    given(oidcProviderDecider, [created, deleted]).when({ type: 'AddClientIDToOpenIDConnectProvider', clientId: 'x' }).thenThrows(NoSuchEntityError);
  });
});

describe('OpenID Connect provider URL', () => {
  it('is the issuer: https://, host, optional port and path; no query, fragment or credentials', () => {
    expect(providerUrlOf('https://token.actions.example.com')).toEqual({ url: 'token.actions.example.com' });
    expect(providerUrlOf('https://idp.example.com/realms/acme/')).toEqual({ url: 'idp.example.com/realms/acme/' });
    expect(providerUrlOf('https://localhost:8443/issuer')).toEqual({ url: 'localhost:8443/issuer' });
    for (const bad of [
      'http://idp.example.com',
      'idp.example.com',
      'https://',
      'https://idp.example.com/?a=b',
      'https://idp.example.com/#x',
      'https://u:p@idp.example.com',
      `https://${'a'.repeat(250)}.com`,
    ]) {
      expect(providerUrlOf(bad), bad).toHaveProperty('problem');
    }
  });
});
