import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListUsersCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { GetFederationTokenCommand, STSClient } from '@aws-sdk/client-sts';
import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from './support/rejection.js';
import { type Credentials, SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const inRegion = (action: string, region: string) => doc({ Effect: 'Allow', Action: action, Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': region } } });

/**
 * aws:RequestedRegion through both fronts (IAM User Guide, global condition keys: IAM's requests
 * are in us-east-1; an STS request's is the region of the endpoint it is sent to; GraphQL's is
 * WARDEN_REGION, us-east-1 by default): the same request decided the same way over GraphQL and
 * over the Query front, and STS's region the one the request was signed for.
 */
describe.each([...DRIVERS])('aws:RequestedRegion (%s)', (driver) => {
  let warden: RunningWarden;
  let endpoint: string;
  let iam: IAMClient;

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    endpoint = new URL('/', warden.url).href;
    iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: (await newTenant(warden)).credentials, maxAttempts: 1 });
  });
  afterAll(async () => {
    iam.destroy();
    await warden.close();
  });

  async function userWithKey(userName: string, policy: string): Promise<Credentials> {
    await iam.send(new CreateUserCommand({ UserName: userName }));
    await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'p', PolicyDocument: policy }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  }

  it('listing users is decided alike over GraphQL and over the Query front: allowed in us-east-1, denied for another region', async () => {
    for (const [region, allowed] of [
      ['us-east-1', true],
      ['eu-west-1', false],
    ] as const) {
      const credentials = await userWithKey(`lister-${region}`, inRegion('iam:ListUsers', region));
      const graphql = await new SignedClient(warden.url, credentials).data<{ users: { __typename: string } }>('{ users(first: 1) { __typename } }');
      const client = new IAMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
      const query = await client.send(new ListUsersCommand({})).then(
        () => 'allowed',
        (error: Error) => error.name,
      );
      client.destroy();
      expect([graphql.users.__typename, query], region).toEqual(allowed ? ['UsersSuccess', 'allowed'] : ['AccessDeniedError', 'AccessDenied']);
    }
  });

  it("an STS request's region is the one it was signed for; a credential scoped to no region name is SignatureDoesNotMatch", async () => {
    const credentials = await userWithKey('federator', inRegion('sts:GetFederationToken', 'eu-west-3'));
    const sts = (region: string) => new STSClient({ endpoint, region, credentials, maxAttempts: 1 });
    expect((await sts('eu-west-3').send(new GetFederationTokenCommand({ Name: 'in-region' }))).Credentials!.AccessKeyId).toMatch(/^ASIA/);
    const elsewhere = await rejection(sts('ap-southeast-2').send(new GetFederationTokenCommand({ Name: 'elsewhere' })));
    expect([elsewhere.name, elsewhere.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    const nowhere = await rejection(sts('moon').send(new GetFederationTokenCommand({ Name: 'nowhere' })));
    expect([nowhere.name, nowhere.$metadata.httpStatusCode, nowhere.message]).toEqual(['SignatureDoesNotMatch', 403, 'Credential should be scoped to a valid region.']);
  });
});
