import { inAccountTransaction } from '@warden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, EntityAlreadyExistsError, findSamlProviderByArn, InvalidInputError, LimitExceededError, NoSuchEntityError } from '../src/index.js';
import { makeSamlSigningIdentity, samlIdpMetadata } from './saml-idp-identity.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

/**
 * IAM SAML providers as AWS's IAM API Reference describes CreateSAMLProvider, GetSAMLProvider,
 * ListSAMLProviders, UpdateSAMLProvider, DeleteSAMLProvider, TagSAMLProvider, UntagSAMLProvider and
 * ListSAMLProviderTags: addressed by `arn:aws:iam::ACCOUNT:saml-provider/NAME`, each authorized as
 * its own IAM action on that ARN, 100 per account ("IAM and AWS STS quotas").
 */
const allow = (action: string, resource: string, condition?: object) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...(condition ? { Condition: condition } : {}) }] });

const identity = makeSamlSigningIdentity();
const next = makeSamlSigningIdentity('Warden test SAML IdP, next key');
const ENTITY = 'https://idp.example.test/metadata';
const metadata = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64], validUntil: '2031-01-01T00:00:00Z' });

describe.each([...DRIVERS])('SAML providers on %s', (driver) => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  const eventCount = (accountId: string) =>
    inAccountTransaction(service.wardenDb.db, accountId, async (trx) =>
      Number(
        (
          await trx
            .selectFrom('events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('account_id', '=', accountId)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    );

  it('are created, read, listed, updated and deleted by ARN, as AWS shapes them', async () => {
    const root = await newAccount(service);
    const iam = service.iam;
    const created = await iam.samlProviders.create(root, { name: 'Okta', samlMetadataDocument: metadata, tags: [{ key: 'team', value: 'sso' }] });
    const arn = `arn:aws:iam::${root.accountId}:saml-provider/Okta`;
    expect(created).toMatchObject({ arn, name: 'Okta', metadataDocument: metadata, entityId: ENTITY, signingCertificates: [identity.certificateBase64], tags: [{ key: 'team', value: 'sso' }] });
    expect(created.validUntil).toEqual(new Date('2031-01-01T00:00:00Z'));
    expect(created.providerId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await expect(iam.samlProviders.create(root, { name: 'Okta', samlMetadataDocument: metadata })).rejects.toThrow(EntityAlreadyExistsError);
    // Certificate rotation: the new metadata carries the old and the new certificate, and replaces what was read.
    const rotation = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64, next.certificateBase64] });
    await iam.samlProviders.update(root, arn, rotation);
    expect(await iam.samlProviders.get(root, arn)).toMatchObject({ metadataDocument: rotation, signingCertificates: [identity.certificateBase64, next.certificateBase64], validUntil: null });
    await iam.samlProviders.tag(root, arn, [{ key: 'Env', value: 'prod' }]);
    await iam.samlProviders.untag(root, arn, ['team']);
    expect(await iam.samlProviders.tagsOf(root, arn)).toEqual([{ key: 'Env', value: 'prod' }]);
    await iam.samlProviders.create(root, { name: 'AzureAD', samlMetadataDocument: metadata });
    expect((await iam.samlProviders.list(root, { first: 1 })).map((provider) => provider.name)).toEqual(['AzureAD']);
    expect((await iam.samlProviders.list(root, { first: 10, after: 'AzureAD' })).map((provider) => provider.name)).toEqual(['Okta']);
    await iam.samlProviders.delete(root, arn);
    await expect(iam.samlProviders.get(root, arn)).rejects.toThrow(NoSuchEntityError);
    // AWS: DeleteSAMLProvider of an ARN that names no provider is NoSuchEntity; so is every other action.
    await expect(iam.samlProviders.delete(root, arn)).rejects.toThrow(NoSuchEntityError);
    await expect(iam.samlProviders.update(root, arn, metadata)).rejects.toThrow(NoSuchEntityError);
    await expect(iam.samlProviders.tagsOf(root, arn)).rejects.toThrow(NoSuchEntityError);
    // Another account's ARN names nothing here, even when this account has a provider of that name.
    const other = await newAccount(service);
    await iam.samlProviders.create(other, { name: 'AzureAD', samlMetadataDocument: metadata });
    await expect(iam.samlProviders.get(root, `arn:aws:iam::${other.accountId}:saml-provider/AzureAD`)).rejects.toThrow(NoSuchEntityError);
    await expect(iam.samlProviders.get(root, 'arn:aws:iam::123:role/x')).rejects.toThrow(InvalidInputError);
    // A name freed by a delete can be used again.
    await iam.samlProviders.create(root, { name: 'Okta', samlMetadataDocument: metadata });
  });

  it('refuse bad input with InvalidInput and change nothing', async () => {
    const root = await newAccount(service);
    const iam = service.iam;
    const before = await eventCount(root.accountId);
    await expect(iam.samlProviders.create(root, { name: 'bad name', samlMetadataDocument: metadata })).rejects.toThrow(InvalidInputError);
    await expect(iam.samlProviders.create(root, { name: 'Short', samlMetadataDocument: '<x/>' })).rejects.toThrow(/1000 to 10000000 characters/);
    await expect(iam.samlProviders.create(root, { name: 'NoKeys', samlMetadataDocument: metadata.replace('use="signing"', 'use="encryption"') })).rejects.toThrow(/no signing certificate/);
    await expect(iam.samlProviders.create(root, { name: 'NotXml', samlMetadataDocument: 'x'.repeat(1200) })).rejects.toThrow(/not well-formed XML/);
    expect(await eventCount(root.accountId)).toBe(before);
    const provider = await iam.samlProviders.create(root, { name: 'Okta', samlMetadataDocument: metadata });
    const after = await eventCount(root.accountId);
    await expect(iam.samlProviders.update(root, provider.arn, metadata.replaceAll('md:IDPSSODescriptor', 'md:SPSSODescriptor'))).rejects.toThrow(/no IDPSSODescriptor/);
    expect(await eventCount(root.accountId)).toBe(after);
    expect((await iam.samlProviders.get(root, provider.arn)).signingCertificates).toEqual([identity.certificateBase64]);
  });

  it('authorize each action on the provider ARN, with its tags as aws:ResourceTag', async () => {
    const root = await newAccount(service);
    const iam = service.iam;
    const user = await iam.users.create(root, { userName: 'sso-admin' });
    const caller = userCaller(root.accountId, user);
    const arn = `arn:aws:iam::${root.accountId}:saml-provider/Okta`;
    await expect(iam.samlProviders.create(caller, { name: 'Okta', samlMetadataDocument: metadata })).rejects.toThrow(AccessDeniedError);
    await iam.users.putInlinePolicy(root, 'sso-admin', 'create', allow('iam:CreateSAMLProvider', arn));
    await iam.samlProviders.create(caller, { name: 'Okta', samlMetadataDocument: metadata, tags: [{ key: 'team', value: 'sso' }] });
    await expect(iam.samlProviders.create(caller, { name: 'Other', samlMetadataDocument: metadata })).rejects.toThrow(AccessDeniedError);
    for (const denied of [
      () => iam.samlProviders.get(caller, arn),
      () => iam.samlProviders.update(caller, arn, metadata),
      () => iam.samlProviders.tag(caller, arn, [{ key: 'a', value: 'b' }]),
      () => iam.samlProviders.untag(caller, arn, ['team']),
      () => iam.samlProviders.tagsOf(caller, arn),
      () => iam.samlProviders.list(caller, { first: 10 }),
      () => iam.samlProviders.delete(caller, arn),
    ]) {
      await expect(denied()).rejects.toThrow(AccessDeniedError);
    }
    // Each action is its own: GetSAMLProvider alone allows no ListSAMLProviderTags.
    await iam.users.putInlinePolicy(root, 'sso-admin', 'get', allow('iam:GetSAMLProvider', arn));
    expect((await iam.samlProviders.get(caller, arn)).name).toBe('Okta');
    await expect(iam.samlProviders.tagsOf(caller, arn)).rejects.toThrow(AccessDeniedError);
    // Allowed by the provider's tag.
    await iam.users.putInlinePolicy(root, 'sso-admin', 'manage', allow('iam:*SAMLProvider*', '*', { StringEquals: { 'aws:ResourceTag/team': 'sso' } }));
    expect(await iam.samlProviders.tagsOf(caller, arn)).toEqual([{ key: 'team', value: 'sso' }]);
    await iam.samlProviders.update(caller, arn, samlIdpMetadata({ entityId: ENTITY, signingCertificates: [next.certificateBase64] }));
    // A caller who may not read a provider cannot learn whether it exists.
    await expect(iam.samlProviders.get(caller, `arn:aws:iam::${root.accountId}:saml-provider/Missing`)).rejects.toThrow(AccessDeniedError);
    await iam.samlProviders.untag(caller, arn, ['team']);
    await expect(iam.samlProviders.delete(caller, arn)).rejects.toThrow(AccessDeniedError);
  });

  it("are found by ARN within the account's transaction, with the entity id and signing certificates the assertion side verifies with", async () => {
    const root = await newAccount(service);
    const provider = await service.iam.samlProviders.create(root, { name: 'Okta', samlMetadataDocument: metadata });
    const found = await inAccountTransaction(service.wardenDb.db, root.accountId, (trx) => findSamlProviderByArn(trx, root.accountId, provider.arn));
    expect(found).toMatchObject({ name: 'Okta', entityId: ENTITY, signingCertificates: [identity.certificateBase64] });
    const other = await newAccount(service);
    expect(await inAccountTransaction(service.wardenDb.db, other.accountId, (trx) => findSamlProviderByArn(trx, other.accountId, provider.arn))).toBeUndefined();
    expect(await inAccountTransaction(service.wardenDb.db, root.accountId, (trx) => findSamlProviderByArn(trx, root.accountId, provider.arn.replace(':aws:', ':aws-cn:')))).toBeUndefined();
  });

  it('may be named as a Federated principal in a role trust policy', async () => {
    const root = await newAccount(service);
    const provider = await service.iam.samlProviders.create(root, { name: 'Okta', samlMetadataDocument: metadata });
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: provider.arn }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }],
    });
    const role = await service.iam.roles.create(root, { roleName: 'sso', assumeRolePolicyDocument: trust });
    expect((JSON.parse(role.trustPolicy) as { Statement: { Principal: unknown }[] }).Statement[0]!.Principal).toEqual({ Federated: provider.arn });
  });

  it('of one name raced by six creates: one is made, the others are EntityAlreadyExists', async () => {
    const root = await newAccount(service);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => service.iam.samlProviders.create(root, { name: 'Okta', samlMetadataDocument: metadata })));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((result) => result.status === 'rejected')) expect(result.reason).toBeInstanceOf(EntityAlreadyExistsError);
    expect(await service.iam.samlProviders.list(root, { first: 10 })).toHaveLength(1);
  });

  it('stop at 100 per account (LimitExceeded), also when raced', { timeout: 120_000 }, async () => {
    const root = await newAccount(service);
    for (let i = 0; i < 98; i++) await service.iam.samlProviders.create(root, { name: `idp${i}`, samlMetadataDocument: metadata });
    const raced = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => service.iam.samlProviders.create(root, { name: `raced${i}`, samlMetadataDocument: metadata })));
    expect(raced.filter((result) => result.status === 'fulfilled')).toHaveLength(2);
    for (const result of raced.filter((result) => result.status === 'rejected')) expect(result.reason).toBeInstanceOf(LimitExceededError);
    await expect(service.iam.samlProviders.create(root, { name: 'one-more', samlMetadataDocument: metadata })).rejects.toThrow('Cannot exceed quota for SAMLProvidersPerAccount: 100.');
  });
});
