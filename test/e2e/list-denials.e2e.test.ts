import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

/** What a denial looks like wherever it happens: the same member, with the decision encrypted. */
const DENIAL = '__typename ... on AccessDeniedError { code message encodedAuthorizationMessage }';
const DECODE = 'query($m: String!) { decodeAuthorizationMessage(input: { encodedMessage: $m }) { __typename ... on DecodeAuthorizationMessageSuccess { data } } }';

interface Denial {
  readonly __typename: string;
  readonly code?: string;
  readonly message?: string;
  readonly encodedAuthorizationMessage?: string | null;
}

/** Every list query: its name, a query selecting the denial and the success, and the action a caller needs. */
const LISTS: readonly (readonly [field: string, query: string, action: string])[] = [
  ['users', `{ users(first: 5) { ${DENIAL} ... on UsersSuccess { data { edges { node { userName } } } } } }`, 'iam:ListUsers'],
  ['groups', `{ groups(first: 5) { ${DENIAL} ... on GroupsSuccess { data { edges { node { groupName } } } } } }`, 'iam:ListGroups'],
  ['roles', `{ roles(first: 5) { ${DENIAL} ... on RolesSuccess { data { edges { node { roleName } } } } } }`, 'iam:ListRoles'],
  ['policies', `{ policies(first: 5) { ${DENIAL} ... on PoliciesSuccess { data { edges { node { policyName } } } } } }`, 'iam:ListPolicies'],
  ['auditEvents', `{ auditEvents(first: 5) { ${DENIAL} ... on AuditEventsSuccess { data { edges { node { type } } } } } }`, 'warden:GetAuditEvents'],
  ['accessKeys', `{ accessKeys(userName: "member") { ${DENIAL} ... on AccessKeysSuccess { data { accessKeyId } } } }`, 'iam:ListAccessKeys'],
  ['unusedAccessKeys', `{ unusedAccessKeys(days: 1) { ${DENIAL} ... on UnusedAccessKeysSuccess { data { accessKeyId } } } }`, 'iam:ListAccessKeys'],
  ['mfaDevices', `{ mfaDevices(assignmentStatus: Any) { ${DENIAL} ... on MfaDevicesSuccess { data { serialNumber } } } }`, 'iam:ListVirtualMFADevices'],
  ['signInLockouts', `{ signInLockouts { ${DENIAL} ... on SignInLockoutsSuccess { data { subject } } } }`, 'iam:GetAccountPasswordPolicy'],
  [
    'accountAuthorizationDetails',
    `{ accountAuthorizationDetails { ${DENIAL} ... on AccountAuthorizationDetailsSuccess { data { users { user { userName } } } } } }`,
    'iam:GetAccountAuthorizationDetails',
  ],
];

