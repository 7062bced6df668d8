import { inAccountTransaction } from '@warden/db';
import { compilePolicySet, evaluate } from '@warden/policy';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, IamService, type IamObserver, InvalidInputError, NoSuchEntityError, NO_IAM_OBSERVER, UsageCounters } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller, frozenFolds } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

/** Counts the statements a Kysely instance runs, and can make them fail. */
function countingPlugin(options: { fail?: boolean } = {}): KyselyPlugin & { statements: number } {
  const plugin = {
    statements: 0,
    transformQuery(args: Parameters<KyselyPlugin['transformQuery']>[0]) {
      plugin.statements += 1;
      if (options.fail) throw new Error('the store refused the batch');
      return args.node;
    },
    transformResult: (args: Parameters<KyselyPlugin['transformResult']>[0]) => Promise.resolve(args.result),
  };
  return plugin;
}

/** An observer that counts what last-accessed counting lost. */
function losing(): IamObserver & { lost: Record<string, number> } {
  const lost: Record<string, number> = {};
  return { ...NO_IAM_OBSERVER, lost, lastAccessedLost: (count, reason) => void (lost[reason] = (lost[reason] ?? 0) + count) };
}

/**
 * Access Advisor (IAM User Guide, "Refining permissions using last accessed information"; API
 * reference, GenerateServiceLastAccessedDetails and GetServiceLastAccessedDetails): the services an
 * entity's policies allow, each with the last time one of the entity's principals (a user or role
 * itself, a group's members, the principals a policy is attached to; a session counting for its
 * role) was allowed one of its actions.
 */
