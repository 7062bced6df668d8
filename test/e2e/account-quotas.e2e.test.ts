import type { RunningWarden } from '@warden/api';
import { type Caller, isAuditEvent } from '@warden/iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/**
 * updateAccountQuotas over HTTP: only the management account's principals allowed
 * warden:UpdateAccountQuotas may set an account's quotas, within AWS's bounds; the account sees
 * them in Account.quotas, they are enforced, and the change is in the account's audit log.
 */
const UPDATE = `mutation($input: UpdateAccountQuotasInput!) { updateAccountQuotas(input: $input) {
  __typename
  ... on UpdateAccountQuotasSuccess { data { accountId quotas { users groups roles customerManagedPolicies accessKeysPerUser managedPoliciesPerPrincipal } } }
  ... on Error { code message }
  ... on AccessDeniedError { encodedAuthorizationMessage }
} }`;

type UpdateAnswer = {
  updateAccountQuotas: {
    __typename: string;
    code?: string;
    message?: string;
    encodedAuthorizationMessage?: string | null;
    data?: { accountId: string; quotas: Record<string, number> };
  };
};

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

describe.each([...DRIVERS])('updateAccountQuotas over HTTP (%s)', (driver) => {
  let warden: RunningWarden;
  let admin: SignedClient;
  let adminArn: string;
  let bystander: SignedClient;

  /** A user of the management account with an access key, and the inline policy given. */
  async function managementUser(name: string, policy?: string): Promise<{ client: SignedClient; arn: string }> {
    const root: Caller = { accountId: warden.managementAccountId, arn: `arn:aws:iam::${warden.managementAccountId}:root`, kind: 'root', requestContext: {} };
    const user = await warden.iam.users.create(root, { userName: name });
    if (policy) await warden.iam.users.putInlinePolicy(root, name, 'quotas', policy);
    const key = await warden.iam.accessKeys.create(root, name);
    return { client: new SignedClient(warden.url, key), arn: user.arn };
  }

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    // The shared Postgres keeps one management account across runs: the names must be new each time.
    const suffix = Math.random().toString(36).slice(2, 8);
    const allowed = await managementUser(
      `quota-admin-${suffix}`,
      doc({ Effect: 'Allow', Action: 'warden:UpdateAccountQuotas', Resource: `arn:aws:organizations::${warden.managementAccountId}:account/*` }),
    );
    admin = allowed.client;
    adminArn = allowed.arn;
    bystander = (await managementUser(`quota-bystander-${suffix}`, doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }))).client;
  });
  afterAll(async () => {
    await warden.close();
  });

  it('sets quotas the account then sees in Account.quotas, with the rest at their defaults, and enforces them', async () => {
    const { root, accountId } = await newTenant(warden);
    const before = await root.data<{ account: { data: { quotas: Record<string, number> } } }>('{ account { ... on AccountSuccess { data { quotas { users groups roles policyVersions } } } } }');
    expect(before.account.data.quotas).toEqual({ users: 5000, groups: 300, roles: 1000, policyVersions: 5 });

    const set = await admin.data<UpdateAnswer>(UPDATE, { input: { accountId, quotas: { users: 2, groups: 500, managedPoliciesPerPrincipal: 20, accessKeysPerUser: 1 } } });
    expect(set.updateAccountQuotas).toEqual({
      __typename: 'UpdateAccountQuotasSuccess',
      data: { accountId, quotas: { users: 2, groups: 500, roles: 1000, customerManagedPolicies: 1500, accessKeysPerUser: 1, managedPoliciesPerPrincipal: 20 } },
    });
    const after = await root.data<{ account: { data: { quotas: Record<string, number> } } }>('{ account { ... on AccountSuccess { data { quotas { users groups roles policyVersions } } } } }');
    expect(after.account.data.quotas).toEqual({ users: 2, groups: 500, roles: 1000, policyVersions: 5 });

    // A quota left out keeps its value.
    const again = await admin.data<UpdateAnswer>(UPDATE, { input: { accountId, quotas: { roles: 7 } } });
    expect(again.updateAccountQuotas.data?.quotas).toMatchObject({ users: 2, groups: 500, roles: 7 });

    const CREATE = 'mutation($n: String!) { createUser(input: { userName: $n }) { __typename ... on Error { code message } } }';
    expect((await root.data<{ createUser: { __typename: string } }>(CREATE, { n: 'one' })).createUser.__typename).toBe('CreateUserSuccess');
    expect((await root.data<{ createUser: { __typename: string } }>(CREATE, { n: 'two' })).createUser.__typename).toBe('CreateUserSuccess');
    expect((await root.data<{ createUser: unknown }>(CREATE, { n: 'three' })).createUser).toEqual({
      __typename: 'LimitExceededError',
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for UsersPerAccount: 2.',
    });
  });

  it("is audited in the account's own log, with the management principal as the actor", async () => {
    const { accountId } = await newTenant(warden);
    await admin.data<UpdateAnswer>(UPDATE, { input: { accountId, quotas: { users: 40, roles: 1000 } } });
    const tenantRoot: Caller = { accountId, arn: `arn:aws:iam::${accountId}:root`, kind: 'root', requestContext: {} };
    const events = (await warden.iam.audit.events(tenantRoot, { eventTypes: ['AccountQuotasUpdated'] }, { first: 10 })).filter(isAuditEvent);
    // Only what changed is recorded: roles was already at its default.
    expect(events.map((event) => ({ type: event.type, data: event.data, actor: event.actorArn, resource: event.resourceArn }))).toEqual([
      { type: 'AccountQuotasUpdated', data: { quotas: { users: 40 } }, actor: adminArn, resource: `arn:aws:iam::${accountId}:root` },
    ]);
  });

  it('refuses anyone but an allowed principal of the management account', async () => {
    const { root, accountId } = await newTenant(warden);
    const tenantRoot = await root.data<UpdateAnswer>(UPDATE, { input: { accountId, quotas: { users: 10 } } });
    expect(tenantRoot.updateAccountQuotas).toMatchObject({
      __typename: 'AccessDeniedError',
      code: 'AccessDenied',
      message: expect.stringContaining('only principals of the management account can perform it'),
    });
    const denied = await bystander.data<UpdateAnswer>(UPDATE, { input: { accountId, quotas: { users: 10 } } });
    expect(denied.updateAccountQuotas).toMatchObject({
      __typename: 'AccessDeniedError',
      message: expect.stringMatching(/is not authorized to perform: warden:UpdateAccountQuotas on resource: arn:aws:organizations::\d{12}:account\/\d{12} because no identity-based policy allows/),
      encodedAuthorizationMessage: expect.any(String),
    });
    const unchanged = await root.data<{ account: { data: { quotas: { users: number } } } }>('{ account { ... on AccountSuccess { data { quotas { users } } } } }');
    expect(unchanged.account.data.quotas.users).toBe(5000);
  });

  it("refuses values outside 0 to AWS's maximum, and accounts that are not there", async () => {
    const { accountId } = await newTenant(warden);
    const refused = async (input: Record<string, unknown>) => (await admin.data<UpdateAnswer>(UPDATE, { input })).updateAccountQuotas;
    expect(await refused({ accountId, quotas: { groups: 501 } })).toMatchObject({ __typename: 'InvalidInputError', message: 'Quota groups must be a whole number from 0 to 500; got 501.' });
    expect(await refused({ accountId, quotas: { accessKeysPerUser: 3 } })).toMatchObject({ __typename: 'InvalidInputError', message: expect.stringContaining('AWS does not let it be raised') });
    expect(await refused({ accountId, quotas: { users: -1 } })).toMatchObject({ __typename: 'InvalidInputError' });
    expect(await refused({ accountId: '000000000000', quotas: { users: 10 } })).toMatchObject({ __typename: 'NoSuchEntityError', message: 'The account cannot be found.' });
    expect(await refused({ accountId: 'not-an-account', quotas: { users: 10 } })).toMatchObject({ __typename: 'InvalidInputError', message: 'An account id is 12 digits.' });
    // Zero is a quota too: nothing more of it may be created.
    expect((await refused({ accountId, quotas: { roles: 0 } })).data?.quotas.roles).toBe(0);
  });
});
