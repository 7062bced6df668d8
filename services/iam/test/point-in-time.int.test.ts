import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, deleteSnapshots, IamService, NoSuchEntityError, PointInTimeBeforeAccountError, PointInTimeChecks, PointInTimeInFutureError } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, frozenFolds } from './test-service.js';

/**
 * authorize, simulatePrincipalPolicy and accessHistory as of past instants, against a history whose
 * answers are worked out by hand: a user, a policy attached at t1 and detached at t2, a group with
 * a deny joined at t3, the deny policy's default version changed at t4 (to one that allows), the
 * group left at t5 and the user deleted at t6.
 */
const minutes = (count: number) => count * 60_000;
const allow = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const deny = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'NoReports', Effect: 'Deny', Action: action, Resource: 'arn:aws:s3:::reports/*' }] });

const ACTION = 's3:GetObject';
const RESOURCE = 'arn:aws:s3:::reports/q1.csv';

describe.each([...DRIVERS])('point-in-time authorization on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  let root: Caller;
  let iam: IamService;
  let now: Date;
  let userArn: string;
  const t: Date[] = [];
  const events: Record<string, string> = {};

  beforeAll(async () => {
    service = await openService(driver);
    root = await newAccount(service);
    // The account was created on the wall clock; the history starts an hour later on a clock of the test's own.
    const t0 = new Date(Date.now() + minutes(60));
    for (let index = 0; index <= 6; index++) t.push(new Date(t0.getTime() + minutes(10 * index)));
    now = t[0]!;
    iam = new IamService({ streamFolds: frozenFolds(), db: service.wardenDb.db, keyring: service.iam.core.keyring, clock: { now: () => now } });
    const grants = await iam.policies.create(root, { policyName: 'Reports', policyDocument: allow(ACTION) });
    const guard = await iam.policies.create(root, { policyName: 'ReportsGuard', policyDocument: deny(ACTION) });
    await iam.policies.createVersion(root, guard.arn, allow(ACTION), false);
    await iam.groups.create(root, { groupName: 'contractors' });
    await iam.groups.attachPolicy(root, 'contractors', guard.arn);
    userArn = (await iam.users.create(root, { userName: 'alice' })).arn;
    now = t[1]!;
    await iam.users.attachPolicy(root, 'alice', grants.arn);
    now = t[2]!;
    await iam.users.detachPolicy(root, 'alice', grants.arn);
    now = t[3]!;
    await iam.groups.addUser(root, 'contractors', 'alice');
    now = t[4]!;
    await iam.policies.setDefaultVersion(root, guard.arn, 'v2');
    now = t[5]!;
    await iam.groups.removeUser(root, 'contractors', 'alice');
    now = t[6]!;
    await iam.users.delete(root, 'alice');
    now = new Date(t[6]!.getTime() + minutes(10));
    const log = await service.wardenDb.db.selectFrom('events').select(['global_position', 'type']).where('account_id', '=', root.accountId).orderBy('global_position').execute();
    for (const event of log) events[event.type] = String(event.global_position);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  const decisionAt = async (at: Date) => (await iam.pointInTime.authorizeAt(root, [{ principal: userArn, action: ACTION, resource: RESOURCE, at }]))[0]!;

  it('answers as of each instant of the history', async () => {
    const expected = [
      ['implicit_deny', 'created, nothing attached'],
      ['allow', 'Reports attached'],
      ['implicit_deny', 'Reports detached'],
      ['explicit_deny', 'in a group whose guard denies'],
      ['allow', "the guard's default version allows"],
      ['implicit_deny', 'out of the group'],
    ] as const;
    for (const [index, [decision]] of expected.entries()) {
      // Just after the change, and just before the next one.
      expect((await decisionAt(new Date(t[index]!.getTime() + 1000))).decision).toBe(decision);
      expect((await decisionAt(new Date(t[index + 1]!.getTime() - 1000))).decision).toBe(decision);
    }
    // At the instant of an event, the event has happened.
    expect((await decisionAt(t[1]!)).decision).toBe('allow');
    const denied = await decisionAt(new Date(t[3]!.getTime() + minutes(5)));
    expect(denied.matched.map((statement) => [statement.policyArn, statement.sid, statement.effect])).toEqual([[`arn:aws:iam::${root.accountId}:policy/ReportsGuard`, 'NoReports', 'Deny']]);
  });

  it('simulates the principal as it was', async () => {
    const simulate = (at: Date) => iam.pointInTime.simulatePrincipalPolicyAt(root, { policySourceArn: userArn, actionNames: [ACTION, 's3:PutObject'], resourceArns: [RESOURCE], at });
    const during = await simulate(new Date(t[1]!.getTime() + minutes(1)));
    expect(during.map((result) => result.evalDecision)).toEqual(['allowed', 'implicitDeny']);
    const guarded = await simulate(new Date(t[3]!.getTime() + minutes(1)));
    expect(guarded.map((result) => result.evalDecision)).toEqual(['explicitDeny', 'implicitDeny']);
  });

  it('lists the intervals of allow and the events that changed the answer', async () => {
    const from = new Date(t[0]!.getTime() + minutes(1));
    const to = new Date(t[6]!.getTime() + minutes(5));
    const history = await iam.pointInTime.accessHistory(root, { principal: userArn, action: ACTION, resource: RESOURCE, from, to });
    expect(history.decisionAtFrom).toBe('implicit_deny');
    expect(history.allowed).toEqual([
      { from: t[1], to: t[2] },
      { from: t[4], to: t[5] },
    ]);
    expect(history.changes.map((change) => [change.type, change.occurredAt, change.decision, change.eventId])).toEqual([
      ['PolicyAttachedToUser', t[1], 'allow', events['PolicyAttachedToUser']],
      ['PolicyDetachedFromUser', t[2], 'implicit_deny', events['PolicyDetachedFromUser']],
      ['UserAddedToGroup', t[3], 'explicit_deny', events['UserAddedToGroup']],
      ['DefaultPolicyVersionSet', t[4], 'allow', events['DefaultPolicyVersionSet']],
      ['UserRemovedFromGroup', t[5], 'implicit_deny', events['UserRemovedFromGroup']],
      ['UserDeleted', t[6], null, events['UserDeleted']],
    ]);
    expect(history.changes[0]!.streamId).toMatch(/^user\/AIDA/);
    expect(history.changes[3]!.streamId).toMatch(/^policy\/ANPA/);
    // A window inside one allowed interval is allowed throughout, with no change.
    const inside = await iam.pointInTime.accessHistory(root, { principal: userArn, action: ACTION, resource: RESOURCE, from: new Date(t[4]!.getTime() + 1000), to: new Date(t[5]!.getTime() - 1000) });
    expect(inside).toEqual({ decisionAtFrom: 'allow', allowed: [{ from: new Date(t[4]!.getTime() + 1000), to: new Date(t[5]!.getTime() - 1000) }], changes: [] });
  });

  it('is NoSuchEntity before the principal was created and after it was deleted', async () => {
    await expect(decisionAt(new Date(t[0]!.getTime() - minutes(1)))).rejects.toThrow(NoSuchEntityError);
    await expect(decisionAt(new Date(t[6]!.getTime() + 1000))).rejects.toThrow(NoSuchEntityError);
    await expect(iam.pointInTime.simulatePrincipalPolicyAt(root, { policySourceArn: userArn, actionNames: [ACTION], at: new Date(t[6]!.getTime() + 1000) })).rejects.toThrow(NoSuchEntityError);
  });

  it('refuses an instant before the account existed, and one in the future', async () => {
    const accountCreated = await service.wardenDb.db.selectFrom('events').select('occurred_at').where('account_id', '=', root.accountId).orderBy('global_position').limit(1).executeTakeFirstOrThrow();
    const before = new Date(new Date(accountCreated.occurred_at).getTime() - 1);
    await expect(decisionAt(before)).rejects.toThrow(PointInTimeBeforeAccountError);
    await expect(iam.pointInTime.accessHistory(root, { principal: userArn, action: ACTION, resource: RESOURCE, from: before, to: t[2]! })).rejects.toThrow(PointInTimeBeforeAccountError);
    await expect(decisionAt(new Date(now.getTime() + minutes(1)))).rejects.toThrow(PointInTimeInFutureError);
    await expect(iam.pointInTime.accessHistory(root, { principal: userArn, action: ACTION, resource: RESOURCE, from: t[1]!, to: new Date(now.getTime() + minutes(1)) })).rejects.toThrow(
      PointInTimeInFutureError,
    );
    // Within the skew, the future is now.
    await expect(decisionAt(new Date(now.getTime() + 1000))).rejects.toThrow(NoSuchEntityError);
  });

  it('is asked as today: a caller without iam:SimulatePrincipalPolicy now is refused', async () => {
    now = new Date(now.getTime() + minutes(1));
    const auditor = await iam.users.create(root, { userName: 'auditor' });
    const caller: Caller = { accountId: root.accountId, arn: auditor.arn, kind: 'user', userId: auditor.userId, userName: 'auditor', requestContext: {} };
    await expect(iam.pointInTime.authorizeAt(caller, [{ principal: userArn, action: ACTION, resource: RESOURCE, at: new Date(t[1]!.getTime() + 1000) }])).rejects.toThrow(
      /iam:SimulatePrincipalPolicy/,
    );
    await iam.users.putInlinePolicy(root, 'auditor', 'simulate', allow('iam:SimulatePrincipalPolicy'));
    const [answer] = await iam.pointInTime.authorizeAt(caller, [{ principal: userArn, action: ACTION, resource: RESOURCE, at: new Date(t[1]!.getTime() + 1000) }]);
    expect(answer!.decision).toBe('allow');
  });

  it.runIf(driver === 'postgres')('takes no snapshot while a write transaction is running, and does once none is', async () => {
    const checks = new PointInTimeChecks(iam.core, iam.authorization, { useSnapshots: true, snapshotInterval: 2 });
    const count = async () =>
      Number(
        (
          await service.wardenDb.db
            .selectFrom('history_snapshots')
            .select(({ fn }) => fn.countAll<string>().as('count'))
            .where('account_id', '=', root.accountId)
            .executeTakeFirstOrThrow()
        ).count,
      );
    await deleteSnapshots(service.wardenDb.db, root.accountId);
    const at = new Date(t[5]!.getTime() + 1000);
    await service.wardenDb.db.connection().execute(async (connection) => {
      await sql`BEGIN`.execute(connection);
      // A transaction with an id: it could have drawn a position and commit later.
      await sql`SELECT pg_current_xact_id()`.execute(connection);
      try {
        expect((await checks.authorizeAt(root, [{ principal: userArn, action: ACTION, resource: RESOURCE, at }]))[0]!.decision).toBe('implicit_deny');
        expect(await count()).toBe(0);
      } finally {
        await sql`ROLLBACK`.execute(connection);
      }
    });
    expect((await checks.authorizeAt(root, [{ principal: userArn, action: ACTION, resource: RESOURCE, at }]))[0]!.decision).toBe('implicit_deny');
    expect(await count()).toBeGreaterThan(0);
  });
});
