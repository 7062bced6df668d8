import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

/**
 * The management account's view of the platform's accounts (Organizations' ListAccounts). The
 * shared Postgres keeps accounts of earlier runs, so each test names its accounts with a marker of
 * its own and lists by it.
 */
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const marker = (): string => `lc${Math.random().toString(36).slice(2, 10)}`;

describe.each([...DRIVERS])('account lifecycle on %s', (driver) => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  /** A user of the management account, with the given policy statements (none: no permission). */
  async function managementUser(...statements: object[]) {
    const { iam, managementRoot } = service;
    const user = await iam.users.create(managementRoot, { userName: marker() });
    if (statements.length > 0) await iam.users.putInlinePolicy(managementRoot, user.userName, 'lifecycle', doc(...statements));
    return userCaller(managementRoot.accountId, user);
  }

  it('lists accounts by id a page at a time, filtered by a part of the name (case-insensitive) and by status', async () => {
    const { iam, managementRoot } = service;
    const tag = marker();
    const created = [];
    for (const name of [`${tag}-Alpha`, `${tag}-beta`, `${tag}-gamma`]) created.push((await iam.accounts.create(managementRoot, { name, alias: `${tag}-${name.slice(-4).toLowerCase()}` })).account);
    const ids = created.map((account) => account.accountId).sort();

    const all = await iam.accounts.list(managementRoot, { nameContains: tag.toUpperCase() }, { first: 10 });
    expect(all.map((account) => account.accountId)).toEqual(ids);
    expect(all[0]).toMatchObject({ status: 'ACTIVE', closedAt: null });
    expect(all.find((account) => account.name === `${tag}-Alpha`)).toMatchObject({ alias: `${tag}-lpha` });

    const first = await iam.accounts.list(managementRoot, { nameContains: tag }, { first: 2 });
    expect(first.map((account) => account.accountId)).toEqual(ids.slice(0, 2));
    const rest = await iam.accounts.list(managementRoot, { nameContains: tag }, { after: first[1]!.accountId, first: 2 });
    expect(rest.map((account) => account.accountId)).toEqual(ids.slice(2));

    expect((await iam.accounts.list(managementRoot, { nameContains: `${tag}-beta` }, { first: 10 })).map((account) => account.name)).toEqual([`${tag}-beta`]);
    expect(await iam.accounts.list(managementRoot, { nameContains: tag, status: 'CLOSED' }, { first: 10 })).toEqual([]);
    expect(await iam.accounts.list(managementRoot, { nameContains: tag, status: 'ACTIVE' }, { first: 10 })).toHaveLength(3);
    // The part asked for is matched as typed: LIKE's wildcards match only themselves.
    expect(await iam.accounts.list(managementRoot, { nameContains: `${tag}%` }, { first: 10 })).toEqual([]);
  });

  it('lists accounts only for principals of the management account allowed organizations:ListAccounts', async () => {
    const { iam, managementRoot } = service;
    const tenant = await newAccount(service);
    await expect(iam.accounts.list(tenant, {}, { first: 1 })).rejects.toThrow(AccessDeniedError);
    // A tenant cannot grant itself the organization's action: only the management account's principals can have it.
    const tenantAdmin = await iam.users.create(tenant, { userName: 'admin' });
    await iam.users.putInlinePolicy(tenant, 'admin', 'all', doc({ Effect: 'Allow', Action: '*', Resource: '*' }));
    await expect(iam.accounts.list(userCaller(tenant.accountId, tenantAdmin), {}, { first: 1 })).rejects.toThrow(AccessDeniedError);

    await expect(iam.accounts.list(await managementUser(), {}, { first: 1 })).rejects.toThrow(AccessDeniedError);
    const organizationsArn = `arn:aws:organizations::${managementRoot.accountId}:account/*`;
    const lister = await managementUser({ Effect: 'Allow', Action: 'organizations:ListAccounts', Resource: organizationsArn });
    expect(await iam.accounts.list(lister, {}, { first: 1 })).toHaveLength(1);
    // Allowed on one account only is not allowed on the organization's accounts.
    const narrow = await managementUser({ Effect: 'Allow', Action: 'organizations:ListAccounts', Resource: `arn:aws:organizations::${managementRoot.accountId}:account/${tenant.accountId}` });
    await expect(iam.accounts.list(narrow, {}, { first: 1 })).rejects.toThrow(AccessDeniedError);
  });
});
