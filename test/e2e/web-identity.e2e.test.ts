import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The loopback issuer the iam package's tests use (real HTTPS, a CA made with openssl, jose keys).
import { startTestIssuer, type TestIssuer } from '../../services/iam/test/oidc-issuer.js';
import { type Credentials, SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const ASSUME = `mutation W($input: AssumeRoleWithWebIdentityInput!) { assumeRoleWithWebIdentity(input: $input) {
  __typename
  ... on AssumeRoleWithWebIdentitySuccess { data { credentials { accessKeyId secretAccessKey sessionToken expiration } assumedRoleUser { arn assumedRoleId } subjectFromWebIdentityToken provider audience } }
  ... on Error { code message }
} }`;

interface AssumeAnswer {
  assumeRoleWithWebIdentity: {
    __typename: string;
    code?: string;
    message?: string;
    data?: { credentials: Credentials; assumedRoleUser: { arn: string }; subjectFromWebIdentityToken: string; provider: string; audience: string };
  };
}

describe.each([...DRIVERS])('assumeRoleWithWebIdentity over HTTP (%s)', (driver) => {
  let warden: RunningWarden;
  let idp: TestIssuer;
  beforeAll(async () => {
    idp = await startTestIssuer('e2e');
    // The server trusts the test's CA through its documented setting, WARDEN_OIDC_CA_FILE, and
    // connects to the loopback issuer because WARDEN_OIDC_ALLOWED_HOSTS names it.
    warden = await startTestWarden(driver, undefined, { env: { WARDEN_OIDC_CA_FILE: idp.caFile, WARDEN_OIDC_ALLOWED_HOSTS: '127.0.0.1' } });
  });
  afterAll(async () => {
    await warden.close();
    await idp.close();
  });

  /** Unsigned, as AWS's SDKs send AssumeRoleWithWebIdentity: the token is the credential. */
  async function assumeUnsigned(input: Record<string, unknown>): Promise<{ status: number; body: { data?: AssumeAnswer; errors?: unknown[] } }> {
    const response = await fetch(warden.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: ASSUME, variables: { input } }) });
    return { status: response.status, body: (await response.json()) as { data?: AssumeAnswer; errors?: unknown[] } };
  }

  it("a provider's changes answer the provider as it is after each, and an unknown ARN is NoSuchEntity", async () => {
    const { root } = await newTenant(warden);
    const created = await root.data<{ createOpenIDConnectProvider: { data: { arn: string } } }>(
      'mutation($i: CreateOpenIDConnectProviderInput!) { createOpenIDConnectProvider(input: $i) { ... on CreateOpenIDConnectProviderSuccess { data { arn } } } }',
      { i: { url: idp.issuer, clientIdList: ['sts.amazonaws.com'] } },
    );
    const arn = created.createOpenIDConnectProvider.data.arn;
    const change = async (mutation: string, input: string, fields: Record<string, unknown>) => {
      const answer = await root.data<Record<string, { __typename: string; code?: string; data?: { clientIdList: string[]; thumbprintList: string[]; tags: { key: string; value: string }[] } }>>(
        `mutation($i: ${input}!) { ${mutation}(input: $i) { __typename ... on Error { code } ... on ${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}Success { data { clientIdList thumbprintList tags { key value } } } } }`,
        { i: { openIDConnectProviderArn: arn, ...fields } },
      );
      return answer[mutation]!;
    };
    expect((await change('addClientIDToOpenIDConnectProvider', 'OpenIDConnectProviderClientIDInput', { clientID: 'web' })).data?.clientIdList).toEqual(['sts.amazonaws.com', 'web']);
    expect((await change('removeClientIDFromOpenIDConnectProvider', 'OpenIDConnectProviderClientIDInput', { clientID: 'sts.amazonaws.com' })).data?.clientIdList).toEqual(['web']);
    const thumbprint = 'a'.repeat(40);
    expect((await change('updateOpenIDConnectProviderThumbprint', 'UpdateOpenIDConnectProviderThumbprintInput', { thumbprintList: [thumbprint] })).data?.thumbprintList).toEqual([thumbprint]);
    expect((await change('tagOpenIDConnectProvider', 'TagOpenIDConnectProviderInput', { tags: [{ key: 'team', value: 'ci' }] })).data?.tags).toEqual([{ key: 'team', value: 'ci' }]);
    expect((await change('untagOpenIDConnectProvider', 'UntagOpenIDConnectProviderInput', { tagKeys: ['team'] })).data?.tags).toEqual([]);
    const unknown = await root.data<Record<string, { __typename: string; code?: string }>>(
      'mutation($i: OpenIDConnectProviderClientIDInput!) { addClientIDToOpenIDConnectProvider(input: $i) { __typename ... on Error { code } } }',
      { i: { openIDConnectProviderArn: `${arn}-none`, clientID: 'web' } },
    );
    expect(unknown['addClientIDToOpenIDConnectProvider']).toMatchObject({ __typename: 'NoSuchEntityError', code: 'NoSuchEntity' });
  });

  async function setUp() {
    const { root, accountId } = await newTenant(warden);
    const provider = await root.data<{ createOpenIDConnectProvider: { __typename: string; data: { arn: string; url: string } } }>(
      'mutation($i: CreateOpenIDConnectProviderInput!) { createOpenIDConnectProvider(input: $i) { __typename ... on CreateOpenIDConnectProviderSuccess { data { arn url } } } }',
      { i: { url: idp.issuer, clientIdList: ['sts.amazonaws.com'] } },
    );
    expect(provider.createOpenIDConnectProvider).toMatchObject({ __typename: 'CreateOpenIDConnectProviderSuccess', data: { url: idp.url } });
    const providerArn = provider.createOpenIDConnectProvider.data.arn;
    const trust = doc({
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${idp.url}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${idp.url}:sub`]: 'repo:acme/*' } },
    });
    await root.data('mutation($i: CreateRoleInput!) { createRole(input: $i) { __typename } }', { i: { roleName: 'deploy', assumeRolePolicyDocument: trust } });
    await root.data('mutation($d: String!) { putRolePolicy(input: { roleName: "deploy", policyName: "p", policyDocument: $d }) { __typename } }', {
      d: doc({ Effect: 'Allow', Action: ['iam:ListUsers', 'iam:ListRoles'], Resource: '*' }),
    });
    return { root, accountId, roleArn: `arn:aws:iam::${accountId}:role/deploy` };
  }

  it('is admitted unsigned; its credentials sign requests as the assumed role, with the role policy and the session policy applied, until its role revokes them', async () => {
    const { root, accountId, roleArn } = await setUp();
    const token = await idp.sign({ sub: 'repo:acme/app:ref:refs/heads/main', aud: 'sts.amazonaws.com' });
    const answer = await assumeUnsigned({ roleArn, roleSessionName: 'gh-run-1', webIdentityToken: token });
    expect(answer.status).toBe(200);
    const result = answer.body.data!.assumeRoleWithWebIdentity;
    expect(result).toMatchObject({
      __typename: 'AssumeRoleWithWebIdentitySuccess',
      data: {
        assumedRoleUser: { arn: `arn:aws:sts::${accountId}:assumed-role/deploy/gh-run-1` },
        subjectFromWebIdentityToken: 'repo:acme/app:ref:refs/heads/main',
        provider: idp.issuer,
        audience: 'sts.amazonaws.com',
      },
    });
    const session = new SignedClient(warden.url, result.data!.credentials);
    const who = await session.data<{ callerIdentity: { arn: string } }>('{ callerIdentity { arn } }');
    expect(who.callerIdentity.arn).toBe(`arn:aws:sts::${accountId}:assumed-role/deploy/gh-run-1`);
    expect((await session.data<{ users: { __typename: string } }>('{ users(first: 1) { __typename } }')).users.__typename).toBe('UsersSuccess');
    expect((await session.data<{ createUser: { __typename: string } }>('mutation { createUser(input: { userName: "x" }) { __typename } }')).createUser.__typename).toBe('AccessDeniedError');

    // A session policy narrows the role's permissions.
    const narrowed = await assumeUnsigned({
      roleArn,
      roleSessionName: 'gh-run-2',
      webIdentityToken: await idp.sign({ sub: 'repo:acme/app:ref:refs/heads/main', aud: 'sts.amazonaws.com' }),
      policy: doc({ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }),
    });
    const narrow = new SignedClient(warden.url, narrowed.body.data!.assumeRoleWithWebIdentity.data!.credentials);
    expect((await narrow.data<{ roles: { __typename: string } }>('{ roles(first: 1) { __typename } }')).roles.__typename).toBe('RolesSuccess');
    expect((await narrow.data<{ users: { __typename: string } }>('{ users(first: 1) { __typename } }')).users.__typename).toBe('AccessDeniedError');

    // An ordinary role session: revokeRoleSessions cuts it off.
    await new Promise((resolve) => setTimeout(resolve, 10));
    await root.data('mutation { revokeRoleSessions(input: { roleName: "deploy" }) { __typename } }');
    const revoked = await session.request('{ callerIdentity { arn } }');
    expect(revoked.status).toBe(401);
    expect(revoked.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
  });

  it("answers AWS's error codes as typed members: replay, audience, expiry, trust", async () => {
    const { roleArn } = await setUp();
    const token = await idp.sign({ sub: 'repo:acme/app', aud: 'sts.amazonaws.com' });
    expect((await assumeUnsigned({ roleArn, roleSessionName: 's1', webIdentityToken: token })).body.data!.assumeRoleWithWebIdentity.__typename).toBe('AssumeRoleWithWebIdentitySuccess');
    expect((await assumeUnsigned({ roleArn, roleSessionName: 's1', webIdentityToken: token })).body.data!.assumeRoleWithWebIdentity).toMatchObject({
      __typename: 'InvalidIdentityTokenError',
      code: 'InvalidIdentityToken',
    });
    const wrongAudience = await assumeUnsigned({ roleArn, roleSessionName: 's2', webIdentityToken: await idp.sign({ sub: 'repo:acme/app', aud: 'other' }) });
    expect(wrongAudience.body.data!.assumeRoleWithWebIdentity).toMatchObject({ code: 'InvalidIdentityToken', message: expect.stringContaining('Incorrect token audience') });
    const now = Math.floor(Date.now() / 1000);
    const expired = await assumeUnsigned({ roleArn, roleSessionName: 's3', webIdentityToken: await idp.sign({ sub: 'repo:acme/app', aud: 'sts.amazonaws.com', iat: now - 7200, exp: now - 3600 }) });
    expect(expired.body.data!.assumeRoleWithWebIdentity).toMatchObject({ __typename: 'ExpiredTokenError', code: 'ExpiredToken' });
    const otherRepo = await assumeUnsigned({ roleArn, roleSessionName: 's4', webIdentityToken: await idp.sign({ sub: 'repo:evil/app', aud: 'sts.amazonaws.com' }) });
    expect(otherRepo.body.data!.assumeRoleWithWebIdentity).toMatchObject({ __typename: 'AccessDeniedError', code: 'AccessDenied' });
  });

  it('admits only this operation unsigned: anything else alongside it is refused as unauthenticated', async () => {
    const { roleArn } = await setUp();
    const response = await fetch(warden.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation($input: AssumeRoleWithWebIdentityInput!) { assumeRoleWithWebIdentity(input: $input) { __typename } createUser(input: { userName: "x" }) { __typename } }`,
        variables: { input: { roleArn, roleSessionName: 's', webIdentityToken: await idp.sign({ sub: 'repo:acme/app', aud: 'sts.amazonaws.com' }) } },
      }),
    });
    expect(response.status).toBe(401);
  });
});
