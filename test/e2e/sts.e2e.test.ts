import { authenticate, AuthenticationError, type RunningWarden } from '@warden/api';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const WHO_AM_I = '{ callerIdentity { account arn userId } }';
const LIST_USERS = '{ users(first: 1) { __typename ... on UsersSuccess { data { edges { node { userName } } } } ... on Error { code } } }';
const ASSUME = `mutation($input: AssumeRoleInput!) { assumeRole(input: $input) {
  __typename
  ... on AssumeRoleSuccess { data { credentials { accessKeyId secretAccessKey sessionToken expiration } assumedRoleUser { arn assumedRoleId } } }
  ... on Error { code message }
} }`;

type AssumeResult = { assumeRole: { __typename: string; message?: string; data?: { credentials: Credentials & { expiration: string }; assumedRoleUser: { arn: string; assumedRoleId: string } } } };

describe.each([...DRIVERS])('STS over HTTP (%s)', (driver) => {
  let warden: RunningWarden;
  beforeAll(async () => {
    warden = await startTestWarden(driver);
  });
  afterAll(async () => {
    await warden.close();
  });

  async function userWithKey(root: SignedClient, userName: string, inlinePolicy?: string): Promise<SignedClient> {
    await root.data('mutation($n: String!) { createUser(input: { userName: $n }) { __typename } }', { n: userName });
    if (inlinePolicy)
      await root.data('mutation($n: String!, $d: String!) { putUserPolicy(input: { userName: $n, policyName: "p", policyDocument: $d }) { __typename } }', { n: userName, d: inlinePolicy });
    const key = await root.data<{ createAccessKey: { data: Credentials } }>(
      'mutation($n: String!) { createAccessKey(input: { userName: $n }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
      { n: userName },
    );
    return new SignedClient(warden.url, key.createAccessKey.data);
  }

  async function createRole(root: SignedClient, roleName: string, trust: string, policy?: string, maxSessionDuration?: number): Promise<string> {
    const created = await root.data<{ createRole: { __typename: string; data: { arn: string } } }>(
      'mutation($i: CreateRoleInput!) { createRole(input: $i) { __typename ... on CreateRoleSuccess { data { arn } } } }',
      { i: { roleName, assumeRolePolicyDocument: trust, ...(maxSessionDuration ? { maxSessionDuration } : {}) } },
    );
    expect(created.createRole.__typename).toBe('CreateRoleSuccess');
    if (policy) await root.data('mutation($n: String!, $d: String!) { putRolePolicy(input: { roleName: $n, policyName: "p", policyDocument: $d }) { __typename } }', { n: roleName, d: policy });
    return created.createRole.data.arn;
  }

  const assume = (client: SignedClient, input: Record<string, unknown>) => client.data<AssumeResult>(ASSUME, { input });
  const session = (result: AssumeResult) => new SignedClient(warden.url, result.assumeRole.data!.credentials);

  it("same account: a trust policy naming the user allows it with no identity policy; the session signs with its token and has the role's permissions", async () => {
    const { root, accountId } = await newTenant(warden);
    const alice = await userWithKey(root, 'alice');
    const roleArn = await createRole(
      root,
      'reader',
      doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:user/alice` }, Action: 'sts:AssumeRole' }),
      doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }),
    );
    const result = await assume(alice, { roleArn, roleSessionName: 'work' });
    expect(result.assumeRole.__typename).toBe('AssumeRoleSuccess');
    const { credentials, assumedRoleUser } = result.assumeRole.data!;
    expect(credentials.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(assumedRoleUser.arn).toBe(`arn:aws:sts::${accountId}:assumed-role/reader/work`);
    expect(assumedRoleUser.assumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:work$/);
    const role = session(result);
    expect((await role.data<{ callerIdentity: { arn: string; userId: string } }>(WHO_AM_I)).callerIdentity).toMatchObject({ arn: assumedRoleUser.arn, userId: assumedRoleUser.assumedRoleId });
    const users = await role.data<{ users: { data: { edges: unknown[] } } }>('{ users(first: 10) { ... on UsersSuccess { data { edges { node { userName } } } } } }');
    expect(users.users.data.edges).toHaveLength(1);
    const denied = await role.data<{ createUser: { __typename: string; message: string } }>('mutation { createUser(input: { userName: "x" }) { __typename ... on Error { message } } }');
    expect(denied.createUser.__typename).toBe('AccessDeniedError');
    expect(denied.createUser.message).toContain(`User: ${assumedRoleUser.arn} is not authorized to perform: iam:CreateUser`);
    // Without its session token the temporary key is refused.
    const tokenless = await new SignedClient(warden.url, { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey }).request(WHO_AM_I);
    expect(tokenless.status).toBe(401);
    expect(tokenless.body.errors?.[0]?.extensions?.['reason']).toBe('INVALID_SECURITY_TOKEN');
  });

  it('a trust policy naming the account delegates: the user also needs sts:AssumeRole in its own policies', async () => {
    const { root, accountId } = await newTenant(warden);
    const bob = await userWithKey(root, 'bob');
    const roleArn = await createRole(root, 'ops', doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }));
    const denied = await assume(bob, { roleArn, roleSessionName: 'sess' });
    expect(denied.assumeRole.__typename).toBe('AccessDeniedError');
    expect(denied.assumeRole.message).toContain('because no identity-based policy allows the sts:AssumeRole action');
    await root.data('mutation($d: String!) { putUserPolicy(input: { userName: "bob", policyName: "assume", policyDocument: $d }) { __typename } }', {
      d: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }),
    });
    expect((await assume(bob, { roleArn, roleSessionName: 'sess' })).assumeRole.__typename).toBe('AssumeRoleSuccess');
  });

  it("cross account: the role's trust policy and the caller's own policies must both allow; the external id is checked", async () => {
    const a = await newTenant(warden);
    const b = await newTenant(warden);
    const roleArn = await createRole(
      b.root,
      'partner',
      doc({ Effect: 'Allow', Principal: { AWS: a.accountId }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'ext-1234' } } }),
      doc({ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }),
    );
    const withoutPolicy = await userWithKey(a.root, 'carol');
    expect((await assume(withoutPolicy, { roleArn, roleSessionName: 'sess', externalId: 'ext-1234' })).assumeRole.__typename).toBe('AccessDeniedError');
    const dave = await userWithKey(a.root, 'dave', doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }));
    expect((await assume(dave, { roleArn, roleSessionName: 'sess' })).assumeRole.__typename).toBe('AccessDeniedError');
    expect((await assume(dave, { roleArn, roleSessionName: 'sess', externalId: 'wrong-id' })).assumeRole.__typename).toBe('AccessDeniedError');
    const ok = await assume(dave, { roleArn, roleSessionName: 'sess', externalId: 'ext-1234' });
    expect(ok.assumeRole.data!.assumedRoleUser.arn).toBe(`arn:aws:sts::${b.accountId}:assumed-role/partner/sess`);
    const roles = await session(ok).data<{ roles: { data: { edges: { node: { roleName: string } }[] } } }>('{ roles(first: 5) { ... on RolesSuccess { data { edges { node { roleName } } } } } }');
    expect(roles.roles.data.edges.map((edge) => edge.node.roleName)).toEqual(['OrganizationAccountAccessRole', 'partner']);
  });

  it('a trust policy that names someone else denies, and so does a role that does not exist', async () => {
    const { root, accountId } = await newTenant(warden);
    const erin = await userWithKey(root, 'erin', doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }));
    const roleArn = await createRole(root, 'private', doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }));
    const denied = await assume(erin, { roleArn, roleSessionName: 'sess' });
    expect(denied.assumeRole.message).toContain('because no role trust policy allows the sts:AssumeRole action');
    expect((await assume(erin, { roleArn: `arn:aws:iam::${accountId}:role/nope`, roleSessionName: 'sess' })).assumeRole.__typename).toBe('AccessDeniedError');
  });

  it("session policies intersect the role's permissions, and durations are bounded (chaining to one hour)", async () => {
    const { root, accountId } = await newTenant(warden);
    const fay = await userWithKey(root, 'fay');
    const trust = doc({ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${accountId}:user/fay`, `arn:aws:iam::${accountId}:role/first`] }, Action: 'sts:AssumeRole' });
    const roleArn = await createRole(root, 'first', trust, doc({ Effect: 'Allow', Action: ['iam:ListUsers', 'iam:ListRoles', 'iam:GetRole'], Resource: '*' }), 7200);
    const secondArn = await createRole(root, 'second', trust, doc({ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }));
    const narrowed = session(await assume(fay, { roleArn, roleSessionName: 'narrow', policy: doc({ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }) }));
    expect((await narrowed.data<{ roles: { data: { edges: unknown[] } } }>('{ roles(first: 5) { ... on RolesSuccess { data { edges { node { roleName } } } } } }')).roles.data.edges).toHaveLength(3);
    const denied = await narrowed.data<{ users: { __typename: string } }>('{ users(first: 5) { __typename } }');
    expect(denied.users.__typename).toBe('AccessDeniedError');
    expect((await assume(fay, { roleArn, roleSessionName: 'long', durationSeconds: 7201 })).assumeRole.__typename).toBe('InvalidInputError');
    expect((await assume(fay, { roleArn, roleSessionName: 'short', durationSeconds: 899 })).assumeRole.__typename).toBe('InvalidInputError');
    const first = session(await assume(fay, { roleArn, roleSessionName: 'hop', durationSeconds: 7200 }));
    const chainedTooLong = await assume(first, { roleArn: secondArn, roleSessionName: 'hop2', durationSeconds: 7200 });
    expect(chainedTooLong.assumeRole).toMatchObject({ __typename: 'InvalidInputError', message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.' });
    expect((await assume(first, { roleArn: secondArn, roleSessionName: 'hop2', durationSeconds: 3600 })).assumeRole.__typename).toBe('AssumeRoleSuccess');
  });

  it('session tags become aws:PrincipalTag (with sts:TagSession allowed by the trust policy)', async () => {
    const { root, accountId } = await newTenant(warden);
    const gus = await userWithKey(root, 'gus');
    const roleArn = await createRole(
      root,
      'tagged',
      doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:user/gus` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }),
      doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }),
    );
    const blue = session(await assume(gus, { roleArn, roleSessionName: 'blue', tags: [{ key: 'team', value: 'blue' }] }));
    const red = session(await assume(gus, { roleArn, roleSessionName: 'red', tags: [{ key: 'team', value: 'red' }] }));
    expect((await blue.data<{ users: { __typename: string } }>(LIST_USERS)).users.__typename).toBe('UsersSuccess');
    expect((await red.data<{ users: { __typename: string; code: string } }>(LIST_USERS)).users).toMatchObject({ __typename: 'AccessDeniedError', code: 'AccessDenied' });
  });

  it("revoking a role's sessions refuses the ones issued before, and a new session works", async () => {
    const { root, accountId } = await newTenant(warden);
    const hal = await userWithKey(root, 'hal');
    const roleArn = await createRole(root, 'revocable', doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:user/hal` }, Action: 'sts:AssumeRole' }));
    const old = session(await assume(hal, { roleArn, roleSessionName: 'old' }));
    expect((await old.request(WHO_AM_I)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await root.data('mutation { revokeRoleSessions(input: { roleName: "revocable" }) { __typename } }');
    const refused = await old.request(WHO_AM_I);
    expect(refused.status).toBe(401);
    // Its own reason: the session's key was never deactivated, its role cut it off.
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const fresh = session(await assume(hal, { roleArn, roleSessionName: 'new' }));
    expect((await fresh.request(WHO_AM_I)).status).toBe(200);
  });

  it('getSessionToken gives a user temporary credentials with its own permissions; getFederationToken intersects with the passed policy', async () => {
    const { root, accountId } = await newTenant(warden);
    const ivy = await userWithKey(root, 'ivy', doc({ Effect: 'Allow', Action: ['iam:ListUsers', 'iam:ListGroups', 'sts:GetFederationToken'], Resource: '*' }));
    const token = await ivy.data<{ getSessionToken: { data: Credentials } }>(
      'mutation { getSessionToken(input: { durationSeconds: 900 }) { ... on GetSessionTokenSuccess { data { accessKeyId secretAccessKey sessionToken } } } }',
    );
    const temp = new SignedClient(warden.url, token.getSessionToken.data);
    expect((await temp.data<{ callerIdentity: { arn: string } }>(WHO_AM_I)).callerIdentity.arn).toBe(`arn:aws:iam::${accountId}:user/ivy`);
    expect((await temp.data<{ users: { __typename: string } }>(LIST_USERS)).users.__typename).toBe('UsersSuccess');
    const federation = await ivy.data<{ getFederationToken: { data: { credentials: Credentials; federatedUser: { arn: string } } } }>(
      'mutation($p: String!) { getFederationToken(input: { name: "partner", policy: $p }) { ... on GetFederationTokenSuccess { data { credentials { accessKeyId secretAccessKey sessionToken } federatedUser { arn } } } } }',
      { p: doc({ Effect: 'Allow', Action: ['iam:ListGroups', 'iam:CreateUser'], Resource: '*' }) },
    );
    expect(federation.getFederationToken.data.federatedUser.arn).toBe(`arn:aws:sts::${accountId}:federated-user/partner`);
    const federated = new SignedClient(warden.url, federation.getFederationToken.data.credentials);
    expect((await federated.data<{ groups: { __typename: string } }>('{ groups(first: 1) { __typename ... on GroupsSuccess { data { edges { node { groupName } } } } } }')).groups.__typename).toBe(
      'GroupsSuccess',
    );
    expect((await federated.data<{ users: { __typename: string; code: string } }>(LIST_USERS)).users).toMatchObject({ __typename: 'AccessDeniedError', code: 'AccessDenied' });
    const createUser = await federated.data<{ createUser: { __typename: string } }>('mutation { createUser(input: { userName: "sneaky" }) { __typename } }');
    expect(createUser.createUser.__typename).toBe('AccessDeniedError');
  });

  it('refuses temporary credentials after they expire, whatever any worker did', async () => {
    const { root, accountId } = await newTenant(warden);
    const jan = await userWithKey(root, 'jan');
    const roleArn = await createRole(root, 'brief', doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:user/jan` }, Action: 'sts:AssumeRole' }));
    const { credentials } = (await assume(jan, { roleArn, roleSessionName: 'brief', durationSeconds: 900 })).assumeRole.data!;
    const signAt = async (when: Date) => {
      const { accessKeyId, secretAccessKey, sessionToken } = credentials;
      const signer = new SignatureV4({ service: 'warden', region: 'us-east-1', credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }, sha256: Sha256 });
      const body = JSON.stringify({ query: WHO_AM_I });
      const signed = await signer.sign(
        { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4000, path: '/graphql', query: {}, headers: { host: '127.0.0.1:4000', 'content-type': 'application/json' }, body },
        { signingDate: when },
      );
      const headers = Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value]));
      return authenticate(
        { method: 'POST', path: '/graphql', query: '', headers, body },
        { requestId: 'r', sourceIp: undefined, userAgent: undefined, secureTransport: false, now: when },
        { credentials: warden.iam.credentials, region: 'us-east-1' },
      );
    };
    const justBefore = new Date(Date.parse(credentials.expiration) - 1000);
    expect((await signAt(justBefore)).arn).toBe(`arn:aws:sts::${accountId}:assumed-role/brief/brief`);
    const after = new Date(Date.parse(credentials.expiration) + 1000);
    await expect(signAt(after)).rejects.toThrow(AuthenticationError);
    await expect(signAt(after)).rejects.toMatchObject({ extensions: { reason: 'EXPIRED_TOKEN' } });
  });

  it('an AccessDeniedError carries an encoded authorization message that only an allowed principal of the account can decode', async () => {
    const { root } = await newTenant(warden);
    const other = await newTenant(warden);
    const kim = await userWithKey(root, 'kim');
    const denied = await kim.data<{ createUser: { __typename: string; encodedAuthorizationMessage: string } }>(
      'mutation { createUser(input: { userName: "x" }) { __typename ... on AccessDeniedError { encodedAuthorizationMessage } } }',
    );
    const encoded = denied.createUser.encodedAuthorizationMessage;
    expect(encoded).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const DECODE = 'query($m: String!) { decodeAuthorizationMessage(input: { encodedMessage: $m }) { __typename ... on DecodeAuthorizationMessageSuccess { data } } }';
    expect((await kim.data<{ decodeAuthorizationMessage: { __typename: string } }>(DECODE, { m: encoded })).decodeAuthorizationMessage.__typename).toBe('AccessDeniedError');
    const decoded = await root.data<{ decodeAuthorizationMessage: { data: { allowed: boolean; explicitDeny: boolean; context: { action: string; principal: string } } } }>(DECODE, { m: encoded });
    expect(decoded.decodeAuthorizationMessage.data).toMatchObject({ allowed: false, explicitDeny: false, context: { action: 'iam:CreateUser' } });
    expect((await other.root.data<{ decodeAuthorizationMessage: { __typename: string } }>(DECODE, { m: encoded })).decodeAuthorizationMessage.__typename).toBe('InvalidInputError');
  });
});
