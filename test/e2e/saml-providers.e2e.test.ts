import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSamlSigningIdentity, samlIdpMetadata } from '../../services/iam/test/saml-idp-identity.js';
import type { SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/**
 * SAML providers over GraphQL, every operation signed as the account's root: each answers the
 * provider (or its tags) as it is after the operation, and AWS's errors are typed results
 * (NoSuchEntity for an ARN that names no provider, EntityAlreadyExists for a name taken,
 * InvalidInput for metadata without a signing certificate).
 */
const identity = makeSamlSigningIdentity();
const next = makeSamlSigningIdentity('Warden test SAML IdP, next key');
const ENTITY = 'https://idp.example.test/metadata';
const metadata = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64], validUntil: '2031-01-01T00:00:00Z' });
const rotation = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64, next.certificateBase64] });

const PROVIDER = 'arn name samlProviderUUID samlMetadataDocument entityId signingCertificates validUntil createDate tags { key value }';

interface Provider {
  arn: string;
  name: string;
  samlProviderUUID: string;
  samlMetadataDocument: string;
  entityId: string;
  signingCertificates: string[];
  validUntil: string | null;
  createDate: string;
  tags: { key: string; value: string }[];
}
type Answer<T> = Record<string, { __typename: string; code?: string; message?: string; data?: T }>;

describe.each([...DRIVERS])('SAML providers over GraphQL (%s)', (driver) => {
  let warden: RunningWarden;
  let root: SignedClient;
  let accountId: string;

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    ({ root, accountId } = await newTenant(warden));
  });
  afterAll(async () => {
    await warden.close();
  });

  async function mutate<T = Provider>(mutation: string, input: string, variables: Record<string, unknown>, selection = `data { ${PROVIDER} }`) {
    const answer = await root.data<Answer<T>>(
      `mutation($i: ${input}!) { ${mutation}(input: $i) { __typename ... on Error { code message } ... on ${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}Success { ${selection} } } }`,
      { i: variables },
    );
    return answer[mutation]!;
  }

  it('create, read, list, update, tag, list tags, untag and delete, each answering the provider as it is after', async () => {
    const arn = `arn:aws:iam::${accountId}:saml-provider/Okta`;
    const created = await mutate('createSAMLProvider', 'CreateSAMLProviderInput', { name: 'Okta', samlMetadataDocument: metadata, tags: [{ key: 'team', value: 'sso' }] });
    expect(created.__typename).toBe('CreateSAMLProviderSuccess');
    expect(created.data).toMatchObject({
      arn,
      name: 'Okta',
      samlMetadataDocument: metadata,
      entityId: ENTITY,
      signingCertificates: [identity.certificateBase64],
      validUntil: '2031-01-01T00:00:00.000Z',
      tags: [{ key: 'team', value: 'sso' }],
    });

    const again = await mutate('createSAMLProvider', 'CreateSAMLProviderInput', { name: 'Okta', samlMetadataDocument: metadata });
    expect([again.__typename, again.code]).toEqual(['EntityAlreadyExistsError', 'EntityAlreadyExists']);
    const noKey = await mutate('createSAMLProvider', 'CreateSAMLProviderInput', { name: 'NoKey', samlMetadataDocument: metadata.replace('use="signing"', 'use="encryption"') });
    expect([noKey.code, noKey.message]).toEqual(['InvalidInput', expect.stringMatching(/no signing certificate/)]);

    const read = await root.data<Answer<Provider>>(`query($a: String!) { samlProvider(samlProviderArn: $a) { __typename ... on SamlProviderSuccess { data { ${PROVIDER} } } } }`, { a: arn });
    expect(read['samlProvider']!.data).toEqual(created.data);

    const updated = await mutate('updateSAMLProvider', 'UpdateSAMLProviderInput', { samlProviderArn: arn, samlMetadataDocument: rotation });
    expect(updated.data).toMatchObject({ samlMetadataDocument: rotation, signingCertificates: [identity.certificateBase64, next.certificateBase64], validUntil: null });
    const tagged = await mutate('tagSAMLProvider', 'TagSAMLProviderInput', { samlProviderArn: arn, tags: [{ key: 'Env', value: 'prod' }] });
    expect(tagged.data!.tags).toEqual([
      { key: 'team', value: 'sso' },
      { key: 'Env', value: 'prod' },
    ]);
    const tags = await root.data<Answer<{ key: string; value: string }[]>>(
      `query($a: String!) { samlProviderTags(samlProviderArn: $a) { __typename ... on SamlProviderTagsSuccess { data { key value } } } }`,
      { a: arn },
    );
    expect(tags['samlProviderTags']!.data).toEqual(tagged.data!.tags);
    const untagged = await mutate('untagSAMLProvider', 'UntagSAMLProviderInput', { samlProviderArn: arn, tagKeys: ['team'] });
    expect(untagged.data!.tags).toEqual([{ key: 'Env', value: 'prod' }]);

    await mutate('createSAMLProvider', 'CreateSAMLProviderInput', { name: 'AzureAD', samlMetadataDocument: metadata });
    const page = await root.data<Answer<{ edges: { node: { name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } }>>(
      `{ samlProviders(first: 1) { __typename ... on SamlProvidersSuccess { data { edges { node { name } } pageInfo { hasNextPage endCursor } } } } }`,
    );
    expect(page['samlProviders']!.data!.edges.map((edge) => edge.node.name)).toEqual(['AzureAD']);
    expect(page['samlProviders']!.data!.pageInfo.hasNextPage).toBe(true);
    const rest = await root.data<Answer<{ edges: { node: { name: string } }[] }>>(
      `query($after: String) { samlProviders(first: 10, after: $after) { ... on SamlProvidersSuccess { data { edges { node { name } } } } } }`,
      { after: page['samlProviders']!.data!.pageInfo.endCursor },
    );
    expect(rest['samlProviders']!.data!.edges.map((edge) => edge.node.name)).toEqual(['Okta']);

    const deleted = await mutate<boolean>('deleteSAMLProvider', 'SAMLProviderArnInput', { samlProviderArn: arn }, 'data');
    expect([deleted.__typename, deleted.data]).toEqual(['DeleteSAMLProviderSuccess', true]);
    // AWS: an ARN that names no provider is NoSuchEntity, for every action.
    for (const [mutation, input, variables] of [
      ['deleteSAMLProvider', 'SAMLProviderArnInput', { samlProviderArn: arn }],
      ['updateSAMLProvider', 'UpdateSAMLProviderInput', { samlProviderArn: arn, samlMetadataDocument: metadata }],
      ['tagSAMLProvider', 'TagSAMLProviderInput', { samlProviderArn: arn, tags: [{ key: 'a', value: 'b' }] }],
      ['untagSAMLProvider', 'UntagSAMLProviderInput', { samlProviderArn: arn, tagKeys: ['a'] }],
    ] as const) {
      const missing = await mutate(mutation, input, variables, mutation === 'deleteSAMLProvider' ? 'data' : `data { arn }`);
      expect([mutation, missing.__typename, missing.code]).toEqual([mutation, 'NoSuchEntityError', 'NoSuchEntity']);
    }
    const gone = await root.data<Answer<Provider>>(`query($a: String!) { samlProvider(samlProviderArn: $a) { __typename ... on Error { code } } }`, { a: arn });
    expect(gone['samlProvider']!.code).toBe('NoSuchEntity');
  });
});
