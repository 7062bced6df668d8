import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/**
 * `authorize` and `authorizeBatch` over GraphQL answer from compiled policy sets when the account's
 * cache is warm and read the database when it is cold. The same request must get the same answer
 * either way: the same decision, or the same typed error with an encoded message that decodes to the
 * same decision. Each request is sent cold (right after a write), then after the tenant root sent it
 * (the principal asked about is compiled at that epoch), then once more (the caller's own policy set
 * is compiled too).
 */
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

const AUTHORIZE = `query($i: AuthorizeInput!) { authorize(input: $i) {
  __typename
  ... on AuthorizeSuccess { data { decision reason } }
  ... on AccessDeniedError { encodedAuthorizationMessage }
  ... on Error { code message }
} }`;
const AUTHORIZE_BATCH = `query($r: [AuthorizeInput!]!) { authorizeBatch(input: { requests: $r }) {
  __typename
  ... on AuthorizeBatchSuccess { data { decision reason } }
  ... on AccessDeniedError { encodedAuthorizationMessage }
  ... on Error { code message }
} }`;
const DECODE = 'query($m: String!) { decodeAuthorizationMessage(input: { encodedMessage: $m }) { __typename ... on DecodeAuthorizationMessageSuccess { data } } }';

type Result = { __typename: string; data?: unknown; code?: string; message?: string; encodedAuthorizationMessage?: string | null };
type AuthorizeRequest = { principal: string; action: string; resource: string; context?: Record<string, string> };

