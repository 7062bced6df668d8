import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateUserCommand,
  CreateAccessKeyCommand,
  DeleteOpenIDConnectProviderCommand,
  EntityAlreadyExistsException,
  GetOpenIDConnectProviderCommand,
  IAMClient,
  InvalidInputException,
  ListOpenIDConnectProvidersCommand,
  ListOpenIDConnectProviderTagsCommand,
  NoSuchEntityException,
  PutUserPolicyCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  TagOpenIDConnectProviderCommand,
  UntagOpenIDConnectProviderCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
} from '@aws-sdk/client-iam';
import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from './support/rejection.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/**
 * The ten OpenID Connect provider actions of AWS's IAM API through the AWS SDK v3 against the Query
 * front: AWS's parameter names and result shapes as the SDK parses them, AWS's error codes through
 * the SDK's exception classes, and each action authorized as its own IAM action on the provider ARN.
 */
const THUMBPRINT = 'a'.repeat(40);
const OTHER_THUMBPRINT = 'b'.repeat(40);

describe.each([...DRIVERS])('AWS SDK v3: OpenID Connect providers over the Query front (%s)', (driver) => {
  let warden: RunningWarden;
  let endpoint: string;
  let accountId: string;
  let iam: IAMClient;

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    endpoint = new URL('/', warden.url).href;
    const tenant = await newTenant(warden);
    accountId = tenant.accountId;
    iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: tenant.credentials, maxAttempts: 1 });
  });
  afterAll(async () => {
    iam.destroy();
    await warden.close();
  });

  it('creates, reads, lists, changes, tags and deletes a provider by AWS names and shapes', async () => {
    const created = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: 'https://token.actions.example.test', ClientIDList: ['sts.amazonaws.com'], ThumbprintList: [THUMBPRINT], Tags: [{ Key: 'team', Value: 'ci' }] }),
    );
    const arn = `arn:aws:iam::${accountId}:oidc-provider/token.actions.example.test`;
    expect(created.OpenIDConnectProviderArn).toBe(arn);
    expect(created.Tags).toEqual([{ Key: 'team', Value: 'ci' }]);

    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    expect(got).toMatchObject({ Url: 'token.actions.example.test', ClientIDList: ['sts.amazonaws.com'], ThumbprintList: [THUMBPRINT], Tags: [{ Key: 'team', Value: 'ci' }] });
    expect(Math.abs(got.CreateDate!.getTime() - Date.now())).toBeLessThan(600_000);
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toEqual([{ Arn: arn }]);

    await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'web' }));
    await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'sts.amazonaws.com' }));
    await iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: [OTHER_THUMBPRINT] }));
    await iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: [{ Key: 'env', Value: 'prod' }] }));
    await iam.send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, TagKeys: ['team'] }));
    expect(await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))).toMatchObject({ ClientIDList: ['web'], ThumbprintList: [OTHER_THUMBPRINT] });
    expect((await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }))).Tags).toEqual([{ Key: 'env', Value: 'prod' }]);

    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toEqual([]);
    const gone = await rejection(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })));
    expect(gone).toBeInstanceOf(NoSuchEntityException);
    expect(gone.$metadata.httpStatusCode).toBe(404);
  });

  it("answers AWS's errors: a URL taken is EntityAlreadyExists (409), a URL that is not https is InvalidInput (400)", async () => {
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://issuer.example.test/realm', ClientIDList: ['app'] }));
    const taken = await rejection(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://issuer.example.test/realm', ClientIDList: ['app'] })));
    expect(taken).toBeInstanceOf(EntityAlreadyExistsException);
    expect(taken.$metadata.httpStatusCode).toBe(409);
    const plain = await rejection(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'http://issuer.example.test', ClientIDList: ['app'] })));
    expect(plain).toBeInstanceOf(InvalidInputException);
    expect(plain.$metadata.httpStatusCode).toBe(400);
  });

  it('authorizes each action as its own IAM action on the provider ARN', async () => {
    const arn = `arn:aws:iam::${accountId}:oidc-provider/scoped.example.test`;
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://scoped.example.test', ClientIDList: ['app'] }));
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'reader',
        PolicyName: 'read-one',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:GetOpenIDConnectProvider'], Resource: arn }] }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    const reader = new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, maxAttempts: 1 });
    try {
      expect((await reader.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))).Url).toBe('scoped.example.test');
      const tags = await rejection(reader.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn })));
      expect(tags.name).toBe('AccessDenied');
      expect(tags.$metadata.httpStatusCode).toBe(403);
      const change = await rejection(reader.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'x' })));
      expect(change.name).toBe('AccessDenied');
    } finally {
      reader.destroy();
    }
  });
});
