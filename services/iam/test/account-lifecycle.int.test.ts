import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  type Caller,
  AccountAlreadyClosedError,
  ConstraintViolationError,
  InvalidInputError,
  LimitExceededError,
  NoSuchEntityError,
  parseConsoleToken,
  SignInFailedError,
} from '../src/index.js';
import { DRIVERS, newAccount, openService, rootCaller, type ServiceUnderTest, userCaller } from './test-service.js';

/**
 * The management account's view of the platform's accounts (Organizations' ListAccounts). The
 * shared Postgres keeps accounts of earlier runs, so each test names its accounts with a marker of
 * its own and lists by it.
 */
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const organizationTrust = (managementAccountId: string): string => doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${managementAccountId}:root` }, Action: 'sts:AssumeRole' });
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

  it('closes an account: every key, session and console token of it refused at once, cached or not, its alias free for another, its data kept', async () => {
    const { iam, managementRoot } = service;
    const tag = marker();
    const { account, rootAccessKey } = await iam.accounts.create(managementRoot, { name: `${tag}-closing`, alias: `${tag}-taken` });
    const tenant = rootCaller(account.accountId);
    await iam.users.create(tenant, { userName: 'dana' });
    await iam.passwords.createLoginProfile(tenant, { userName: 'dana', password: 'Correct-Horse-1', passwordResetRequired: false });
    const userKey = await iam.accessKeys.create(tenant, 'dana');
    const session = await iam.sts.getSessionToken(userCaller(account.accountId, await iam.users.get(tenant, 'dana')), {});
    const signedIn = await iam.signIn.signIn({ account: `${tag}-taken`, userName: 'dana', password: 'Correct-Horse-1' });
    if (signedIn.kind !== 'signed-in') throw new Error(`expected a sign-in, got ${signedIn.kind}`);
    const consoleKeyId = parseConsoleToken(signedIn.session.token)!.accessKeyId;
    const keyIds = [rootAccessKey.accessKeyId, userKey.accessKeyId, session.accessKeyId, consoleKeyId];
    // Resolved once each, so that the resolver holds them.
    for (const keyId of keyIds) expect(await iam.credentials.resolve(keyId)).toMatchObject({ active: true, caller: { accountId: account.accountId } });

    const closed = await iam.accounts.close(managementRoot, account.accountId);
    expect(closed).toMatchObject({ accountId: account.accountId, status: 'CLOSED', alias: null });
    expect(closed.closedAt).toBeInstanceOf(Date);
    for (const keyId of keyIds) expect(await iam.credentials.resolve(keyId)).toBeUndefined();
    await expect(iam.signIn.signIn({ account: account.accountId, userName: 'dana', password: 'Correct-Horse-1' })).rejects.toThrow(SignInFailedError);

    // Organizations: the alias is released, so another account can take it; the closed one is listed as CLOSED.
    const other = await newAccount(service);
    await iam.accounts.createAlias(other, `${tag}-taken`);
    expect((await iam.accounts.get(other)).alias).toBe(`${tag}-taken`);
    expect(await iam.accounts.list(managementRoot, { nameContains: tag, status: 'CLOSED' }, { first: 10 })).toEqual([closed]);
    // Its data stays: its users and its event log are still in the store.
    expect(await service.wardenDb.db.selectFrom('users').select('user_name').where('account_id', '=', account.accountId).execute()).toEqual([{ user_name: 'dana' }]);
    // Changes to a closed account are refused.
    await expect(iam.accounts.createAlias(tenant, `${tag}-again`)).rejects.toThrow(NoSuchEntityError);

    // AWS's CloseAccount on a closed account: AccountAlreadyClosedException.
    await expect(iam.accounts.close(managementRoot, account.accountId)).rejects.toThrow(AccountAlreadyClosedError);
  });

  it('refuses to close the management account, an unknown or malformed account, and callers who may not', async () => {
    const { iam, managementRoot } = service;
    await expect(iam.accounts.close(managementRoot, managementRoot.accountId)).rejects.toThrow(ConstraintViolationError);
    await expect(iam.accounts.close(managementRoot, '000000000001')).rejects.toThrow(NoSuchEntityError);
    await expect(iam.accounts.close(managementRoot, 'not-an-id')).rejects.toThrow(InvalidInputError);

    const tenant = await newAccount(service);
    const victim = await newAccount(service);
    await expect(iam.accounts.close(tenant, victim.accountId)).rejects.toThrow(AccessDeniedError);
    await expect(iam.accounts.close(tenant, tenant.accountId)).rejects.toThrow(AccessDeniedError);
    await expect(iam.accounts.close(await managementUser(), victim.accountId)).rejects.toThrow(AccessDeniedError);
    const organization = `arn:aws:organizations::${managementRoot.accountId}:account`;
    // Allowed on another account only: not on this one.
    const narrow = await managementUser({ Effect: 'Allow', Action: 'organizations:CloseAccount', Resource: `${organization}/${tenant.accountId}` });
    await expect(iam.accounts.close(narrow, victim.accountId)).rejects.toThrow(AccessDeniedError);
    expect((await iam.accounts.get(victim)).status).toBe('ACTIVE');
    const closer = await managementUser({ Effect: 'Allow', Action: 'organizations:CloseAccount', Resource: `${organization}/*` });
    expect((await iam.accounts.close(closer, victim.accountId)).status).toBe('CLOSED');
  });

  it('orders a close and concurrent changes of the same account: nothing is created in it after it closed, and its alias ends released', async () => {
    const { iam, managementRoot } = service;
    const tag = marker();
    const tenant = rootCaller((await iam.accounts.create(managementRoot, { name: `${tag}-race` })).account.accountId);
    const results = await Promise.allSettled([
      iam.accessKeys.create(tenant),
      iam.accounts.createAlias(tenant, `${tag}-a`),
      iam.accounts.close(managementRoot, tenant.accountId),
      iam.accounts.createAlias(tenant, `${tag}-b`),
      iam.accessKeys.create(tenant),
    ]);
    expect(results[2].status).toBe('fulfilled');
    // Refused as changes of a closed account, or (a second new root key before the close) by AWS's quota of two root keys.
    for (const result of results) if (result.status === 'rejected') expect([NoSuchEntityError, LimitExceededError].some((type) => result.reason instanceof type)).toBe(true);
    const types = (
      await service.wardenDb.db
        .selectFrom('events')
        .select('type')
        .where('account_id', '=', tenant.accountId)
        .where('stream_id', '=', `account/${tenant.accountId}`)
        .orderBy('stream_version')
        .execute()
    ).map((event) => event.type);
    expect(types.at(-1)).toBe('AccountClosed');
    // One root key with the account; the other creations that won the race came before the close.
    expect(types.filter((type) => type === 'RootAccessKeyCreated')).toHaveLength(1 + [results[0], results[4]].filter((result) => result.status === 'fulfilled').length);
    const [row] = await iam.accounts.list(managementRoot, { nameContains: `${tag}-race` }, { first: 1 });
    expect(row).toMatchObject({ status: 'CLOSED', alias: null });
    // Both aliases are free again.
    const other = await newAccount(service);
    await iam.accounts.createAlias(other, `${tag}-a`);
    await iam.accounts.createAlias(other, `${tag}-b`);
  });

  /** The caller a set of temporary credentials speaks for, as the API would authenticate it. */
  async function callerOf(accessKeyId: string): Promise<Caller> {
    const resolved = await service.iam.credentials.resolve(accessKeyId);
    if (!resolved) throw new Error(`${accessKeyId} does not resolve`);
    return { ...resolved.caller, requestContext: {} };
  }

  it('gives every new account OrganizationAccountAccessRole, trusting the management account, with AdministratorAccess, in the account-creating write', async () => {
    const { iam, managementRoot, wardenDb } = service;
    const tenant = await newAccount(service);
    const role = await iam.roles.get(tenant, 'OrganizationAccountAccessRole');
    expect(role).toMatchObject({ path: '/', arn: `arn:aws:iam::${tenant.accountId}:role/OrganizationAccountAccessRole` });
    expect(JSON.parse(role.trustPolicy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${managementRoot.accountId}:root` }, Action: 'sts:AssumeRole' }],
    });
    expect(await iam.roles.attachedPolicies(tenant, 'OrganizationAccountAccessRole')).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
    const events = await wardenDb.db
      .selectFrom('events')
      .select(['type', 'metadata', 'transaction_id'])
      .where('account_id', '=', tenant.accountId)
      .where('stream_id', 'in', [`account/${tenant.accountId}`, `role/${role.roleId}`])
      .orderBy('global_position')
      .execute();
    expect(events.map((event) => event.type)).toEqual(['AccountCreated', 'RootAccessKeyCreated', 'RoleCreated', 'PolicyAttachedToRole']);
    // One write: one transaction, with the creator as actor.
    expect(new Set(events.map((event) => String(event.transaction_id))).size).toBe(1);
    for (const event of events) expect(event.metadata).toMatchObject({ actorArn: managementRoot.arn });
  });

  it('recovers a tenant whose root key is lost: a management principal assumes its OrganizationAccountAccessRole and makes a new root key there', async () => {
    const { iam } = service;
    const tenant = await newAccount(service);
    const roleArn = `arn:aws:iam::${tenant.accountId}:role/OrganizationAccountAccessRole`;
    const operator = await managementUser({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/OrganizationAccountAccessRole' });
    const assumed = await iam.sts.assumeRole(operator, { roleArn, roleSessionName: 'recovery' });
    const inside = await callerOf(assumed.credentials.accessKeyId);
    expect(inside).toMatchObject({ accountId: tenant.accountId, kind: 'assumed-role' });

    // Without root, a role's CreateAccessKey is for itself, which is no user: refused as before.
    await expect(iam.accessKeys.create(inside)).rejects.toThrow(AccessDeniedError);
    await expect(iam.accessKeys.create(inside, 'someone', { forRoot: true })).rejects.toThrow(InvalidInputError);
    const recovered = await iam.accessKeys.create(inside, null, { forRoot: true });
    expect(recovered).toMatchObject({ userName: null, status: 'Active' });
    expect(await iam.credentials.resolve(recovered.accessKeyId)).toMatchObject({
      secretAccessKey: recovered.secretAccessKey,
      active: true,
      caller: { accountId: tenant.accountId, kind: 'root', arn: `arn:aws:iam::${tenant.accountId}:root` },
    });
    // AWS's quota of two root keys (the account came with one).
    await expect(iam.accessKeys.create(inside, null, { forRoot: true })).rejects.toThrow(LimitExceededError);

    // Only principals of the account allowed iam:CreateAccessKey on its root's ARN.
    const other = await newAccount(service);
    const limited = await iam.users.create(other, { userName: 'limited' });
    await iam.users.putInlinePolicy(other, 'limited', 'keys', doc({ Effect: 'Allow', Action: 'iam:CreateAccessKey', Resource: `arn:aws:iam::${other.accountId}:user/*` }));
    await expect(iam.accessKeys.create(userCaller(other.accountId, limited), null, { forRoot: true })).rejects.toThrow(AccessDeniedError);
  });

  /** The account stream's events and the root's keys, to show that a refused write left nothing behind. */
  async function rootKeyState(accountId: string) {
    const events = await service.wardenDb.db.selectFrom('events').select('global_position').where('account_id', '=', accountId).where('stream_id', '=', `account/${accountId}`).execute();
    const keys = await service.iam.accessKeys.list(rootCaller(accountId));
    return { events: events.length, keys: keys.map((key) => key.accessKeyId).sort() };
  }

  /** A tenant user holding AdministratorAccess: allowed iam:CreateAccessKey on everything, root's ARN included. */
  async function tenantAdministrator(tenant: Caller, userName = 'admin') {
    const admin = await service.iam.users.create(tenant, { userName });
    await service.iam.users.attachPolicy(tenant, userName, 'arn:aws:iam::aws:policy/AdministratorAccess');
    return userCaller(tenant.accountId, admin);
  }

  it("refuses a tenant administrator a root key, though allowed iam:CreateAccessKey on the root's ARN, and writes nothing", async () => {
    const { iam } = service;
    const tenant = await newAccount(service);
    const admin = await tenantAdministrator(tenant);
    // Allowed by its policies: the refusal is not the evaluator's.
    expect((await iam.authorization.authorize(admin, { principal: admin.arn, action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${tenant.accountId}:root` })).decision).toBe('allow');
    const before = await rootKeyState(tenant.accountId);
    const refusal = iam.accessKeys.create(admin, null, { forRoot: true });
    await expect(refusal).rejects.toThrow(AccessDeniedError);
    await expect(refusal).rejects.toThrow(
      `User: ${admin.arn} is not authorized to perform: iam:CreateAccessKey on resource: arn:aws:iam::${tenant.accountId}:root because only the root user, or a session of OrganizationAccountAccessRole that the management account started, can create the root user's access keys`,
    );
    // The refusal was awaited, so a write it made would have committed: none did.
    expect(await rootKeyState(tenant.accountId)).toEqual(before);

    // Nor through a role of the tenant's own that the administrator assumes.
    await iam.roles.create(tenant, {
      roleName: 'TenantAdmin',
      assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${tenant.accountId}:root` }, Action: 'sts:AssumeRole' }),
    });
    await iam.roles.attachPolicy(tenant, 'TenantAdmin', 'arn:aws:iam::aws:policy/AdministratorAccess');
    const session = await callerOf((await iam.sts.assumeRole(admin, { roleArn: `arn:aws:iam::${tenant.accountId}:role/TenantAdmin`, roleSessionName: 'admin-session' })).credentials.accessKeyId);
    await expect(iam.accessKeys.create(session, null, { forRoot: true })).rejects.toThrow(AccessDeniedError);
    expect(await rootKeyState(tenant.accountId)).toEqual(before);
  });

  it('refuses a root key to OrganizationAccountAccessRole assumed by the tenant itself, after a tenant administrator made its trust policy name the tenant', async () => {
    const { iam } = service;
    const tenant = await newAccount(service);
    const admin = await tenantAdministrator(tenant);
    await iam.roles.updateAssumeRolePolicy(admin, 'OrganizationAccountAccessRole', doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${tenant.accountId}:root` }, Action: 'sts:AssumeRole' }));
    const assumed = await iam.sts.assumeRole(admin, { roleArn: `arn:aws:iam::${tenant.accountId}:role/OrganizationAccountAccessRole`, roleSessionName: 'takeover' });
    const session = await callerOf(assumed.credentials.accessKeyId);
    expect(session.session).toMatchObject({ originAccountId: tenant.accountId });
    const before = await rootKeyState(tenant.accountId);
    await expect(iam.accessKeys.create(session, null, { forRoot: true })).rejects.toThrow(AccessDeniedError);
    expect(await rootKeyState(tenant.accountId)).toEqual(before);

    // Deleting the role and making one of the same name changes nothing either.
    await iam.roles.detachPolicy(admin, 'OrganizationAccountAccessRole', 'arn:aws:iam::aws:policy/AdministratorAccess');
    await iam.roles.delete(admin, 'OrganizationAccountAccessRole');
    await iam.roles.create(admin, {
      roleName: 'OrganizationAccountAccessRole',
      assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${tenant.accountId}:root` }, Action: 'sts:AssumeRole' }),
    });
    await iam.roles.attachPolicy(admin, 'OrganizationAccountAccessRole', 'arn:aws:iam::aws:policy/AdministratorAccess');
    const again = await callerOf(
      (await iam.sts.assumeRole(admin, { roleArn: `arn:aws:iam::${tenant.accountId}:role/OrganizationAccountAccessRole`, roleSessionName: 'again' })).credentials.accessKeyId,
    );
    await expect(iam.accessKeys.create(again, null, { forRoot: true })).rejects.toThrow(AccessDeniedError);
    expect(await rootKeyState(tenant.accountId)).toEqual(before);
  });

  it('carries the management origin along a chain: a tenant role assumed from the recovery session is refused, the recovery role assumed from a management session token is not', async () => {
    const { iam } = service;
    const tenant = await newAccount(service);
    const roleArn = `arn:aws:iam::${tenant.accountId}:role/OrganizationAccountAccessRole`;
    const operator = await managementUser({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn });
    const recovery = await callerOf((await iam.sts.assumeRole(operator, { roleArn, roleSessionName: 'recovery' })).credentials.accessKeyId);
    expect(recovery.session).toMatchObject({ originAccountId: service.managementRoot.accountId, chained: false });

    await iam.roles.create(tenant, {
      roleName: 'Chained',
      assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: roleArn }, Action: 'sts:AssumeRole' }),
    });
    await iam.roles.attachPolicy(tenant, 'Chained', 'arn:aws:iam::aws:policy/AdministratorAccess');
    const chained = await callerOf((await iam.sts.assumeRole(recovery, { roleArn: `arn:aws:iam::${tenant.accountId}:role/Chained`, roleSessionName: 'hop' })).credentials.accessKeyId);
    // The chain's origin is carried, but the session is not of the recovery role.
    expect(chained.session).toMatchObject({ originAccountId: service.managementRoot.accountId, chained: true });
    const before = await rootKeyState(tenant.accountId);
    await expect(iam.accessKeys.create(chained, null, { forRoot: true })).rejects.toThrow(AccessDeniedError);
    expect(await rootKeyState(tenant.accountId)).toEqual(before);

    // An operator's own session token starts a chain in the management account as its key does.
    const token = await iam.sts.getSessionToken(operator, {});
    const viaToken = await callerOf((await iam.sts.assumeRole(await callerOf(token.accessKeyId), { roleArn, roleSessionName: 'via-token' })).credentials.accessKeyId);
    expect(viaToken.session).toMatchObject({ originAccountId: service.managementRoot.accountId });
    const made = await iam.accessKeys.create(viaToken, null, { forRoot: true });
    expect((await rootKeyState(tenant.accountId)).keys).toContain(made.accessKeyId);
  });

  it("lets a management account's principal allowed on its root's ARN make that root's key, as the platform's operator", async () => {
    const { iam, managementRoot } = service;
    const operator = await managementUser({ Effect: 'Allow', Action: ['iam:CreateAccessKey', 'iam:DeleteAccessKey'], Resource: `arn:aws:iam::${managementRoot.accountId}:root` });
    const made = await iam.accessKeys.create(operator, null, { forRoot: true });
    expect((await rootKeyState(managementRoot.accountId)).keys).toContain(made.accessKeyId);
    // The management root keeps its quota of two for later runs on the shared store.
    await iam.accessKeys.delete(managementRoot, made.accessKeyId);
  });

  /** The role's events in the account's log, in order. */
  async function roleEvents(accountId: string) {
    return service.wardenDb.db
      .selectFrom('events')
      .select(['type', 'metadata', 'stream_id'])
      .where('account_id', '=', accountId)
      .where('stream_id', 'like', 'role/%')
      .orderBy('global_position')
      .execute();
  }

  /** An account as one made before every new account got the role: the tenant deletes it. */
  async function accountWithoutRecoveryRole(): Promise<Caller> {
    const tenant = await newAccount(service);
    await service.iam.roles.detachPolicy(tenant, 'OrganizationAccountAccessRole', 'arn:aws:iam::aws:policy/AdministratorAccess');
    await service.iam.roles.delete(tenant, 'OrganizationAccountAccessRole');
    return tenant;
  }

  it('gives an account without it OrganizationAccountAccessRole with the events of the account-creating write, once, and the recovery then works', async () => {
    const { iam, managementRoot } = service;
    const tenant = await accountWithoutRecoveryRole();
    const before = (await roleEvents(tenant.accountId)).length;
    const operator = await managementUser({ Effect: 'Allow', Action: ['warden:EnsureOrganizationAccessRole', 'sts:AssumeRole'], Resource: '*' });

    const role = await iam.accounts.ensureOrganizationAccessRole(operator, tenant.accountId);
    expect(role).toMatchObject({ roleName: 'OrganizationAccountAccessRole', path: '/', arn: `arn:aws:iam::${tenant.accountId}:role/OrganizationAccountAccessRole` });
    expect(JSON.parse(role.trustPolicy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${managementRoot.accountId}:root` }, Action: 'sts:AssumeRole' }],
    });
    const written = (await roleEvents(tenant.accountId)).slice(before);
    expect(written.map((event) => event.type)).toEqual(['RoleCreated', 'PolicyAttachedToRole']);
    for (const event of written) expect(event.metadata).toMatchObject({ actorArn: operator.arn, resourceArn: role.arn });

    // Idempotent: asked again, nothing is written.
    expect(await iam.accounts.ensureOrganizationAccessRole(operator, tenant.accountId)).toEqual(role);
    expect(await roleEvents(tenant.accountId)).toHaveLength(before + 2);

    const assumed = await iam.sts.assumeRole(operator, { roleArn: role.arn, roleSessionName: 'recovery' });
    const made = await iam.accessKeys.create(await callerOf(assumed.credentials.accessKeyId), null, { forRoot: true });
    expect(await iam.credentials.resolve(made.accessKeyId)).toMatchObject({ caller: { accountId: tenant.accountId, kind: 'root' } });
  });

  it("puts back a role whose tenant edited its trust policy and detached AdministratorAccess, keeping the tenant's other changes", async () => {
    const { iam, managementRoot } = service;
    const tenant = await newAccount(service);
    await iam.roles.updateAssumeRolePolicy(tenant, 'OrganizationAccountAccessRole', doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${tenant.accountId}:root` }, Action: 'sts:AssumeRole' }));
    await iam.roles.detachPolicy(tenant, 'OrganizationAccountAccessRole', 'arn:aws:iam::aws:policy/AdministratorAccess');
    await iam.roles.attachPolicy(tenant, 'OrganizationAccountAccessRole', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess');
    const before = (await roleEvents(tenant.accountId)).length;

    const role = await iam.accounts.ensureOrganizationAccessRole(managementRoot, tenant.accountId);
    expect(JSON.parse(role.trustPolicy)).toEqual(JSON.parse(organizationTrust(managementRoot.accountId)));
    expect((await roleEvents(tenant.accountId)).slice(before).map((event) => event.type)).toEqual(['AssumeRolePolicyUpdated', 'PolicyAttachedToRole']);
    expect((await iam.roles.attachedPolicies(tenant, 'OrganizationAccountAccessRole')).sort()).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess']);
    // A trust policy that says the same in other white space is intact.
    await iam.roles.updateAssumeRolePolicy(tenant, 'OrganizationAccountAccessRole', JSON.stringify(JSON.parse(organizationTrust(managementRoot.accountId)), null, 2));
    const after = (await roleEvents(tenant.accountId)).length;
    await iam.accounts.ensureOrganizationAccessRole(managementRoot, tenant.accountId);
    expect(await roleEvents(tenant.accountId)).toHaveLength(after);
  });

  it('creates the role once when two ensures race', async () => {
    const { iam, managementRoot } = service;
    const tenant = await accountWithoutRecoveryRole();
    const before = (await roleEvents(tenant.accountId)).length;
    const [first, second] = await Promise.all([
      iam.accounts.ensureOrganizationAccessRole(managementRoot, tenant.accountId),
      iam.accounts.ensureOrganizationAccessRole(managementRoot, tenant.accountId),
    ]);
    expect(first.roleId).toBe(second.roleId);
    expect((await roleEvents(tenant.accountId)).slice(before).map((event) => event.type)).toEqual(['RoleCreated', 'PolicyAttachedToRole']);
  });

  it('refuses to ensure the role for tenant principals, management principals not allowed, closed, unknown and management accounts', async () => {
    const { iam, managementRoot } = service;
    const tenant = await accountWithoutRecoveryRole();
    const admin = await tenantAdministrator(tenant);
    await expect(iam.accounts.ensureOrganizationAccessRole(admin, tenant.accountId)).rejects.toThrow(AccessDeniedError);
    await expect(iam.accounts.ensureOrganizationAccessRole(tenant, tenant.accountId)).rejects.toThrow(AccessDeniedError);
    await expect(iam.accounts.ensureOrganizationAccessRole(await managementUser(), tenant.accountId)).rejects.toThrow(AccessDeniedError);
    expect(await iam.roles.list(tenant, { first: 10 })).toEqual([]);
    await expect(iam.accounts.ensureOrganizationAccessRole(managementRoot, managementRoot.accountId)).rejects.toThrow(ConstraintViolationError);
    await expect(iam.accounts.ensureOrganizationAccessRole(managementRoot, '000000000001')).rejects.toThrow(NoSuchEntityError);
    await expect(iam.accounts.ensureOrganizationAccessRole(managementRoot, 'nope')).rejects.toThrow(InvalidInputError);
    await iam.accounts.close(managementRoot, tenant.accountId);
    await expect(iam.accounts.ensureOrganizationAccessRole(managementRoot, tenant.accountId)).rejects.toThrow(ConstraintViolationError);
    expect(await roleEvents(tenant.accountId)).toHaveLength(4);
  });

  it("exports a closed account to the management account: its whole log oldest first a page at a time, and its IAM state, secrets redacted, nothing of another account's", async () => {
    const { iam, managementRoot, wardenDb } = service;
    const tenant = await newAccount(service);
    const user = await iam.users.create(tenant, { userName: 'kept' });
    const key = await iam.accessKeys.create(tenant, 'kept');
    await iam.passwords.createLoginProfile(tenant, { userName: 'kept', password: 'Correct-Horse-9-battery' });
    await iam.accounts.close(managementRoot, tenant.accountId);
    const auditor = await managementUser({ Effect: 'Allow', Action: 'warden:ExportAccount', Resource: `arn:aws:organizations::${managementRoot.accountId}:account/*` });

    const stored = await wardenDb.db.selectFrom('events').select(['global_position', 'type']).where('account_id', '=', tenant.accountId).orderBy('global_position').execute();
    const all = await iam.accountExport.events(auditor, tenant.accountId, { first: 1000 });
    expect(all.map((event) => [event.position, event.type])).toEqual(stored.map((event) => [String(event.global_position), event.type]));
    expect(all[0]).toMatchObject({ type: 'AccountCreated', streamId: `account/${tenant.accountId}`, actorArn: managementRoot.arn });
    expect(all.at(-1)).toMatchObject({ type: 'AccountClosed' });
    const pages = [];
    let after: string | null = null;
    for (;;) {
      const page: typeof all = await iam.accountExport.events(auditor, tenant.accountId, { first: 3, after });
      if (page.length === 0) break;
      pages.push(...page);
      after = page.at(-1)!.position;
    }
    expect(pages).toEqual(all);

    const state = await iam.accountExport.iamState(auditor, tenant.accountId);
    const rows = (table: string) => state.find((entry) => entry.table === table)?.rows as Record<string, unknown>[];
    expect(rows('accounts')).toEqual([expect.objectContaining({ account_id: tenant.accountId, status: 'CLOSED' })]);
    expect(rows('users')).toEqual([expect.objectContaining({ user_id: user.userId, user_name: 'kept' })]);
    expect(rows('users')[0]!.login_profile).toMatchObject({ passwordHash: '[encrypted]' });
    expect(rows('access_keys')).toEqual(expect.arrayContaining([expect.objectContaining({ access_key_id: key.accessKeyId, secret: '[encrypted]' })]));
    expect(rows('roles').map((role) => role.role_name)).toEqual(['OrganizationAccountAccessRole']);
    for (const entry of state) for (const row of entry.rows) expect(row).toMatchObject({ account_id: tenant.accountId });
    // No ciphertext leaves, in the events or the state.
    const secrets = await wardenDb.db.selectFrom('access_keys').select('secret').where('account_id', '=', tenant.accountId).execute();
    const exported = JSON.stringify([all, state]);
    for (const { secret } of secrets) expect(exported).not.toContain(secret.ciphertext);
    expect(exported).not.toContain(key.secretAccessKey);
  });

  it('refuses an export to tenant principals (of that account or another), to management principals not allowed, and answers an unknown account as missing', async () => {
    const { iam, managementRoot } = service;
    const tenant = await newAccount(service);
    const other = await newAccount(service);
    const admin = await tenantAdministrator(other);
    for (const caller of [admin, other, tenant, await managementUser()]) {
      await expect(iam.accountExport.events(caller, tenant.accountId, { first: 10 })).rejects.toThrow(AccessDeniedError);
      await expect(iam.accountExport.iamState(caller, tenant.accountId)).rejects.toThrow(AccessDeniedError);
    }
    // Not even its own account: a tenant reads its own log with auditEvents.
    await expect(iam.accountExport.events(tenant, tenant.accountId, { first: 10 })).rejects.toThrow(AccessDeniedError);
    // Allowed on one account's ARN only.
    const narrow = await managementUser({ Effect: 'Allow', Action: 'warden:ExportAccount', Resource: `arn:aws:organizations::${managementRoot.accountId}:account/${other.accountId}` });
    await expect(iam.accountExport.events(narrow, tenant.accountId, { first: 10 })).rejects.toThrow(AccessDeniedError);
    expect((await iam.accountExport.events(narrow, other.accountId, { first: 1 }))[0]).toMatchObject({ type: 'AccountCreated' });
    await expect(iam.accountExport.events(managementRoot, '000000000001', { first: 10 })).rejects.toThrow(NoSuchEntityError);
    await expect(iam.accountExport.iamState(managementRoot, '000000000001')).rejects.toThrow(NoSuchEntityError);
    await expect(iam.accountExport.events(managementRoot, tenant.accountId, { first: 10, after: 'x' })).rejects.toThrow(InvalidInputError);
  });

  it('describes one account to the management account, closed or not (organizations:DescribeAccount), and to no tenant', async () => {
    const { iam, managementRoot } = service;
    const tenant = await newAccount(service);
    const reader = await managementUser({ Effect: 'Allow', Action: 'organizations:DescribeAccount', Resource: `arn:aws:organizations::${managementRoot.accountId}:account/${tenant.accountId}` });
    expect(await iam.accounts.describe(reader, tenant.accountId)).toMatchObject({ accountId: tenant.accountId, status: 'ACTIVE', closedAt: null });
    await iam.accounts.close(managementRoot, tenant.accountId);
    expect(await iam.accounts.describe(reader, tenant.accountId)).toMatchObject({ accountId: tenant.accountId, status: 'CLOSED' });
    await expect(iam.accounts.describe(reader, managementRoot.accountId)).rejects.toThrow(AccessDeniedError);
    await expect(iam.accounts.describe(await tenantAdministrator(await newAccount(service)), tenant.accountId)).rejects.toThrow(AccessDeniedError);
    await expect(iam.accounts.describe(managementRoot, '000000000001')).rejects.toThrow(NoSuchEntityError);
  });

  it('refuses the role session into a closed account, as its other credentials', async () => {
    const { iam, managementRoot } = service;
    const tenant = await newAccount(service);
    const operator = await managementUser({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' });
    const assumed = await iam.sts.assumeRole(operator, { roleArn: `arn:aws:iam::${tenant.accountId}:role/OrganizationAccountAccessRole`, roleSessionName: 'audit' });
    expect(await iam.credentials.resolve(assumed.credentials.accessKeyId)).toBeDefined();
    await iam.accounts.close(managementRoot, tenant.accountId);
    expect(await iam.credentials.resolve(assumed.credentials.accessKeyId)).toBeUndefined();
  });
});
