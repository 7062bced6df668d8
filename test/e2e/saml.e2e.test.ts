import { AssumeRoleWithSAMLCommand, GetCallerIdentityCommand, InvalidIdentityTokenException, STSClient } from '@aws-sdk/client-sts';
import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The SAML IdP the iam package's tests use: an openssl key and certificate, metadata, and Responses
// signed with xml-crypto.
import { makeSamlSigningIdentity, samlIdpMetadata, type SamlSigningIdentity } from '../../services/iam/test/saml-idp-identity.js';
import { base64, samlId, samlResponse } from '../../services/iam/test/saml-idp.js';
import { run, toolMissing } from './support/external-tool.js';
import { rejection } from './support/rejection.js';
import { type Credentials, type GraphQLData, SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/**
 * AssumeRoleWithSAML over HTTP, as a browser's SAML POST handed to a script would use it: sent
 * unsigned (the assertion is the credential), its temporary credentials sign requests as
 * assumed-role/ROLE/SESSION with the role's policies and the session policy applied; an assertion
 * is accepted once; a certificate rotation through updateSAMLProvider moves trust to the new key.
 */
const NO_CREDENTIALS = () => Promise.reject(new Error('the call asked for credentials: it must go unsigned'));
const noCli = await toolMissing('the AWS CLI', 'aws', ['--version']);
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const ENTITY_ID = 'https://idp.example.test/metadata';
const ASSUME = `mutation S($input: AssumeRoleWithSAMLInput!) { assumeRoleWithSAML(input: $input) {
  __typename
  ... on AssumeRoleWithSAMLSuccess { data { credentials { accessKeyId secretAccessKey sessionToken expiration } assumedRoleUser { arn assumedRoleId } subject subjectType issuer audience nameQualifier packedPolicySize } }
  ... on Error { code message }
} }`;

interface AssumeAnswer {
  __typename: string;
  code?: string;
  message?: string;
  data?: { credentials: Credentials; assumedRoleUser: { arn: string }; subject: string; subjectType: string; issuer: string; audience: string; nameQualifier: string; packedPolicySize: number | null };
}

describe.each([...DRIVERS])('assumeRoleWithSAML over HTTP (%s)', (driver) => {
  let warden: RunningWarden;
  let signer: SamlSigningIdentity;
  beforeAll(async () => {
    signer = makeSamlSigningIdentity();
    warden = await startTestWarden(driver);
  });
  afterAll(async () => {
    await warden.close();
  });

  async function assumeUnsigned(input: Record<string, unknown>): Promise<{ status: number; answer: AssumeAnswer }> {
    const response = await fetch(warden.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: ASSUME, variables: { input } }) });
    const body = (await response.json()) as { data: { assumeRoleWithSAML: AssumeAnswer } };
    return { status: response.status, answer: body.data.assumeRoleWithSAML };
  }

  async function setUp() {
    const { root, accountId } = await newTenant(warden);
    const created = await root.data<{ createSAMLProvider: { __typename: string; data: { arn: string } } }>(
      'mutation($i: CreateSAMLProviderInput!) { createSAMLProvider(input: $i) { __typename ... on CreateSAMLProviderSuccess { data { arn } } } }',
      { i: { name: 'okta', samlMetadataDocument: samlIdpMetadata({ entityId: ENTITY_ID, signingCertificates: [signer.certificateBase64] }) } },
    );
    expect(created.createSAMLProvider.__typename).toBe('CreateSAMLProviderSuccess');
    const providerArn = created.createSAMLProvider.data.arn;
    expect(providerArn).toBe(`arn:aws:iam::${accountId}:saml-provider/okta`);
    // AWS's documented trust policy for SAML federation: the provider, and the assertion addressed to the sign-in endpoint.
    const trust = doc({
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: 'sts:AssumeRoleWithSAML',
      Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
    });
    await root.data('mutation($i: CreateRoleInput!) { createRole(input: $i) { __typename } }', { i: { roleName: 'engineers', assumeRolePolicyDocument: trust } });
    await root.data('mutation($d: String!) { putRolePolicy(input: { roleName: "engineers", policyName: "p", policyDocument: $d }) { __typename } }', {
      d: doc({ Effect: 'Allow', Action: ['iam:ListUsers', 'iam:ListRoles'], Resource: '*' }),
    });
    const roleArn = `arn:aws:iam::${accountId}:role/engineers`;
    const assertion = (options: { key?: SamlSigningIdentity; session?: string; nameId?: string } = {}) =>
      base64(
        samlResponse({
          issuer: ENTITY_ID,
          signer: options.key ?? signer,
          assertionId: samlId(),
          nameId: options.nameId ?? 'alice@example.test',
          roles: [`${roleArn},${providerArn}`],
          roleSessionName: options.session ?? 'alice',
        }),
      );
    return { root, accountId, providerArn, roleArn, assertion };
  }

  it('is admitted unsigned; its credentials sign requests as the assumed role, with the role policy and the session policy applied', async () => {
    const { accountId, providerArn, roleArn, assertion } = await setUp();
    const { status, answer } = await assumeUnsigned({ roleArn, principalArn: providerArn, samlAssertion: assertion() });
    expect(status).toBe(200);
    expect(answer).toMatchObject({
      __typename: 'AssumeRoleWithSAMLSuccess',
      data: {
        assumedRoleUser: { arn: `arn:aws:sts::${accountId}:assumed-role/engineers/alice` },
        subject: 'alice@example.test',
        subjectType: 'persistent',
        issuer: ENTITY_ID,
        audience: 'https://signin.aws.amazon.com/saml',
        packedPolicySize: null,
      },
    });
    expect(answer.data!.nameQualifier).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    const session = new SignedClient(warden.url, answer.data!.credentials);
    const who = await session.data<{ callerIdentity: { arn: string } }>('{ callerIdentity { arn } }');
    expect(who.callerIdentity.arn).toBe(`arn:aws:sts::${accountId}:assumed-role/engineers/alice`);
    expect((await session.data<{ users: { __typename: string } }>('{ users(first: 1) { __typename } }')).users.__typename).toBe('UsersSuccess');
    expect((await session.data<{ createUser: { __typename: string } }>('mutation { createUser(input: { userName: "x" }) { __typename } }')).createUser.__typename).toBe('AccessDeniedError');

    const narrowed = await assumeUnsigned({
      roleArn,
      principalArn: providerArn,
      samlAssertion: assertion({ session: 'alice-2' }),
      policy: doc({ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }),
    });
    expect(narrowed.answer.data!.packedPolicySize).toBeGreaterThan(0);
    const narrow = new SignedClient(warden.url, narrowed.answer.data!.credentials);
    expect((await narrow.data<{ roles: { __typename: string } }>('{ roles(first: 1) { __typename } }')).roles.__typename).toBe('RolesSuccess');
    expect((await narrow.data<{ users: { __typename: string } }>('{ users(first: 1) { __typename } }')).users.__typename).toBe('AccessDeniedError');
  });

  it('accepts an assertion once, and refuses one signed by a key the provider does not publish, each as a typed error', async () => {
    const { providerArn, roleArn, assertion } = await setUp();
    const once = assertion();
    expect((await assumeUnsigned({ roleArn, principalArn: providerArn, samlAssertion: once })).answer.__typename).toBe('AssumeRoleWithSAMLSuccess');
    expect((await assumeUnsigned({ roleArn, principalArn: providerArn, samlAssertion: once })).answer).toMatchObject({ __typename: 'InvalidIdentityTokenError', code: 'InvalidIdentityToken' });
    const stranger = makeSamlSigningIdentity('someone else');
    expect((await assumeUnsigned({ roleArn, principalArn: providerArn, samlAssertion: assertion({ key: stranger }) })).answer).toMatchObject({ code: 'InvalidIdentityToken' });
    // Not JSON-signed either: an unsigned request for anything else is refused before it runs.
    const other = await fetch(warden.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ callerIdentity { arn } }' }) });
    expect(other.status).toBe(401);
  });

  it('moves trust to a new certificate through updateSAMLProvider: both during the rotation, then the new one alone', async () => {
    const { root, providerArn, roleArn, assertion } = await setUp();
    const next = makeSamlSigningIdentity('next key');
    const update = async (certificates: string[]) => {
      const answer = await root.data<GraphQLData>('mutation($i: UpdateSAMLProviderInput!) { updateSAMLProvider(input: $i) { __typename } }', {
        i: { samlProviderArn: providerArn, samlMetadataDocument: samlIdpMetadata({ entityId: ENTITY_ID, signingCertificates: certificates }) },
      });
      expect(answer['updateSAMLProvider']).toEqual({ __typename: 'UpdateSAMLProviderSuccess' });
    };
    const assume = async (key: SamlSigningIdentity) => (await assumeUnsigned({ roleArn, principalArn: providerArn, samlAssertion: assertion({ key }) })).answer.__typename;
    expect(await assume(next)).toBe('InvalidIdentityTokenError');
    await update([signer.certificateBase64, next.certificateBase64]);
    expect(await assume(signer)).toBe('AssumeRoleWithSAMLSuccess');
    expect(await assume(next)).toBe('AssumeRoleWithSAMLSuccess');
    await update([next.certificateBase64]);
    expect(await assume(signer)).toBe('InvalidIdentityTokenError');
    expect(await assume(next)).toBe('AssumeRoleWithSAMLSuccess');
  });

  it("over AWS's API: the SDK v3 sends AssumeRoleWithSAML unsigned and gets AWS's answer; a replay is InvalidIdentityTokenException", async () => {
    const { accountId, providerArn, roleArn, assertion } = await setUp();
    const endpoint = new URL('/', warden.url).href;
    const anonymous = new STSClient({ endpoint, region: 'eu-west-3', credentials: NO_CREDENTIALS, maxAttempts: 1 });
    try {
      const once = assertion({ session: 'sdk' });
      const answer = await anonymous.send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn, PrincipalArn: providerArn, SAMLAssertion: once, DurationSeconds: 900 }));
      expect(answer).toMatchObject({
        AssumedRoleUser: { Arn: `arn:aws:sts::${accountId}:assumed-role/engineers/sdk` },
        Subject: 'alice@example.test',
        SubjectType: 'persistent',
        Issuer: ENTITY_ID,
        Audience: 'https://signin.aws.amazon.com/saml',
      });
      expect(answer.NameQualifier).toMatch(/^[A-Za-z0-9+/]{27}=$/);
      const session = { accessKeyId: answer.Credentials!.AccessKeyId!, secretAccessKey: answer.Credentials!.SecretAccessKey!, sessionToken: answer.Credentials!.SessionToken! };
      const sts = new STSClient({ endpoint, region: 'eu-west-3', credentials: session, maxAttempts: 1 });
      expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${accountId}:assumed-role/engineers/sdk`);
      sts.destroy();
      const replayed = await rejection(anonymous.send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn, PrincipalArn: providerArn, SAMLAssertion: once })));
      expect(replayed).toBeInstanceOf(InvalidIdentityTokenException);
      expect(replayed.$metadata.httpStatusCode).toBe(400);
    } finally {
      anonymous.destroy();
    }
  });

  it.skipIf(noCli)('the AWS CLI assumes the role with no credentials configured (aws sts assume-role-with-saml)', async () => {
    const { accountId, providerArn, roleArn, assertion } = await setUp();
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_DEFAULT_REGION: 'eu-west-3' };
    const args = [
      '--endpoint-url',
      new URL('/', warden.url).href,
      'sts',
      'assume-role-with-saml',
      '--role-arn',
      roleArn,
      '--principal-arn',
      providerArn,
      '--saml-assertion',
      assertion({ session: 'cli' }),
      '--output',
      'json',
    ];
    const { code, output } = await run('aws', args, env);
    expect(code, output).toBe(0);
    const answer = JSON.parse(output) as { AssumedRoleUser: { Arn: string }; Subject: string; Credentials: { AccessKeyId: string } };
    expect([answer.AssumedRoleUser.Arn, answer.Subject]).toEqual([`arn:aws:sts::${accountId}:assumed-role/engineers/cli`, 'alice@example.test']);
    expect(answer.Credentials.AccessKeyId).toMatch(/^ASIA/);
  });
});
