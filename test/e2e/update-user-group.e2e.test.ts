import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/**
 * updateUser and updateGroup over GraphQL (issue 12): AWS's rename and path move. A renamed user's
 * access key, and a session it took before, still sign requests, and the caller identity shows the
 * new ARN; its groups and policies come along; the caller needs the permission on both ARNs.
 */
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

const WHO_AM_I = '{ callerIdentity { arn userId } }';
const UPDATE_USER = `mutation($input: UpdateUserInput!) { updateUser(input: $input) {
  __typename
  ... on UpdateUserSuccess { data { userId userName path arn } }
  ... on AccessDeniedError { encodedAuthorizationMessage }
  ... on Error { code message }
} }`;
const UPDATE_GROUP = `mutation($input: UpdateGroupInput!) { updateGroup(input: $input) {
  __typename
  ... on UpdateGroupSuccess { data { groupId groupName path arn users { ... on GroupUsersSuccess { data { userName arn } } } } }
  ... on Error { code message }
} }`;
const LIST_USERS = '{ users(first: 10) { __typename ... on UsersSuccess { data { edges { node { userName } } } } } }';

type Answer<Field extends string, Data> = Record<Field, { __typename: string; data: Data; code?: string; message?: string; encodedAuthorizationMessage?: string | null }>;

