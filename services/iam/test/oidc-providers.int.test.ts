import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, EntityAlreadyExistsError, InvalidInputError, LimitExceededError, NoSuchEntityError } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

const allow = (action: string, resource: string, condition?: object) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...(condition ? { Condition: condition } : {}) }] });

describe.each([...DRIVERS])('OpenID Connect providers on %s', (driver) => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it('are created, read, listed, changed and deleted by ARN, as AWS shapes it', async () => {
    const root = await newAccount(service);
    const iam = service.iam;
    const created = await iam.oidcProviders.create(root, { url: 'https://idp.example.com/realms/acme', clientIdList: ['web', 'web', 'cli'], tags: [{ key: 'team', value: 'ci' }] });
    const arn = `arn:aws:iam::${root.accountId}:oidc-provider/idp.example.com/realms/acme`;
    expect(created).toMatchObject({ arn, url: 'idp.example.com/realms/acme', clientIds: ['web', 'cli'], thumbprints: [], tags: [{ key: 'team', value: 'ci' }] });
    await expect(iam.oidcProviders.create(root, { url: 'https://idp.example.com/realms/acme' })).rejects.toThrow(EntityAlreadyExistsError);
    await expect(iam.oidcProviders.create(root, { url: 'http://idp.example.com' })).rejects.toThrow(InvalidInputError);
    await iam.oidcProviders.addClientId(root, arn, 'sts.amazonaws.com');
    await iam.oidcProviders.removeClientId(root, arn, 'web');
    await iam.oidcProviders.updateThumbprint(root, arn, ['A'.repeat(40)]);
    await iam.oidcProviders.untag(root, arn, ['team']);
    expect(await iam.oidcProviders.get(root, arn)).toMatchObject({ clientIds: ['cli', 'sts.amazonaws.com'], thumbprints: ['A'.repeat(40)], tags: [] });
    await iam.oidcProviders.create(root, { url: 'https://accounts.example.org' });
    const page = await iam.oidcProviders.list(root, { first: 1 });
    expect(page.map((provider) => provider.url)).toEqual(['accounts.example.org']);
    expect((await iam.oidcProviders.list(root, { first: 10, after: 'accounts.example.org' })).map((provider) => provider.url)).toEqual(['idp.example.com/realms/acme']);
    await iam.oidcProviders.delete(root, arn);
    await expect(iam.oidcProviders.get(root, arn)).rejects.toThrow(NoSuchEntityError);
    await expect(iam.oidcProviders.delete(root, arn)).rejects.toThrow(NoSuchEntityError);
    // Another account's ARN names nothing here, even when this account has a provider of that URL.
    const other = await newAccount(service);
    await iam.oidcProviders.create(other, { url: 'https://accounts.example.org' });
    await expect(iam.oidcProviders.get(root, `arn:aws:iam::${other.accountId}:oidc-provider/accounts.example.org`)).rejects.toThrow(NoSuchEntityError);
    await expect(iam.oidcProviders.get(root, 'arn:aws:iam::123:role/x')).rejects.toThrow(InvalidInputError);
    // A URL freed by a delete can be registered again.
    await iam.oidcProviders.create(root, { url: 'https://idp.example.com/realms/acme' });
  });

  it('authorizes each action on the provider ARN, with its tags as aws:ResourceTag', async () => {
    const root = await newAccount(service);
    const iam = service.iam;
    const user = await iam.users.create(root, { userName: 'ci-admin' });
    const caller = userCaller(root.accountId, user);
    const arn = `arn:aws:iam::${root.accountId}:oidc-provider/token.example.com`;
    await expect(iam.oidcProviders.create(caller, { url: 'https://token.example.com' })).rejects.toThrow(AccessDeniedError);
    await iam.users.putInlinePolicy(root, 'ci-admin', 'create', allow('iam:CreateOpenIDConnectProvider', arn));
    await iam.oidcProviders.create(caller, { url: 'https://token.example.com', tags: [{ key: 'team', value: 'ci' }] });
    await expect(iam.oidcProviders.create(caller, { url: 'https://other.example.com' })).rejects.toThrow(AccessDeniedError);
    await expect(iam.oidcProviders.addClientId(caller, arn, 'x')).rejects.toThrow(AccessDeniedError);
    await expect(iam.oidcProviders.list(caller, { first: 10 })).rejects.toThrow(AccessDeniedError);
    // Allowed by the provider's tag.
    await iam.users.putInlinePolicy(root, 'ci-admin', 'manage', allow('iam:*OpenIDConnectProvider*', '*', { StringEquals: { 'aws:ResourceTag/team': 'ci' } }));
    await iam.oidcProviders.addClientId(caller, arn, 'x');
    expect((await iam.oidcProviders.get(caller, arn)).clientIds).toEqual(['x']);
    // A caller who may not read a provider cannot learn whether it exists.
    await expect(iam.oidcProviders.get(caller, `arn:aws:iam::${root.accountId}:oidc-provider/missing.example.com`)).rejects.toThrow(AccessDeniedError);
    await iam.oidcProviders.untag(caller, arn, ['team']);
    await expect(iam.oidcProviders.delete(caller, arn)).rejects.toThrow(AccessDeniedError);
  });

  it('may be named as a Federated principal in a role trust policy', async () => {
    const root = await newAccount(service);
    const provider = await service.iam.oidcProviders.create(root, { url: 'https://token.example.com', clientIdList: ['sts.amazonaws.com'] });
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: provider.arn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'token.example.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.example.com:sub': 'repo:acme/*' } },
        },
      ],
    });
    const role = await service.iam.roles.create(root, { roleName: 'ci', assumeRolePolicyDocument: trust });
    expect((JSON.parse(role.trustPolicy) as { Statement: { Principal: unknown }[] }).Statement[0]!.Principal).toEqual({ Federated: provider.arn });
  });

  it('stops at 100 providers per account (LimitExceeded)', { timeout: 60_000 }, async () => {
    const root = await newAccount(service);
    for (let i = 0; i < 100; i++) await service.iam.oidcProviders.create(root, { url: `https://idp${i}.example.com` });
    await expect(service.iam.oidcProviders.create(root, { url: 'https://one-more.example.com' })).rejects.toThrow(LimitExceededError);
  });
});