describe.each([...DRIVERS])('last accessed on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  /** A service on the same store whose clock the test sets. */
  function clocked(): { iam: IamService; at: (iso: string) => Date } {
    let now = new Date();
    const iam = new IamService({ streamFolds: frozenFolds(), db: service.wardenDb.db, keyring: service.iam.core.keyring, clock: { now: () => now }, lastAccessed: { flushIntervalMs: 3_600_000 } });
    return {
      iam,
      at: (iso) => {
        now = new Date(iso);
        return now;
      },
    };
  }

  async function details(iam: IamService, caller: Caller, arn: string, granularity: 'SERVICE_LEVEL' | 'ACTION_LEVEL') {
    const { jobId } = await iam.accessAdvisor.generateServiceLastAccessedDetails(caller, { arn, granularity });
    const report = await iam.accessAdvisor.serviceLastAccessedDetails(caller, jobId);
    expect(report).toMatchObject({ jobId, jobStatus: 'COMPLETED', jobType: granularity, error: null });
    return report.servicesLastAccessed;
  }

  it('reports, by hand: a user, a role used by its session, a group and a policy, with allowed services never used listed without LastAuthenticated', async () => {
    const { iam, at } = clocked();
    const root = await newAccount(service);
    const account = root.accountId;
    const aliceArn = `arn:aws:iam::${account}:user/alice`;
    const bobArn = `arn:aws:iam::${account}:user/bob`;
    const roleArn = `arn:aws:iam::${account}:role/app`;
    const listerArn = `arn:aws:iam::${account}:policy/lister`;
    at('2026-11-01T08:00:00.000Z');
    const alice = await iam.users.create(root, { userName: 'alice' });
    await iam.users.create(root, { userName: 'bob' });
    await iam.users.putInlinePolicy(root, 'alice', 'own', doc({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 'iam:ListUsers', 'ec2:Describe*'], Resource: '*' }));
    await iam.groups.create(root, { groupName: 'devs' });
    await iam.groups.addUser(root, 'devs', 'alice');
    await iam.groups.addUser(root, 'devs', 'bob');
    await iam.groups.putInlinePolicy(root, 'devs', 'data', doc({ Effect: 'Allow', Action: ['dynamodb:GetItem', 's3:*'], Resource: '*' }));
    await iam.policies.create(root, { policyName: 'lister', policyDocument: doc({ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }) });
    await iam.groups.attachPolicy(root, 'devs', listerArn);
    // ops assumes the role (a root user cannot).
    const ops = await iam.users.create(root, { userName: 'ops' });
    await iam.users.putInlinePolicy(root, 'ops', 'assume', doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }));
    await iam.roles.create(root, {
      roleName: 'app',
      assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: ops.arn }, Action: 'sts:AssumeRole' }),
    });
    await iam.roles.attachPolicy(root, 'app', listerArn);

    // alice is allowed s3:GetObject at t1 and t2 (asked through authorize), iam:ListUsers at t3 (her own call).
    const t1 = at('2026-11-02T09:00:00.000Z');
    expect((await iam.authorization.authorize(root, { principal: aliceArn, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' })).decision).toBe('allow');
    const t2 = at('2026-11-03T10:30:00.000Z');
    expect((await iam.authorization.authorize(root, { principal: aliceArn, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' })).decision).toBe('allow');
    // A deny is no use: s3:DeleteObject is allowed to alice only through the group's s3:*, but bob is asked here and denied ec2.
    expect((await iam.authorization.authorize(root, { principal: bobArn, action: 'ec2:RunInstances', resource: '*' })).decision).toBe('implicit_deny');
    const t3 = at('2026-11-04T11:00:00.000Z');
    await iam.users.list(userCaller(account, alice), { first: 10 });
    // bob is allowed s3:ListBucket (the group's s3:*) at t4, from eu-west-1.
    const t4 = at('2026-11-05T12:00:00.000Z');
    await iam.authorization.authorize(root, { principal: bobArn, action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: { 'aws:RequestedRegion': 'eu-west-1' } });
    // The role's session lists roles at t5: the use counts for the role.
    const t5 = at('2026-11-06T13:00:00.000Z');
    const assumed = await iam.sts.assumeRole(userCaller(account, ops), { roleArn, roleSessionName: 'worker' });
    const resolved = await iam.credentials.resolve(assumed.credentials.accessKeyId);
    const session: Caller = { ...resolved!.caller, requestContext: { 'aws:RequestedRegion': 'us-west-2' } };
    await iam.roles.list(session, { first: 10 });
    at('2026-11-07T00:00:00.000Z');

    const service_ = (namespace: string, rest: object) => ({ serviceNamespace: namespace, ...rest });
    const never = { lastAuthenticated: null, lastAuthenticatedEntity: null, lastAuthenticatedRegion: null, totalAuthenticatedEntities: null };
    // alice: her own policy and her group's (s3, iam, ec2, dynamodb); lister (iam) through the group.
    expect(await details(iam, root, aliceArn, 'SERVICE_LEVEL')).toEqual([
      service_('dynamodb', { serviceName: 'Amazon DynamoDB', ...never, trackedActionsLastAccessed: null }),
      service_('ec2', { serviceName: 'Amazon EC2', ...never, trackedActionsLastAccessed: null }),
      service_('iam', {
        serviceName: 'AWS Identity and Access Management',
        lastAuthenticated: t3,
        lastAuthenticatedEntity: aliceArn,
        lastAuthenticatedRegion: 'us-east-1',
        totalAuthenticatedEntities: 1,
        trackedActionsLastAccessed: null,
      }),
      service_('s3', {
        serviceName: 'Amazon S3',
        lastAuthenticated: t2,
        lastAuthenticatedEntity: aliceArn,
        lastAuthenticatedRegion: 'us-east-1',
        totalAuthenticatedEntities: 1,
        trackedActionsLastAccessed: null,
      }),
    ]);
    const actions = await details(iam, root, aliceArn, 'ACTION_LEVEL');
    const tracked = Object.fromEntries(actions.map((entry) => [entry.serviceNamespace, entry.trackedActionsLastAccessed]));
    expect(tracked).toEqual({
      dynamodb: [{ actionName: 'GetItem', lastAccessedEntity: null, lastAccessedTime: null, lastAccessedRegion: null }],
      // ec2:Describe* names no action: nothing to track.
      ec2: null,
      iam: [
        { actionName: 'ListRoles', lastAccessedEntity: null, lastAccessedTime: null, lastAccessedRegion: null },
        { actionName: 'ListUsers', lastAccessedEntity: aliceArn, lastAccessedTime: t3, lastAccessedRegion: 'us-east-1' },
      ],
      s3: [
        { actionName: 'GetObject', lastAccessedEntity: aliceArn, lastAccessedTime: t2, lastAccessedRegion: 'us-east-1' },
        { actionName: 'PutObject', lastAccessedEntity: null, lastAccessedTime: null, lastAccessedRegion: null },
      ],
    });
    expect(t1.getTime()).toBeLessThan(t2.getTime());

    // The role: lister allows iam; its session's use at t5, from us-west-2.
    expect(await details(iam, root, roleArn, 'SERVICE_LEVEL')).toEqual([
      service_('iam', {
        serviceName: 'AWS Identity and Access Management',
        lastAuthenticated: t5,
        lastAuthenticatedEntity: roleArn,
        lastAuthenticatedRegion: 'us-west-2',
        totalAuthenticatedEntities: 1,
        trackedActionsLastAccessed: null,
      }),
    ]);

    // The group: its own policies (dynamodb, s3; iam through lister), its members' use: alice's s3 at t2, bob's at t4.
    expect(await details(iam, root, `arn:aws:iam::${account}:group/devs`, 'SERVICE_LEVEL')).toEqual([
      service_('dynamodb', { serviceName: 'Amazon DynamoDB', ...never, trackedActionsLastAccessed: null }),
      service_('iam', {
        serviceName: 'AWS Identity and Access Management',
        lastAuthenticated: t3,
        lastAuthenticatedEntity: aliceArn,
        lastAuthenticatedRegion: 'us-east-1',
        totalAuthenticatedEntities: 1,
        trackedActionsLastAccessed: null,
      }),
      service_('s3', {
        serviceName: 'Amazon S3',
        lastAuthenticated: t4,
        lastAuthenticatedEntity: bobArn,
        lastAuthenticatedRegion: 'eu-west-1',
        totalAuthenticatedEntities: 2,
        trackedActionsLastAccessed: null,
      }),
    ]);

    // The policy: iam only; attached to the role (t5) and to devs (alice at t3): two principals used iam.
    expect(await details(iam, root, listerArn, 'SERVICE_LEVEL')).toEqual([
      service_('iam', {
        serviceName: 'AWS Identity and Access Management',
        lastAuthenticated: t5,
        lastAuthenticatedEntity: roleArn,
        lastAuthenticatedRegion: 'us-west-2',
        totalAuthenticatedEntities: 2,
        trackedActionsLastAccessed: null,
      }),
    ]);

    // The policy suggestion for alice over those days: exactly what she was allowed, evaluated.
    const suggestion = await iam.accessAdvisor.policySuggestion(root, { principalArn: aliceArn, from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-07T00:00:00Z') });
    expect(suggestion.actions).toEqual(['iam:ListUsers', 's3:GetObject']);
    const compiled = compilePolicySet({ identityPolicies: [{ name: 'suggested', document: suggestion.policyDocument! }] });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const decide = (action: string) => evaluate(compiled.policySet, { principal: aliceArn, action, resource: 'arn:aws:s3:::b/k', context: {} }).decision;
    expect(decide('s3:GetObject')).toBe('allow');
    expect(decide('iam:ListUsers')).toBe('allow');
    expect(decide('s3:PutObject')).toBe('implicit_deny');
    expect(decide('iam:ListRoles')).toBe('implicit_deny');
    // A period before any use suggests nothing; one covering only t1's day, only s3:GetObject.
    expect(await iam.accessAdvisor.policySuggestion(root, { principalArn: aliceArn, from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') })).toMatchObject({
      actions: [],
      policyDocument: null,
    });
    expect((await iam.accessAdvisor.policySuggestion(root, { principalArn: aliceArn, from: t1, to: new Date('2026-11-03T00:00:00Z') })).actions).toEqual(['s3:GetObject']);
    await iam.core.usage.close();
  });

  it('lists the entities that could have used a service, the latest use first and the unused after by ARN (GetServiceLastAccessedDetailsWithEntities)', async () => {
    const { iam, at } = clocked();
    const root = await newAccount(service);
    const account = root.accountId;
    const arnOf = (kind: string, name: string) => `arn:aws:iam::${account}:${kind}/${name}`;
    at('2026-11-20T08:00:00.000Z');
    const alice = await iam.users.create(root, { userName: 'alice' });
    const bob = await iam.users.create(root, { userName: 'bob', path: '/staff/' });
    const carol = await iam.users.create(root, { userName: 'carol' });
    await iam.groups.create(root, { groupName: 'devs' });
    for (const name of ['alice', 'bob', 'carol']) await iam.groups.addUser(root, 'devs', name);
    await iam.groups.putInlinePolicy(root, 'devs', 'data', doc({ Effect: 'Allow', Action: ['s3:GetObject', 'dynamodb:GetItem'], Resource: '*' }));
    const listerArn = arnOf('policy', 'lister');
    await iam.policies.create(root, { policyName: 'lister', policyDocument: doc({ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }) });
    await iam.groups.attachPolicy(root, 'devs', listerArn);
    const app = await iam.roles.create(root, {
      roleName: 'app',
      path: '/service/',
      assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    });
    await iam.roles.attachPolicy(root, 'app', listerArn);

    const allow = async (principal: string, action: string) => expect((await iam.authorization.authorize(root, { principal, action, resource: '*' })).decision).toBe('allow');
    const t1 = at('2026-11-21T09:00:00.000Z');
    await allow(alice.arn, 's3:GetObject');
    const t2 = at('2026-11-22T10:00:00.000Z');
    await allow(bob.arn, 's3:GetObject');
    const t3 = at('2026-11-23T11:00:00.000Z');
    await allow(alice.arn, 'iam:ListRoles');
    const t4 = at('2026-11-24T12:00:00.000Z');
    await allow(app.arn, 'iam:ListRoles');
    at('2026-11-25T00:00:00.000Z');

    const user = (created: { arn: string; userName: string; userId: string; path: string }) => ({ arn: created.arn, name: created.userName, type: 'USER', id: created.userId, path: created.path });
    const role = { arn: app.arn, name: 'app', type: 'ROLE', id: app.roleId, path: '/service/' };
    const entities = async (arn: string, serviceNamespace: string) => {
      const { jobId } = await iam.accessAdvisor.generateServiceLastAccessedDetails(root, { arn });
      const answer = await iam.accessAdvisor.serviceLastAccessedDetailsWithEntities(root, { jobId, serviceNamespace });
      expect(answer).toMatchObject({ jobStatus: 'COMPLETED', error: null });
      return answer.entityDetailsList;
    };
    // The group: its members; bob used s3 last, then alice; carol never did.
    expect(await entities(arnOf('group', 'devs'), 's3')).toEqual([
      { entityInfo: user(bob), lastAuthenticated: t2 },
      { entityInfo: user(alice), lastAuthenticated: t1 },
      { entityInfo: user(carol), lastAuthenticated: null },
    ]);
    // Allowed and never used: every member, by ARN (bob's path sorts him after carol).
    expect((await entities(arnOf('group', 'devs'), 'dynamodb')).map((entry) => [entry.entityInfo.name, entry.lastAuthenticated])).toEqual([
      ['alice', null],
      ['carol', null],
      ['bob', null],
    ]);
    // Not allowed by the group's policies: no entity could have used it.
    expect(await entities(arnOf('group', 'devs'), 'kms')).toEqual([]);
    // The policy: the role it is attached to and the members of the group it is attached to.
    expect(await entities(listerArn, 'iam')).toEqual([
      { entityInfo: role, lastAuthenticated: t4 },
      { entityInfo: user(alice), lastAuthenticated: t3 },
      { entityInfo: user(carol), lastAuthenticated: null },
      { entityInfo: user(bob), lastAuthenticated: null },
    ]);
    // A user's own report: the user alone.
    expect(await entities(alice.arn, 's3')).toEqual([{ entityInfo: user(alice), lastAuthenticated: t1 }]);

    const { jobId } = await iam.accessAdvisor.generateServiceLastAccessedDetails(root, { arn: arnOf('group', 'devs') });
    await expect(iam.accessAdvisor.serviceLastAccessedDetailsWithEntities(root, { jobId, serviceNamespace: 's3 or iam' })).rejects.toBeInstanceOf(InvalidInputError);
    const other = await newAccount(service);
    await expect(iam.accessAdvisor.serviceLastAccessedDetailsWithEntities(other, { jobId, serviceNamespace: 's3' })).rejects.toBeInstanceOf(NoSuchEntityError);
    await iam.core.usage.close();
  });

  it('keeps each account to itself: a job id of another account is NoSuchEntity, and no usage row is read across accounts', async () => {
    const { iam, at } = clocked();
    const a = await newAccount(service);
    const b = await newAccount(service);
    at('2026-11-10T10:00:00.000Z');
    await iam.users.create(a, { userName: 'ann' });
    await iam.users.putInlinePolicy(a, 'ann', 'own', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }));
    await iam.users.create(b, { userName: 'ann' });
    await iam.users.putInlinePolicy(b, 'ann', 'own', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }));
    await iam.authorization.authorize(a, { principal: `arn:aws:iam::${a.accountId}:user/ann`, action: 's3:GetObject', resource: '*' });
    const { jobId } = await iam.accessAdvisor.generateServiceLastAccessedDetails(a, { arn: `arn:aws:iam::${a.accountId}:user/ann` });
    await expect(iam.accessAdvisor.serviceLastAccessedDetails(b, jobId)).rejects.toBeInstanceOf(NoSuchEntityError);
    // b cannot report on a's user either.
    await expect(iam.accessAdvisor.generateServiceLastAccessedDetails(b, { arn: `arn:aws:iam::${a.accountId}:user/ann` })).rejects.toBeInstanceOf(NoSuchEntityError);
    const own = await details(iam, b, `arn:aws:iam::${b.accountId}:user/ann`, 'SERVICE_LEVEL');
    expect(own.find((entry) => entry.serviceNamespace === 's3')).toMatchObject({ lastAuthenticated: null });
    // Row security: b's transaction sees none of a's usage rows.
    const seen = await inAccountTransaction(service.wardenDb.db, b.accountId, (trx) => trx.selectFrom('action_usage').select('account_id').execute());
    expect(seen.every((row) => row.account_id === b.accountId)).toBe(true);
    const mine = await inAccountTransaction(service.wardenDb.db, a.accountId, (trx) => trx.selectFrom('action_usage').select('account_id').execute());
    expect(mine.length).toBeGreaterThan(0);
    await iam.core.usage.close();
  });

  it('writes a batch of many accounts, principals and actions in one statement, keeping the later time', async () => {
    const plugin = countingPlugin();
    const counters = new UsageCounters(service.wardenDb.db.withPlugin(plugin), NO_IAM_OBSERVER, { flushIntervalMs: 3_600_000 });
    const accounts = [await newAccount(service), await newAccount(service), await newAccount(service)];
    const early = new Date('2026-11-20T08:00:00.000Z');
    const late = new Date('2026-11-20T09:00:00.000Z');
    for (const { accountId } of accounts) {
      for (let user = 0; user < 20; user++) {
        for (const action of ['s3:GetObject', 'S3:PutObject', 'iam:ListUsers']) counters.record(accountId, `arn:aws:iam::${accountId}:user/u${user}`, action, late, 'us-east-1');
        // An earlier use counted after a later one does not move the time back.
        counters.record(accountId, `arn:aws:iam::${accountId}:user/u${user}`, 's3:GetObject', early, 'eu-west-1');
      }
    }
    expect(counters.pendingKeys).toBe(3 * 20 * 3);
    await counters.flush();
    expect(plugin.statements).toBe(1);
    expect(counters.pendingKeys).toBe(0);
    const { accountId } = accounts[1]!;
    const rows = await inAccountTransaction(service.wardenDb.db, accountId, (trx) =>
      trx.selectFrom('action_usage').select(['action', 'last_accessed_at', 'region']).where('principal_arn', '=', `arn:aws:iam::${accountId}:user/u7`).orderBy('action').execute(),
    );
    expect(rows.map((row) => [row.action, new Date(row.last_accessed_at).toISOString(), row.region])).toEqual([
      ['iam:ListUsers', late.toISOString(), 'us-east-1'],
      ['s3:GetObject', late.toISOString(), 'us-east-1'],
      // The prefix is case-insensitive in IAM: stored in lower case.
      ['s3:PutObject', late.toISOString(), 'us-east-1'],
    ]);
    // A second flush with an earlier time for a stored row keeps the stored later time (GREATEST).
    counters.record(accountId, `arn:aws:iam::${accountId}:user/u7`, 'iam:ListUsers', early, 'eu-west-1');
    await counters.flush();
    expect(plugin.statements).toBe(2);
    const after = await inAccountTransaction(service.wardenDb.db, accountId, (trx) =>
      trx
        .selectFrom('action_usage')
        .select(['last_accessed_at', 'region'])
        .where('principal_arn', '=', `arn:aws:iam::${accountId}:user/u7`)
        .where('action', '=', 'iam:ListUsers')
        .executeTakeFirstOrThrow(),
    );
    expect([new Date(after.last_accessed_at).toISOString(), after.region]).toEqual([late.toISOString(), 'us-east-1']);
  });

  it('writes what is pending on close, counts nothing after, and counts a failed batch as lost without throwing', async () => {
    const { accountId } = await newAccount(service);
    const counters = new UsageCounters(service.wardenDb.db, NO_IAM_OBSERVER, { flushIntervalMs: 3_600_000 });
    const at = new Date('2026-11-21T08:00:00.000Z');
    counters.record(accountId, `arn:aws:iam::${accountId}:user/x`, 'sqs:SendMessage', at, 'us-east-1');
    await counters.close();
    counters.record(accountId, `arn:aws:iam::${accountId}:user/x`, 'sqs:ReceiveMessage', at, 'us-east-1');
    expect(counters.pendingKeys).toBe(0);
    const rows = await inAccountTransaction(service.wardenDb.db, accountId, (trx) => trx.selectFrom('action_usage').select('action').execute());
    expect(rows.map((row) => row.action)).toEqual(['sqs:SendMessage']);

    const observer = losing();
    const failing = new UsageCounters(service.wardenDb.db.withPlugin(countingPlugin({ fail: true })), observer, { flushIntervalMs: 3_600_000 });
    failing.record(accountId, `arn:aws:iam::${accountId}:user/x`, 'sqs:SendMessage', at, 'us-east-1');
    failing.record(accountId, `arn:aws:iam::${accountId}:user/y`, 'sqs:SendMessage', at, 'us-east-1');
    await expect(failing.flush()).resolves.toBeUndefined();
    expect(observer.lost).toEqual({ 'flush-failed': 2 });
  });

  it('flushes when the map fills, and counts uses dropped while a full map waits on a flush', async () => {
    const { accountId } = await newAccount(service);
    const observer = losing();
    const counters = new UsageCounters(service.wardenDb.db, observer, { flushIntervalMs: 3_600_000, maxKeys: 2 });
    const at = new Date('2026-11-22T08:00:00.000Z');
    const use = (n: number) => counters.record(accountId, `arn:aws:iam::${accountId}:user/u${n}`, 'sqs:SendMessage', at, 'us-east-1');
    use(1);
    use(2);
    // The third key finds the map full: a flush starts with the two, and the third waits beside it.
    use(3);
    expect(counters.pendingKeys).toBe(1);
    // While that flush is still writing, as many again as the bound wait (twice the bound in all)…
    use(4);
    use(5);
    use(6);
    expect(counters.pendingKeys).toBe(4);
    expect(observer.lost).toEqual({});
    // …and the next one is dropped and counted.
    use(7);
    expect(observer.lost).toEqual({ full: 1 });
    await counters.close();
    const rows = await inAccountTransaction(service.wardenDb.db, accountId, (trx) => trx.selectFrom('action_usage').select('principal_arn').orderBy('principal_arn').execute());
    expect(rows.map((row) => row.principal_arn.slice(-2))).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
  });

  it('counts nothing when turned off', async () => {
    const { accountId } = await newAccount(service);
    const counters = new UsageCounters(service.wardenDb.db, NO_IAM_OBSERVER, { enabled: false });
    counters.record(accountId, `arn:aws:iam::${accountId}:user/x`, 'sqs:SendMessage', new Date(), 'us-east-1');
    expect(counters.pendingKeys).toBe(0);
  });
});
