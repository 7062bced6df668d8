import {
  CreateAccessKeyCommand,
  CreateSAMLProviderCommand,
  CreateUserCommand,
  DeleteSAMLProviderCommand,
  GetSAMLProviderCommand,
  IAMClient,
  ListSAMLProvidersCommand,
  ListSAMLProviderTagsCommand,
  PutUserPolicyCommand,
  TagSAMLProviderCommand,
  UntagSAMLProviderCommand,
  UpdateSAMLProviderCommand,
} from '@aws-sdk/client-iam';
import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSamlSigningIdentity, samlIdpMetadata } from '../../services/iam/test/saml-idp-identity.js';
import { rejection } from './support/rejection.js';
import type { Credentials } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/**
 * The eight SAML provider actions of AWS's IAM API through the AWS SDK v3 against the Query front:
 * AWS's parameter names and result shapes as the SDK parses them, AWS's error codes
 * (EntityAlreadyExists 409, NoSuchEntity 404, InvalidInput 400, LimitExceeded 409, AccessDenied 403),
 * and each action authorized as its own IAM action on the provider's ARN.
 */
const identity = makeSamlSigningIdentity();
const next = makeSamlSigningIdentity('Warden test SAML IdP, next key');
const ENTITY = 'https://idp.example.test/metadata';
const metadata = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64], validUntil: '2031-01-01T00:00:00Z' });
const rotation = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64, next.certificateBase64] });