describe.each([...DRIVERS])('updateUser and updateGroup over HTTP (%s)', (driver) => {
  let warden: RunningWarden;
  beforeAll(async () => {
    warden = await startTestWarden(driver);
  });
  afterAll(async () => {
    await warden.close();
  });

  async function userWithKey(root: SignedClient, userName: string, path: string, policy: string): Promise<SignedClient> {
    await root.data('mutation($u: String!, $p: String!) { createUser(input: { userName: $u, path: $p }) { __typename } }', { u: userName, p: path });
    await root.data('mutation($u: String!, $d: String!) { putUserPolicy(input: { userName: $u, policyName: "own", policyDocument: $d }) { __typename } }', { u: userName, d: policy });
    const key = await root.data<{ createAccessKey: { data: Credentials } }>(
      'mutation($u: String!) { createAccessKey(input: { userName: $u }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
      { u: userName },
    );
    return new SignedClient(warden.url, key.createAccessKey.data);
  }

  it("renames and moves a user: its key and its session still sign, the caller identity shows the new ARN, its group's policy still applies", async () => {
    const { root, accountId } = await newTenant(warden);
    const alice = await userWithKey(root, 'alice', '/eng/', doc({ Effect: 'Allow', Action: 'sts:GetSessionToken', Resource: '*' }));
    await root.data('mutation { createGroup(input: { groupName: "readers" }) { __typename } }');
    await root.data('mutation { attachGroupPolicy(input: { groupName: "readers", policyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess" }) { __typename } }');
    await root.data('mutation { addUserToGroup(input: { groupName: "readers", userName: "alice" }) { __typename } }');
    const before = await alice.data<{ callerIdentity: { arn: string; userId: string } }>(WHO_AM_I);
    expect(before.callerIdentity.arn).toBe(`arn:aws:iam::${accountId}:user/eng/alice`);
    const token = await alice.data<{ getSessionToken: { data: Credentials } }>(
      'mutation { getSessionToken(input: { durationSeconds: 900 }) { ... on GetSessionTokenSuccess { data { accessKeyId secretAccessKey sessionToken } } } }',
    );
    const session = new SignedClient(warden.url, token.getSessionToken.data);

    const renamed = await root.data<Answer<'updateUser', { userId: string; userName: string; path: string; arn: string }>>(UPDATE_USER, {
      input: { userName: 'alice', newUserName: 'robert', newPath: '/ops/' },
    });
    const newArn = `arn:aws:iam::${accountId}:user/ops/robert`;
    expect(renamed.updateUser).toEqual({ __typename: 'UpdateUserSuccess', data: { userId: before.callerIdentity.userId, userName: 'robert', path: '/ops/', arn: newArn } });

    // The same access key and the session taken before the rename sign, and speak for the new ARN.
    for (const client of [alice, session]) {
      expect((await client.data<{ callerIdentity: { arn: string; userId: string } }>(WHO_AM_I)).callerIdentity).toEqual({ arn: newArn, userId: before.callerIdentity.userId });
      const users = await client.data<{ users: { __typename: string; data: { edges: { node: { userName: string } }[] } } }>(LIST_USERS);
      expect(users.users.data.edges.map((edge) => edge.node.userName)).toEqual(['robert']);
    }
    const old = await root.data<{ user: { __typename: string } }>('{ user(userName: "alice") { __typename } }');
    expect(old.user.__typename).toBe('NoSuchEntityError');
    const group = await root.data<{ group: { data: { users: { data: { userName: string }[] } } } }>(
      '{ group(groupName: "readers") { ... on GroupSuccess { data { users { ... on GroupUsersSuccess { data { userName } } } } } } }',
    );
    expect(group.group.data.users.data).toEqual([{ userName: 'robert' }]);
  });

  it('answers typed errors: a taken name, a bad name or path, an unknown user, and a caller allowed only the old ARN', async () => {
    const { root, accountId } = await newTenant(warden);
    await root.data('mutation { createUser(input: { userName: "ann" }) { __typename } }');
    await root.data('mutation { createUser(input: { userName: "ben" }) { __typename } }');
    const answer = async (client: SignedClient, input: Record<string, unknown>) => (await client.data<Answer<'updateUser', unknown>>(UPDATE_USER, { input })).updateUser;
    expect(await answer(root, { userName: 'ann', newUserName: 'Ben' })).toEqual({ __typename: 'EntityAlreadyExistsError', code: 'EntityAlreadyExists', message: 'User with name Ben already exists.' });
    expect(await answer(root, { userName: 'ann', newUserName: 'ann smith' })).toMatchObject({ __typename: 'InvalidInputError', message: expect.stringContaining('NewUserName may contain only') });
    expect(await answer(root, { userName: 'ann', newPath: 'ops' })).toMatchObject({
      __typename: 'InvalidInputError',
      message: expect.stringContaining('NewPath must begin and end with a forward slash'),
    });
    expect(await answer(root, { userName: 'nobody', newUserName: 'x' })).toMatchObject({ __typename: 'NoSuchEntityError' });

    const oldOnly = await userWithKey(root, 'admin', '/', doc({ Effect: 'Allow', Action: 'iam:UpdateUser', Resource: `arn:aws:iam::${accountId}:user/ann` }));
    const denied = await answer(oldOnly, { userName: 'ann', newUserName: 'anna' });
    expect(denied).toMatchObject({
      __typename: 'AccessDeniedError',
      code: 'AccessDenied',
      message: `User: arn:aws:iam::${accountId}:user/admin is not authorized to perform: iam:UpdateUser on resource: arn:aws:iam::${accountId}:user/anna because no identity-based policy allows the iam:UpdateUser action`,
    });
    expect(denied.encodedAuthorizationMessage).toEqual(expect.any(String));
    expect((await root.data<{ user: { data: { userName: string } } }>('{ user(userName: "ann") { ... on UserSuccess { data { userName } } } }')).user.data.userName).toBe('ann');
  });

  it('renames and moves a group: it keeps its id and users; a taken name is refused', async () => {
    const { root, accountId } = await newTenant(warden);
    const created = await root.data<{ createGroup: { data: { groupId: string } } }>('mutation { createGroup(input: { groupName: "Managers" }) { ... on CreateGroupSuccess { data { groupId } } } }');
    await root.data('mutation { createGroup(input: { groupName: "Testers" }) { __typename } }');
    await root.data('mutation { createUser(input: { userName: "carol" }) { __typename } }');
    await root.data('mutation { addUserToGroup(input: { groupName: "Managers", userName: "carol" }) { __typename } }');
    const taken = await root.data<Answer<'updateGroup', unknown>>(UPDATE_GROUP, { input: { groupName: 'Managers', newGroupName: 'TESTERS' } });
    expect(taken.updateGroup).toEqual({ __typename: 'EntityAlreadyExistsError', code: 'EntityAlreadyExists', message: 'Group with name TESTERS already exists.' });
    const renamed = await root.data<Answer<'updateGroup', unknown>>(UPDATE_GROUP, { input: { groupName: 'managers', newGroupName: 'MGRs', newPath: '/mgmt/' } });
    expect(renamed.updateGroup).toEqual({
      __typename: 'UpdateGroupSuccess',
      data: {
        groupId: created.createGroup.data.groupId,
        groupName: 'MGRs',
        path: '/mgmt/',
        arn: `arn:aws:iam::${accountId}:group/mgmt/MGRs`,
        users: { data: [{ userName: 'carol', arn: `arn:aws:iam::${accountId}:user/carol` }] },
      },
    });
    expect((await root.data<{ group: { __typename: string } }>('{ group(groupName: "Managers") { __typename } }')).group.__typename).toBe('NoSuchEntityError');
  });
});