describe.each([...DRIVERS])('authorize answers the same from a warm and a cold cache (%s)', (driver) => {
  let warden: RunningWarden;
  beforeAll(async () => {
    warden = await startTestWarden(driver);
  });
  afterAll(async () => {
    await warden.close();
  });

  async function userWithKey(root: SignedClient, userName: string, setup: (root: SignedClient) => Promise<unknown> = () => Promise.resolve(undefined)): Promise<SignedClient> {
    await root.data('mutation($n: String!) { createUser(input: { userName: $n }) { __typename } }', { n: userName });
    await setup(root);
    const key = await root.data<{ createAccessKey: { data: Credentials } }>(
      'mutation($n: String!) { createAccessKey(input: { userName: $n }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
      { n: userName },
    );
    return new SignedClient(warden.url, key.createAccessKey.data);
  }

  /**
   * User `u` may SimulatePrincipalPolicy (IAMReadOnlyAccess) and GetFederationToken, as in issue
   * 12's reproduction; role `r` trusts it and has IAMReadOnlyAccess too.
   */
  async function tenant() {
    const { root, accountId } = await newTenant(warden);
    const uArn = `arn:aws:iam::${accountId}:user/u`;
    const u = await userWithKey(root, 'u', async (admin) => {
      await admin.data('mutation { attachUserPolicy(input: { userName: "u", policyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess" }) { __typename } }');
      await admin.data('mutation($d: String!) { putUserPolicy(input: { userName: "u", policyName: "federate", policyDocument: $d }) { __typename } }', {
        d: doc({ Effect: 'Allow', Action: 'sts:GetFederationToken', Resource: '*' }),
      });
    });
    const role = await root.data<{ createRole: { data: { arn: string } } }>(
      'mutation($d: String!) { createRole(input: { roleName: "r", assumeRolePolicyDocument: $d }) { ... on CreateRoleSuccess { data { arn } } } }',
      {
        d: doc({ Effect: 'Allow', Principal: { AWS: uArn }, Action: 'sts:AssumeRole' }),
      },
    );
    await root.data('mutation { attachRolePolicy(input: { roleName: "r", policyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess" }) { __typename } }');
    return { root, accountId, uArn, u, roleArn: role.createRole.data.arn };
  }

  async function federate(u: SignedClient, policy?: string): Promise<{ client: SignedClient; arn: string }> {
    const result = await u.data<{ getFederationToken: { __typename: string; data: { credentials: Credentials; federatedUser: { arn: string } } } }>(
      'mutation($p: String) { getFederationToken(input: { name: "fed", policy: $p }) { __typename ... on GetFederationTokenSuccess { data { credentials { accessKeyId secretAccessKey sessionToken } federatedUser { arn } } } } }',
      { p: policy ?? null },
    );
    expect(result.getFederationToken.__typename).toBe('GetFederationTokenSuccess');
    return { client: new SignedClient(warden.url, result.getFederationToken.data.credentials), arn: result.getFederationToken.data.federatedUser.arn };
  }

  const bump = (root: SignedClient) => root.data('mutation($n: String!) { createUser(input: { userName: $n }) { __typename } }', { n: `bump-${Math.random().toString(36).slice(2, 8)}` });

  /** One answer with its encoded message decoded (by the root) and the request's own time left out. */
  async function comparable(root: SignedClient, result: Result): Promise<unknown> {
    const { encodedAuthorizationMessage, ...rest } = result;
    if (!encodedAuthorizationMessage) return { ...rest, encodedAuthorizationMessage: encodedAuthorizationMessage ?? null };
    const decoded = await root.data<{ decodeAuthorizationMessage: { data: { time: string; context: { conditions: Record<string, unknown> } } } }>(DECODE, { m: encodedAuthorizationMessage });
    const { time: _time, ...decision } = decoded.decodeAuthorizationMessage.data;
    const { 'aws:CurrentTime': _now, 'aws:EpochTime': _epoch, ...conditions } = decision.context.conditions;
    return { ...rest, decoded: { ...decision, context: { ...decision.context, conditions } } };
  }

  /** Sends one authorize and one authorizeBatch of `request` cold, after the root, and again; returns the six comparable answers. */
  async function coldAndWarm(root: SignedClient, caller: SignedClient, request: AuthorizeRequest): Promise<unknown[]> {
    const sends = [
      async (client: SignedClient) => (await client.data<{ authorize: Result }>(AUTHORIZE, { i: request })).authorize,
      async (client: SignedClient) => (await client.data<{ authorizeBatch: Result }>(AUTHORIZE_BATCH, { r: [request, request] })).authorizeBatch,
    ];
    const answers: unknown[] = [];
    for (const send of sends) {
      await bump(root);
      answers.push(await comparable(root, await send(caller)));
      await bump(root);
      await send(root);
      answers.push(await comparable(root, await send(caller)));
      answers.push(await comparable(root, await send(caller)));
    }
    return answers;
  }

  /** The cold answer, after checking that the warm ones equal it, single and batched. */
  function sameEachWay(answers: unknown[]): unknown {
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[4]).toEqual(answers[3]);
    expect(answers[5]).toEqual(answers[3]);
    return answers[0];
  }

  it('a federated user is held to its session policy, cold or warm', async () => {
    const { root, uArn, u } = await tenant();
    const fed = await federate(u, doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }));
    const answers = await coldAndWarm(root, fed.client, { principal: uArn, action: 'iam:DeleteUser', resource: '*' });
    expect(sameEachWay(answers)).toMatchObject({
      __typename: 'AccessDeniedError',
      message: `User: ${fed.arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${uArn} because no session policy allows the iam:SimulatePrincipalPolicy action`,
      decoded: { allowed: false, explicitDeny: false, context: { principal: fed.arn, action: 'iam:SimulatePrincipalPolicy', resource: uArn } },
    });
    expect(answers[3]).toMatchObject({ __typename: 'AccessDeniedError' });
  });

  it('a federation token without a policy has no permissions, cold or warm (AWS GetFederationToken: "if you do not pass any session policies, then the resulting federated user session has no permissions")', async () => {
    const { root, uArn, u } = await tenant();
    const fed = await federate(u);
    const answers = await coldAndWarm(root, fed.client, { principal: uArn, action: 'iam:DeleteUser', resource: '*' });
    expect(sameEachWay(answers)).toMatchObject({
      __typename: 'AccessDeniedError',
      message: `User: ${fed.arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${uArn} with an explicit deny in a session policy`,
      decoded: { explicitDeny: true },
    });
  });

  it("an assumed-role session is held to its session policy, cold or warm; without one it has the role's permissions", async () => {
    const { root, accountId, uArn, u, roleArn } = await tenant();
    const ASSUME = 'mutation($i: AssumeRoleInput!) { assumeRole(input: $i) { ... on AssumeRoleSuccess { data { credentials { accessKeyId secretAccessKey sessionToken } } } } }';
    const assume = async (input: Record<string, unknown>) =>
      new SignedClient(warden.url, (await u.data<{ assumeRole: { data: { credentials: Credentials } } }>(ASSUME, { i: { roleArn, ...input } })).assumeRole.data.credentials);
    const narrow = await assume({ roleSessionName: 'narrow', policy: doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }) });
    expect(sameEachWay(await coldAndWarm(root, narrow, { principal: uArn, action: 'iam:DeleteUser', resource: '*' }))).toMatchObject({
      __typename: 'AccessDeniedError',
      message: `User: arn:aws:sts::${accountId}:assumed-role/r/narrow is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${uArn} because no session policy allows the iam:SimulatePrincipalPolicy action`,
    });
    const full = await assume({ roleSessionName: 'full' });
    expect(sameEachWay(await coldAndWarm(root, full, { principal: uArn, action: 'iam:DeleteUser', resource: '*' }))).toMatchObject({
      __typename: 'AuthorizeSuccess',
      data: { decision: 'implicit_deny' },
    });
  });

  it('a denied caller gets an encoded message on either path, and both decode to the same decision', async () => {
    const { root, uArn } = await tenant();
    const v = await userWithKey(root, 'v');
    const answers = await coldAndWarm(root, v, { principal: uArn, action: 'iam:DeleteUser', resource: '*' });
    expect(sameEachWay(answers)).toMatchObject({
      __typename: 'AccessDeniedError',
      decoded: { allowed: false, context: { action: 'iam:SimulatePrincipalPolicy', resource: uArn, conditions: { 'aws:username': 'v' } } },
    });
    expect(answers[3]).toMatchObject({ __typename: 'AccessDeniedError', decoded: { allowed: false } });
  });

  it('an allowed caller gets the same decision either way', async () => {
    const { root, uArn, u } = await tenant();
    expect(sameEachWay(await coldAndWarm(root, u, { principal: uArn, action: 'iam:ListUsers', resource: '*' }))).toMatchObject({ __typename: 'AuthorizeSuccess', data: { decision: 'allow' } });
  });

  it("context cannot set a key of the principal (a typed InvalidInputError naming it, either way), while aws:SourceIp is the caller's to give", async () => {
    const { root, accountId } = await newTenant(warden);
    await root.data('mutation { createUser(input: { userName: "alice", tags: [{ key: "team", value: "blue" }] }) { __typename } }');
    await root.data('mutation($d: String!) { putUserPolicy(input: { userName: "alice", policyName: "p", policyDocument: $d }) { __typename } }', {
      d: doc(
        { Effect: 'Allow', Action: 'iam:GetUser', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
      ),
    });
    const alice = `arn:aws:iam::${accountId}:user/alice`;
    for (const key of ['aws:PrincipalTag/team', 'AWS:principaltag/TEAM', 'aws:username', 'aws:PrincipalArn', 'aws:userid', 'aws:CurrentTime']) {
      const value = key === 'aws:CurrentTime' ? '2020-01-01T00:00:00Z' : 'red';
      const answer = sameEachWay(await coldAndWarm(root, root, { principal: alice, action: 'iam:GetUser', resource: '*', context: { [key]: value } }));
      expect(answer).toMatchObject({ __typename: 'InvalidInputError', code: 'InvalidInput' });
      expect((answer as Result).message).toContain(JSON.stringify(key));
    }
    expect(sameEachWay(await coldAndWarm(root, root, { principal: alice, action: 'iam:GetUser', resource: '*' }))).toMatchObject({ data: { decision: 'implicit_deny' } });
    expect(sameEachWay(await coldAndWarm(root, root, { principal: alice, action: 's3:GetObject', resource: '*', context: { 'aws:SourceIp': '203.0.113.5' } }))).toMatchObject({
      data: { decision: 'allow' },
    });
  });
});
