import {
  AccessDeniedException,
  AccountAlreadyClosedException,
  AccountNotFoundException,
  CloseAccountCommand,
  ConstraintViolationException,
  DescribeAccountCommand,
  OrganizationsClient,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import type { RunningWarden } from '@warden/api';
import type { Caller } from '@warden/iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, toolMissing } from './support/external-tool.js';
import { rejection } from './support/rejection.js';
import type { Credentials } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

const noCli = await toolMissing('the AWS CLI', 'aws', ['--version']);

/**
 * Organizations' ListAccounts, DescribeAccount and CloseAccount over AWS's JSON 1.1 protocol at `/`
 * (X-Amz-Target, signed for `organizations`), with the SDK v3's OrganizationsClient and the AWS
 * CLI: the same operations as GraphQL's accounts, organizationAccount and closeAccount.
 */
describe.each([...DRIVERS])('Organizations over AWS JSON 1.1 (%s)', (driver) => {
  let warden: RunningWarden;
  let endpoint: string;
  let operator: Credentials;

  const organizations = (as: Credentials) => new OrganizationsClient({ endpoint, region: 'us-east-1', credentials: as, maxAttempts: 1 });

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    endpoint = new URL('/', warden.url).href;
    const root: Caller = { accountId: warden.managementAccountId, arn: `arn:aws:iam::${warden.managementAccountId}:root`, kind: 'root', requestContext: {} };
    const userName = `org-${Math.random().toString(36).slice(2, 8)}`;
    await warden.iam.users.create(root, { userName });
    await warden.iam.users.putInlinePolicy(
      root,
      userName,
      'organizations',
      doc({ Effect: 'Allow', Action: ['organizations:ListAccounts', 'organizations:DescribeAccount', 'organizations:CloseAccount'], Resource: '*' }),
    );
    operator = await warden.iam.accessKeys.create(root, userName);
  });
  afterAll(async () => {
    await warden.close();
  });

  it('lists accounts a page at a time with NextToken, describes one and closes it, in AWS shapes', async () => {
    const tenants = [await newTenant(warden), await newTenant(warden), await newTenant(warden)];
    const client = organizations(operator);
    const listed = [];
    let pages = 0;
    for await (const page of paginateListAccounts({ client, pageSize: 2 }, {})) {
      pages++;
      expect(page.Accounts!.length).toBeLessThanOrEqual(2);
      listed.push(...page.Accounts!);
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    const ids = listed.map((account) => account.Id!);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const { accountId } of tenants) expect(ids).toContain(accountId);
    const first = listed.find((account) => account.Id === tenants[0]!.accountId)!;
    expect(first).toMatchObject({ Arn: `arn:aws:organizations::${warden.managementAccountId}:account/${first.Id}`, State: 'ACTIVE', JoinedMethod: 'CREATED' });
    expect(first.JoinedTimestamp).toBeInstanceOf(Date);
    expect(Math.abs(first.JoinedTimestamp!.getTime() - Date.now())).toBeLessThan(3_600_000);

    const described = await client.send(new DescribeAccountCommand({ AccountId: tenants[1]!.accountId }));
    expect(described.Account).toMatchObject({ Id: tenants[1]!.accountId, Name: expect.stringMatching(/^e2e-/), State: 'ACTIVE' });

    await client.send(new CloseAccountCommand({ AccountId: tenants[1]!.accountId }));
    expect((await client.send(new DescribeAccountCommand({ AccountId: tenants[1]!.accountId }))).Account!.State).toBe('CLOSED');
    // The closed account's key is refused at once, as after closeAccount over GraphQL.
    const refused = await rejection(organizations(tenants[1]!.credentials).send(new DescribeAccountCommand({ AccountId: tenants[0]!.accountId })));
    expect(refused.name).toBe('UnrecognizedClientException');
  });

  it("answers Organizations' typed exceptions", async () => {
    const client = organizations(operator);
    const tenant = await newTenant(warden);
    await client.send(new CloseAccountCommand({ AccountId: tenant.accountId }));
    expect(await rejection(client.send(new CloseAccountCommand({ AccountId: tenant.accountId })))).toBeInstanceOf(AccountAlreadyClosedException);
    expect(await rejection(client.send(new CloseAccountCommand({ AccountId: warden.managementAccountId })))).toBeInstanceOf(ConstraintViolationException);
    const missing = await rejection(client.send(new DescribeAccountCommand({ AccountId: '000000000001' })));
    expect(missing).toBeInstanceOf(AccountNotFoundException);
    expect(missing.$metadata.requestId).toMatch(/.+/);
    // A tenant's root is no principal of the management account, whatever it may do in its own.
    const other = await newTenant(warden);
    const denied = await rejection(organizations(other.credentials).send(new DescribeAccountCommand({ AccountId: other.accountId })));
    expect(denied).toBeInstanceOf(AccessDeniedException);
    expect(denied.message).toContain('only principals of the management account can perform it');
  });

  it.skipIf(noCli)(
    'answers the AWS CLI: aws organizations list-accounts and describe-account --endpoint-url',
    async () => {
      const tenant = await newTenant(warden);
      const { AWS_SESSION_TOKEN: _token, AWS_PROFILE: _profile, ...rest } = process.env;
      const env = {
        ...rest,
        AWS_ACCESS_KEY_ID: operator.accessKeyId,
        AWS_SECRET_ACCESS_KEY: operator.secretAccessKey,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_DEFAULT_REGION: 'us-east-1',
      };
      const cli = (...args: string[]) => run('aws', ['organizations', ...args, '--endpoint-url', endpoint.replace(/\/$/, ''), '--output', 'json'], env);
      const listed = await cli('list-accounts', '--page-size', '5');
      expect(listed.code, listed.output).toBe(0);
      const accounts = (JSON.parse(listed.output) as { Accounts: { Id: string; State: string }[] }).Accounts;
      expect(accounts).toContainEqual(expect.objectContaining({ Id: tenant.accountId, State: 'ACTIVE' }));
      const described = await cli('describe-account', '--account-id', tenant.accountId);
      expect(described.code, described.output).toBe(0);
      expect(JSON.parse(described.output)).toMatchObject({ Account: { Id: tenant.accountId, Arn: `arn:aws:organizations::${warden.managementAccountId}:account/${tenant.accountId}` } });
      const missing = await cli('describe-account', '--account-id', '000000000001');
      expect(missing.code).not.toBe(0);
      expect(missing.output).toContain('AccountNotFoundException');
    },
    120_000,
  );
});
