import type { RunningWarden } from '@warden/api';
import type { Caller } from '@warden/iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, SignedClient } from './support/signed-client.js';
import { DRIVERS, startTestWarden } from './support/warden-under-test.js';

/**
 * A tenant whose root key was lost, recovered over HTTP through OrganizationAccountAccessRole, then
 * closed: the lost key, the recovered key and the role session are all refused at once.
 */
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const WHO_AM_I = '{ callerIdentity { account arn } }';

describe.each([...DRIVERS])('tenant lifecycle over HTTP (%s)', (driver) => {
  let warden: RunningWarden;
  beforeAll(async () => {
    warden = await startTestWarden(driver);
  });
  afterAll(async () => {
    await warden.close();
  });

  /** A management account user with the given policy, and a client signing with its key. */
  async function operator(policy: string): Promise<SignedClient> {
    const root: Caller = { accountId: warden.managementAccountId, arn: `arn:aws:iam::${warden.managementAccountId}:root`, kind: 'root', requestContext: {} };
    const userName = `operator-${Math.random().toString(36).slice(2, 8)}`;
    await warden.iam.users.create(root, { userName });
    await warden.iam.users.putInlinePolicy(root, userName, 'lifecycle', policy);
    const key = await warden.iam.accessKeys.create(root, userName);
    return new SignedClient(warden.url, key);
  }

  it('recovers a lost root key through OrganizationAccountAccessRole, and closing the account refuses every credential of it', async () => {
    const ops = await operator(
      doc({ Effect: 'Allow', Action: ['organizations:CreateAccount', 'organizations:CloseAccount', 'organizations:ListAccounts', 'sts:AssumeRole', 'warden:ExportAccount'], Resource: '*' }),
    );
    const created = await ops.data<{ createAccount: { __typename: string; data: { account: { accountId: string }; rootAccessKey: Credentials } } }>(
      'mutation { createAccount(input: { name: "lifecycle-e2e" }) { __typename ... on CreateAccountSuccess { data { account { accountId } rootAccessKey { accessKeyId secretAccessKey } } } } }',
    );
    expect(created.createAccount.__typename).toBe('CreateAccountSuccess');
    const accountId = created.createAccount.data.account.accountId;
    // The key that will be "lost": it works until the account is closed.
    const lost = new SignedClient(warden.url, created.createAccount.data.rootAccessKey);
    expect((await lost.data<{ callerIdentity: { arn: string } }>(WHO_AM_I)).callerIdentity.arn).toBe(`arn:aws:iam::${accountId}:root`);

    const assumed = await ops.data<{ assumeRole: { __typename: string; data: { credentials: Credentials } } }>(
      'mutation($i: AssumeRoleInput!) { assumeRole(input: $i) { __typename ... on AssumeRoleSuccess { data { credentials { accessKeyId secretAccessKey sessionToken } } } } }',
      { i: { roleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, roleSessionName: 'recovery' } },
    );
    expect(assumed.assumeRole.__typename).toBe('AssumeRoleSuccess');
    const inside = new SignedClient(warden.url, assumed.assumeRole.data.credentials);
    expect((await inside.data<{ callerIdentity: { arn: string } }>(WHO_AM_I)).callerIdentity.arn).toBe(`arn:aws:sts::${accountId}:assumed-role/OrganizationAccountAccessRole/recovery`);

    const recovered = await inside.data<{ createAccessKey: { __typename: string; data: Credentials & { userName: string | null } } }>(
      'mutation { createAccessKey(input: { root: true }) { __typename ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey userName } } } }',
    );
    expect(recovered.createAccessKey).toMatchObject({ __typename: 'CreateAccessKeySuccess', data: { userName: null } });
    const newRoot = new SignedClient(warden.url, recovered.createAccessKey.data);
    expect((await newRoot.data<{ callerIdentity: { account: string; arn: string } }>(WHO_AM_I)).callerIdentity).toEqual({ account: accountId, arn: `arn:aws:iam::${accountId}:root` });

    const closed = await ops.data<{ closeAccount: { __typename: string; data: { status: string; closedAt: string | null } } }>(
      'mutation($id: String!) { closeAccount(input: { accountId: $id }) { __typename ... on CloseAccountSuccess { data { status closedAt } } } }',
      { id: accountId },
    );
    expect(closed.closeAccount).toMatchObject({ __typename: 'CloseAccountSuccess', data: { status: 'CLOSED' } });
    for (const client of [lost, newRoot, inside]) {
      const refused = await client.request(WHO_AM_I);
      expect(refused.status).toBe(401);
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    }

    const again = await ops.data<{ closeAccount: { __typename: string; code: string } }>('mutation($id: String!) { closeAccount(input: { accountId: $id }) { __typename ... on Error { code } } }', {
      id: accountId,
    });
    expect(again.closeAccount).toEqual({ __typename: 'AccountAlreadyClosedError', code: 'AccountAlreadyClosed' });
    const listed = await ops.data<{ accounts: { data: { edges: { node: { accountId: string; status: string } }[] } } }>(
      '{ accounts(first: 100, filter: { nameContains: "lifecycle-e2e", status: CLOSED }) { ... on AccountsSuccess { data { edges { node { accountId status } } } } } }',
    );
    expect(listed.accounts.data.edges.map((edge) => edge.node)).toContainEqual({ accountId, status: 'CLOSED' });

    // Its data, kept for audit, is the management account's to export.
    type EventsPage = { accountEvents: { __typename: string; data: { edges: { node: { type: string; data: Record<string, unknown> } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } };
    const EVENTS =
      'query($id: String!, $after: String) { accountEvents(accountId: $id, first: 2, after: $after) { __typename ... on AccountEventsSuccess { data { edges { node { type data } } pageInfo { hasNextPage endCursor } } } } }';
    const types: string[] = [];
    for (let after: string | null = null; ;) {
      const page: EventsPage = await ops.data<EventsPage>(EVENTS, { id: accountId, after });
      expect(page.accountEvents.__typename).toBe('AccountEventsSuccess');
      types.push(...page.accountEvents.data.edges.map((edge) => edge.node.type));
      if (!page.accountEvents.data.pageInfo.hasNextPage) break;
      after = page.accountEvents.data.pageInfo.endCursor;
    }
    expect(types[0]).toBe('AccountCreated');
    expect(types.filter((type) => type === 'RootAccessKeyCreated')).toHaveLength(2);
    expect(types.at(-1)).toBe('AccountClosed');
    const state = await ops.data<{ accountIamState: { __typename: string; data: { table: string; rows: Record<string, unknown>[] }[] } }>(
      'query($id: String!) { accountIamState(accountId: $id) { __typename ... on AccountIamStateSuccess { data { table rows } } } }',
      { id: accountId },
    );
    const keys = state.accountIamState.data.find((entry) => entry.table === 'access_keys')!.rows;
    expect(keys.map((row) => row.access_key_id).sort()).toEqual([created.createAccount.data.rootAccessKey.accessKeyId, recovered.createAccessKey.data.accessKeyId].sort());
    expect(keys.every((row) => row.secret === '[encrypted]')).toBe(true);
  });
  it("answers a tenant administrator's root key request with AccessDeniedError, whatever its policies allow", async () => {
    const management: Caller = { accountId: warden.managementAccountId, arn: `arn:aws:iam::${warden.managementAccountId}:root`, kind: 'root', requestContext: {} };
    const { account } = await warden.iam.accounts.create(management, { name: 'lifecycle-e2e-admin' });
    const tenantRoot: Caller = { accountId: account.accountId, arn: `arn:aws:iam::${account.accountId}:root`, kind: 'root', requestContext: {} };
    await warden.iam.users.create(tenantRoot, { userName: 'admin' });
    await warden.iam.users.attachPolicy(tenantRoot, 'admin', 'arn:aws:iam::aws:policy/AdministratorAccess');
    const admin = new SignedClient(warden.url, await warden.iam.accessKeys.create(tenantRoot, 'admin'));
    const refused = await admin.data<{ createAccessKey: { __typename: string; code: string; message: string } }>(
      'mutation { createAccessKey(input: { root: true }) { __typename ... on Error { code message } } }',
    );
    expect(refused.createAccessKey).toMatchObject({ __typename: 'AccessDeniedError', code: 'AccessDenied' });
    expect(refused.createAccessKey.message).toContain(`not authorized to perform: iam:CreateAccessKey on resource: arn:aws:iam::${account.accountId}:root`);
    expect(await warden.iam.accessKeys.list(tenantRoot)).toHaveLength(1);

    // Nor can it export any account, its own or the management account's.
    for (const id of [account.accountId, warden.managementAccountId]) {
      const exported = await admin.data<{ accountEvents: { __typename: string } }>('query($id: String!) { accountEvents(accountId: $id) { __typename } }', { id });
      expect(exported.accountEvents.__typename).toBe('AccessDeniedError');
    }
  });
});