describe.each([...DRIVERS])('AWS SDK v3: SAML providers over the Query front (%s)', (driver) => {
  let warden: RunningWarden;
  let endpoint: string;
  let accountId: string;
  let iam: IAMClient;
  const clients: IAMClient[] = [];

  const iamClient = (as: Credentials) => {
    const client = new IAMClient({ endpoint, region: 'us-east-1', credentials: as, maxAttempts: 1 });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    endpoint = new URL('/', warden.url).href;
    const tenant = await newTenant(warden);
    accountId = tenant.accountId;
    iam = iamClient(tenant.credentials);
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await warden.close();
  });

  it('CreateSAMLProvider, GetSAMLProvider, ListSAMLProviders, UpdateSAMLProvider, Tag/Untag/ListSAMLProviderTags, DeleteSAMLProvider in AWS shapes', async () => {
    const arn = `arn:aws:iam::${accountId}:saml-provider/Okta`;
    const created = await iam.send(new CreateSAMLProviderCommand({ Name: 'Okta', SAMLMetadataDocument: metadata, Tags: [{ Key: 'team', Value: 'sso' }] }));
    expect([created.SAMLProviderArn, created.Tags]).toEqual([arn, [{ Key: 'team', Value: 'sso' }]]);

    const got = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }));
    expect(got.SAMLMetadataDocument).toBe(metadata);
    expect(got.ValidUntil).toEqual(new Date('2031-01-01T00:00:00Z'));
    expect(got.CreateDate).toBeInstanceOf(Date);
    expect(got.SAMLProviderUUID).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.Tags).toEqual([{ Key: 'team', Value: 'sso' }]);

    const updated = await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, SAMLMetadataDocument: rotation }));
    expect(updated.SAMLProviderArn).toBe(arn);
    const after = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }));
    expect([after.SAMLMetadataDocument, after.ValidUntil]).toEqual([rotation, undefined]);

    await iam.send(
      new TagSAMLProviderCommand({
        SAMLProviderArn: arn,
        Tags: [
          { Key: 'Env', Value: 'prod' },
          { Key: 'env', Value: 'dev' },
        ],
      }),
    );
    await iam.send(new UntagSAMLProviderCommand({ SAMLProviderArn: arn, TagKeys: ['team'] }));
    const tags = await iam.send(new ListSAMLProviderTagsCommand({ SAMLProviderArn: arn }));
    expect([tags.Tags, tags.IsTruncated]).toEqual([
      [
        { Key: 'Env', Value: 'prod' },
        { Key: 'env', Value: 'dev' },
      ],
      false,
    ]);
    const firstTag = await iam.send(new ListSAMLProviderTagsCommand({ SAMLProviderArn: arn, MaxItems: 1 }));
    expect([firstTag.Tags, firstTag.IsTruncated]).toEqual([[{ Key: 'Env', Value: 'prod' }], true]);
    expect((await iam.send(new ListSAMLProviderTagsCommand({ SAMLProviderArn: arn, Marker: firstTag.Marker! }))).Tags).toEqual([{ Key: 'env', Value: 'dev' }]);

    await iam.send(new CreateSAMLProviderCommand({ Name: 'AzureAD', SAMLMetadataDocument: metadata }));
    const listed = await iam.send(new ListSAMLProvidersCommand({}));
    expect(listed.SAMLProviderList!.map((entry) => [entry.Arn, entry.ValidUntil, entry.CreateDate instanceof Date])).toEqual([
      [`arn:aws:iam::${accountId}:saml-provider/AzureAD`, new Date('2031-01-01T00:00:00Z'), true],
      [arn, undefined, true],
    ]);

    await iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: arn }));
    const missing = await rejection(iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn })));
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['NoSuchEntityException', 404]);
    // AWS: DeleteSAMLProvider of an ARN that names no provider is NoSuchEntity.
    const deletedTwice = await rejection(iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: arn })));
    expect([deletedTwice.name, deletedTwice.$metadata.httpStatusCode]).toEqual(['NoSuchEntityException', 404]);
  });

  it("answers AWS's errors: EntityAlreadyExists, InvalidInput for bad metadata or name, ValidationError for what Warden does not keep", async () => {
    await iam.send(new CreateSAMLProviderCommand({ Name: 'Dup', SAMLMetadataDocument: metadata }));
    const taken = await rejection(iam.send(new CreateSAMLProviderCommand({ Name: 'Dup', SAMLMetadataDocument: metadata })));
    expect([taken.name, taken.$metadata.httpStatusCode]).toEqual(['EntityAlreadyExistsException', 409]);
    const noKey = await rejection(iam.send(new CreateSAMLProviderCommand({ Name: 'NoKey', SAMLMetadataDocument: metadata.replace('use="signing"', 'use="encryption"') })));
    expect([noKey.name, noKey.$metadata.httpStatusCode, noKey.message]).toEqual(['InvalidInputException', 400, expect.stringMatching(/no signing certificate/)]);
    const badName = await rejection(iam.send(new CreateSAMLProviderCommand({ Name: 'has space', SAMLMetadataDocument: metadata })));
    expect(badName.name).toBe('InvalidInputException');
    const short = await rejection(iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: `arn:aws:iam::${accountId}:saml-provider/Dup`, SAMLMetadataDocument: '<md/>' })));
    expect([short.name, short.message]).toEqual(['InvalidInputException', expect.stringMatching(/1000 to 10000000 characters/)]);
    const encryption = await rejection(iam.send(new CreateSAMLProviderCommand({ Name: 'Enc', SAMLMetadataDocument: metadata, AssertionEncryptionMode: 'Required' })));
    expect([encryption.name, encryption.$metadata.httpStatusCode, encryption.message]).toEqual(['ValidationError', 400, expect.stringMatching(/takes no AssertionEncryptionMode/)]);
    expect((await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: `arn:aws:iam::${accountId}:saml-provider/Dup` }))).SAMLMetadataDocument).toBe(metadata);
  });

  it('authorizes each action as its own IAM action on the provider ARN: AccessDenied for a caller without it', async () => {
    const arn = `arn:aws:iam::${accountId}:saml-provider/Guarded`;
    await iam.send(new CreateSAMLProviderCommand({ Name: 'Guarded', SAMLMetadataDocument: metadata }));
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'reader',
        PolicyName: 'get-only',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetSAMLProvider', Resource: arn }] }),
      }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }));
    const reader = iamClient({ accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! });
    expect((await reader.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }))).SAMLMetadataDocument).toBe(metadata);
    // One at a time, so none is refused before its rejection has a handler.
    for (const [action, call] of [
      ['CreateSAMLProvider', () => reader.send(new CreateSAMLProviderCommand({ Name: 'Other', SAMLMetadataDocument: metadata }))],
      ['ListSAMLProviders', () => reader.send(new ListSAMLProvidersCommand({}))],
      ['UpdateSAMLProvider', () => reader.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, SAMLMetadataDocument: rotation }))],
      ['TagSAMLProvider', () => reader.send(new TagSAMLProviderCommand({ SAMLProviderArn: arn, Tags: [{ Key: 'a', Value: 'b' }] }))],
      ['UntagSAMLProvider', () => reader.send(new UntagSAMLProviderCommand({ SAMLProviderArn: arn, TagKeys: ['a'] }))],
      ['ListSAMLProviderTags', () => reader.send(new ListSAMLProviderTagsCommand({ SAMLProviderArn: arn }))],
      ['DeleteSAMLProvider', () => reader.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: arn }))],
    ] as const) {
      const error = await rejection(call());
      expect([action, error.name, error.$metadata.httpStatusCode]).toEqual([action, 'AccessDenied', 403]);
      expect(error.message).toContain(`iam:${action}`);
    }
    expect((await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }))).SAMLMetadataDocument).toBe(metadata);
  });
});
