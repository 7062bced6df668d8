import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, InvalidIdentityTokenException, STSClient } from '@aws-sdk/client-sts';
import { CreateRoleCommand, IAMClient, ListUsersCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The loopback issuer the iam package's tests use (real HTTPS, a CA made with openssl, jose keys).
import { startTestIssuer, type TestIssuer } from '../../services/iam/test/oidc-issuer.js';
import { run, toolMissing } from './support/external-tool.js';
import { rejection } from './support/rejection.js';
import type { Credentials } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const noCli = await toolMissing('the AWS CLI', 'aws', ['--version']);

/** Credentials that fail if asked for: a call made with them must have gone unsigned. */
const NO_CREDENTIALS = () => Promise.reject(new Error('the call asked for credentials: it must go unsigned'));

/**
 * AssumeRoleWithWebIdentity over the Query front, sent unsigned as AWS's tools send it (the token
 * is the credential; AWS STS API Reference, AssumeRoleWithWebIdentity: "Calling
 * AssumeRoleWithWebIdentity does not require the use of AWS security credentials"), with the SDK
 * v3 and the AWS CLI; only the actions of the unsigned allow-list are admitted without a signature.
 */
describe.each([...DRIVERS])('AssumeRoleWithWebIdentity over the Query front (%s)', (driver) => {
  let warden: RunningWarden;
  let idp: TestIssuer;
  let endpoint: string;
  let accountId: string;
  let roleArn: string;
  let anonymous: STSClient | undefined;

  beforeAll(async () => {
    idp = await startTestIssuer('query');
    warden = await startTestWarden(driver, undefined, { env: { WARDEN_OIDC_CA_FILE: idp.caFile, WARDEN_OIDC_ALLOWED_HOSTS: '127.0.0.1' } });
    endpoint = new URL('/', warden.url).href;
    const tenant = await newTenant(warden);
    accountId = tenant.accountId;
    const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: tenant.credentials, maxAttempts: 1 });
    // OIDC providers are administered over GraphQL (the Query front has no CreateOpenIDConnectProvider yet).
    const provider = await tenant.root.data<{ createOpenIDConnectProvider: { data: { arn: string } } }>(
      'mutation($i: CreateOpenIDConnectProviderInput!) { createOpenIDConnectProvider(input: $i) { ... on CreateOpenIDConnectProviderSuccess { data { arn } } } }',
      { i: { url: idp.issuer, clientIdList: ['sts.amazonaws.com'] } },
    );
    const trust = doc({
      Effect: 'Allow',
      Principal: { Federated: provider.createOpenIDConnectProvider.data.arn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${idp.url}:aud`]: 'sts.amazonaws.com' } },
    });
    roleArn = (await iam.send(new CreateRoleCommand({ RoleName: 'ci', AssumeRolePolicyDocument: trust }))).Role!.Arn!;
    await iam.send(new PutRolePolicyCommand({ RoleName: 'ci', PolicyName: 'p', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }) }));
    iam.destroy();
    anonymous = new STSClient({ endpoint, region: 'eu-west-3', credentials: NO_CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(async () => {
    anonymous?.destroy();
    await warden.close();
    await idp.close();
  });

  it("answers AWS's result shape unsigned, and its credentials sign requests as the assumed role", async () => {
    const token = await idp.sign({ sub: 'repo:acme/app', aud: 'sts.amazonaws.com' });
    const answer = await anonymous!.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'sdk', WebIdentityToken: token, DurationSeconds: 900 }));
    expect(answer).toMatchObject({
      SubjectFromWebIdentityToken: 'repo:acme/app',
      AssumedRoleUser: { Arn: `arn:aws:sts::${accountId}:assumed-role/ci/sdk` },
      Provider: idp.issuer,
      Audience: 'sts.amazonaws.com',
    });
    expect(answer.AssumedRoleUser!.AssumedRoleId).toMatch(/^AROA[A-Z2-7]+:sdk$/);
    expect(answer.Credentials!.AccessKeyId).toMatch(/^ASIA/);
    expect(answer.Credentials!.Expiration!.getTime() - Date.now()).toBeLessThanOrEqual(900_000);

    const session: Credentials = { accessKeyId: answer.Credentials!.AccessKeyId!, secretAccessKey: answer.Credentials!.SecretAccessKey!, sessionToken: answer.Credentials!.SessionToken! };
    const sts = new STSClient({ endpoint, region: 'eu-west-3', credentials: session, maxAttempts: 1 });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${accountId}:assumed-role/ci/sdk`);
    const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: session, maxAttempts: 1 });
    expect((await iam.send(new ListUsersCommand({}))).Users).toEqual([]);
    sts.destroy();
    iam.destroy();
  });

  it('a token that is no JWT, a replayed token or one for another audience is InvalidIdentityToken (400), as the SDK classes it', async () => {
    const forged = await rejection(anonymous!.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'forged', WebIdentityToken: 'not.a.jwt' })));
    expect(forged).toBeInstanceOf(InvalidIdentityTokenException);
    expect(forged.$metadata.httpStatusCode).toBe(400);

    const token = await idp.sign({ sub: 'repo:acme/app', aud: 'sts.amazonaws.com' });
    await anonymous!.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'once', WebIdentityToken: token }));
    const replayed = await rejection(anonymous!.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'twice', WebIdentityToken: token })));
    expect(replayed).toBeInstanceOf(InvalidIdentityTokenException);

    const otherAudience = await idp.sign({ sub: 'repo:acme/app', aud: 'someone-else' });
    const refused = await rejection(anonymous!.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'other', WebIdentityToken: otherAudience })));
    // AWS: a token whose audience is none of the provider's client ids is InvalidIdentityToken, "Incorrect token audience".
    expect(refused).toBeInstanceOf(InvalidIdentityTokenException);
    expect(refused.message).toMatch(/^Incorrect token audience/);
  });

  it('no other action goes unsigned: STS GetCallerIdentity and an IAM request naming AssumeRoleWithWebIdentity are MissingAuthenticationToken', async () => {
    const post = async (form: Record<string, string>) => {
      const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
      return { status: response.status, text: await response.text() };
    };
    const identity = await post({ Action: 'GetCallerIdentity', Version: '2011-06-15' });
    expect(identity.status).toBe(403);
    expect(identity.text).toContain('<Code>MissingAuthenticationToken</Code>');
    const wrongService = await post({ Action: 'AssumeRoleWithWebIdentity', Version: '2010-05-08', RoleArn: roleArn, RoleSessionName: 's', WebIdentityToken: 'x' });
    expect(wrongService.status).toBe(403);
    expect(wrongService.text).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it.skipIf(noCli)('the AWS CLI assumes the role with no credentials configured (aws sts assume-role-with-web-identity)', async () => {
    const token = await idp.sign({ sub: 'repo:acme/cli', aud: 'sts.amazonaws.com' });
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_DEFAULT_REGION: 'eu-west-3' };
    const args = ['--endpoint-url', endpoint, 'sts', 'assume-role-with-web-identity', '--role-arn', roleArn, '--role-session-name', 'cli', '--web-identity-token', token, '--output', 'json'];
    const { code, output } = await run('aws', args, env);
    expect(code, output).toBe(0);
    const answer = JSON.parse(output) as { AssumedRoleUser: { Arn: string }; SubjectFromWebIdentityToken: string; Credentials: { AccessKeyId: string } };
    expect([answer.AssumedRoleUser.Arn, answer.SubjectFromWebIdentityToken]).toEqual([`arn:aws:sts::${accountId}:assumed-role/ci/cli`, 'repo:acme/cli']);
    expect(answer.Credentials.AccessKeyId).toMatch(/^ASIA/);
  });
});