describe.each([...DRIVERS])('denied list queries answer a typed AccessDeniedError (%s)', (driver) => {
  let warden: RunningWarden;
  let root: SignedClient;
  let accountId: string;
  let policyArn: string;
  let nobody: SignedClient;
  let lister: SignedClient;

  async function userWithKey(userName: string, inlinePolicy?: string): Promise<SignedClient> {
    await root.data('mutation($n: String!) { createUser(input: { userName: $n }) { __typename } }', { n: userName });
    if (inlinePolicy)
      await root.data('mutation($n: String!, $d: String!) { putUserPolicy(input: { userName: $n, policyName: "p", policyDocument: $d }) { __typename } }', { n: userName, d: inlinePolicy });
    const key = await root.data<{ createAccessKey: { data: Credentials } }>(
      'mutation($n: String!) { createAccessKey(input: { userName: $n }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
      { n: userName },
    );
    return new SignedClient(warden.url, key.createAccessKey.data);
  }

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    ({ root, accountId } = await newTenant(warden));
    nobody = await userWithKey('nobody');
    // May list groups and policies, but not what a group or a policy holds.
    lister = await userWithKey('lister', doc({ Effect: 'Allow', Action: ['iam:ListGroups', 'iam:ListPolicies'], Resource: '*' }));
    await userWithKey('member');
    await root.data('mutation { createGroup(input: { groupName: "team" }) { __typename } }');
    await root.data('mutation { addUserToGroup(input: { groupName: "team", userName: "member" }) { __typename } }');
    await root.data('mutation { createRole(input: { roleName: "worker", assumeRolePolicyDocument: "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[]}" }) { __typename } }');
    const policy = await root.data<{ createPolicy: { data: { arn: string } } }>(
      'mutation($d: String!) { createPolicy(input: { policyName: "Readers", policyDocument: $d }) { ... on CreatePolicySuccess { data { arn } } } }',
      { d: doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }) },
    );
    policyArn = policy.createPolicy.data.arn;
  });
  afterAll(async () => {
    await warden.close();
  });

  /** Decodes the message as the account's root, which may: the denied request as the caller made it. */
  async function decoded(denial: Denial): Promise<{ allowed: boolean; context: { action: string; principal: string } }> {
    expect(denial.encodedAuthorizationMessage).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const answer = await root.data<{ decodeAuthorizationMessage: { __typename: string; data: { allowed: boolean; context: { action: string; principal: string } } } }>(DECODE, {
      m: denial.encodedAuthorizationMessage,
    });
    expect(answer.decodeAuthorizationMessage.__typename).toBe('DecodeAuthorizationMessageSuccess');
    return answer.decodeAuthorizationMessage.data;
  }

  it.each(LISTS)('%s: a caller without permission gets AccessDeniedError with an encoded message naming the action', async (field, query, action) => {
    const answer = await nobody.request<Record<string, Denial>>(query);
    expect(answer.body.errors).toBeUndefined();
    const denial = answer.body.data![field]!;
    expect(denial).toMatchObject({
      __typename: 'AccessDeniedError',
      code: 'AccessDenied',
      message: expect.stringContaining(`User: arn:aws:iam::${accountId}:user/nobody is not authorized to perform: ${action} on resource: `),
    });
    expect(await decoded(denial)).toMatchObject({ allowed: false, context: { action, principal: `arn:aws:iam::${accountId}:user/nobody` } });
  });

  it.each(LISTS)('%s: an allowed caller gets the success member, its list under data', async (field, query) => {
    const answer = await root.request<Record<string, { __typename: string; data: unknown }>>(query);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data![field]!.__typename).toBe(`${field.charAt(0).toUpperCase()}${field.slice(1)}Success`);
    expect(answer.body.data![field]!.data).toBeDefined();
  });

  it("a list denial has the shape of a single read's denial", async () => {
    const single = await nobody.data<{ user: Denial }>(`{ user(userName: "member") { ${DENIAL} } }`);
    const list = await nobody.data<{ users: Denial }>(`{ users { ${DENIAL} } }`);
    expect(Object.keys(list.users).sort()).toEqual(Object.keys(single.user).sort());
    expect(list.users.__typename).toBe(single.user.__typename);
    expect(list.users.encodedAuthorizationMessage).not.toBeNull();
    expect(single.user.encodedAuthorizationMessage).not.toBeNull();
  });

  it('a page size out of range is a typed InvalidInputError, not a top-level error', async () => {
    const answer = await root.request<{ users: { __typename: string; message: string } }>('{ users(first: 0) { __typename ... on Error { message } } }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!.users).toEqual({ __typename: 'InvalidInputError', message: 'first must be between 1 and 1000.' });
  });

  it('lists page forward only: before and last are not arguments of any list, and first and after page through one', async () => {
    for (const [field] of LISTS.filter(([, query]) => query.includes('(first: 5)'))) {
      for (const argument of ['last', 'before']) {
        const answer = await root.request(`{ ${field}(${argument}: ${argument === 'last' ? '5' : '"x"'}) { __typename } }`);
        // A validation error, answered as yoga answers a client of application/json (fetch's */*): 200.
        expect(answer.status, `${field}(${argument})`).toBe(200);
        expect(answer.body.data, `${field}(${argument})`).toBeUndefined();
        expect(answer.body.errors?.[0]?.message).toBe(`Unknown argument "${argument}" on field "Query.${field}".`);
      }
    }
    type Page = { users: { data: { edges: { node: { userName: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } };
    const page = (after: string | null) =>
      root.data<Page>('query($after: String) { users(first: 1, after: $after) { ... on UsersSuccess { data { edges { node { userName } } pageInfo { hasNextPage endCursor } } } } }', { after });
    const names: string[] = [];
    for (let after: string | null = null, pages = 0; pages < 10; pages++) {
      const { data }: Page['users'] = (await page(after)).users;
      names.push(...data.edges.map((edge) => edge.node.userName));
      if (!data.pageInfo.hasNextPage) break;
      after = data.pageInfo.endCursor;
    }
    const all = (await root.data<Page>('{ users(first: 100) { ... on UsersSuccess { data { edges { node { userName } } pageInfo { hasNextPage endCursor } } } } }')).users.data.edges;
    expect(names.length).toBeGreaterThan(1);
    expect(names).toEqual(all.map((edge) => edge.node.userName));
  });

  it('Group.users: a caller who may list groups but not read one gets the groups, each with a typed denial of its users', async () => {
    const query = `{ groups(first: 5) { __typename ... on GroupsSuccess { data { edges { node { groupName users { ${DENIAL} ... on GroupUsersSuccess { data { userName } } } } } } } } }`;
    type Answer = { groups: { __typename: string; data: { edges: { node: { groupName: string; users: Denial & { data?: { userName: string }[] } } }[] } } };
    const denied = await lister.request<Answer>(query);
    expect(denied.body.errors).toBeUndefined();
    const [edge] = denied.body.data!.groups.data.edges;
    expect(edge!.node.groupName).toBe('team');
    expect(edge!.node.users).toMatchObject({ __typename: 'AccessDeniedError', code: 'AccessDenied' });
    expect(await decoded(edge!.node.users)).toMatchObject({ allowed: false, context: { action: 'iam:GetGroup' } });
    const allowed = await root.data<Answer>(query);
    expect(allowed.groups.data.edges[0]!.node.users).toEqual({ __typename: 'GroupUsersSuccess', data: [{ userName: 'member' }] });
  });

  it('Policy.versions: a caller who may list policies but not their versions gets the policies, each with a typed denial of its versions', async () => {
    const query = `{ policies(first: 5) { __typename ... on PoliciesSuccess { data { edges { node { arn versions { ${DENIAL} ... on PolicyVersionsSuccess { data { versionId isDefaultVersion } } } } } } } } }`;
    type Answer = { policies: { __typename: string; data: { edges: { node: { arn: string; versions: Denial & { data?: { versionId: string }[] } } }[] } } };
    const denied = await lister.request<Answer>(query);
    expect(denied.body.errors).toBeUndefined();
    const [edge] = denied.body.data!.policies.data.edges;
    expect(edge!.node.arn).toBe(policyArn);
    expect(edge!.node.versions).toMatchObject({ __typename: 'AccessDeniedError', code: 'AccessDenied' });
    expect(await decoded(edge!.node.versions)).toMatchObject({ allowed: false, context: { action: 'iam:ListPolicyVersions' } });
    const allowed = await root.data<Answer>(query);
    expect(allowed.policies.data.edges[0]!.node.versions).toEqual({ __typename: 'PolicyVersionsSuccess', data: [{ versionId: 'v1', isDefaultVersion: true }] });
  });

  it('policy(policyArn) { versions } keeps the policy when only its versions are denied', async () => {
    const reader = await userWithKey('reader', doc({ Effect: 'Allow', Action: 'iam:GetPolicy', Resource: '*' }));
    const answer = await reader.request<{ policy: { __typename: string; data: { arn: string; versions: Denial } } }>(
      `query($a: String!) { policy(policyArn: $a) { __typename ... on PolicySuccess { data { arn versions { ${DENIAL} } } } } }`,
      { a: policyArn },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!.policy.data.arn).toBe(policyArn);
    expect(answer.body.data!.policy.data.versions.__typename).toBe('AccessDeniedError');
  });
});
