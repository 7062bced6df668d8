import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorizeAnswer, Caller, IamObserver } from '../src/index.js';
import { anotherService, DRIVERS, newAccount, openService, type ServiceUnderTest } from './test-service.js';

const doc = (action: string): string => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

/** Counts the decisions told to the observer: the live path tells each of its decisions, the history fold none. */
class DecisionCounter implements IamObserver {
  decisions = 0;
  authorized(): void {
    this.decisions++;
  }
  cache(): void {}
  eventsAppended(): void {}
  callRecords(): void {}
  lastAccessedLost(): void {}
}

/**
 * A batch (`authorizeBatch`) mixing requests with and without `at`: those without are answered now
 * by the live path, those with by folding the history to their instant; the answers in input order,
 * each the one its own path gives alone.
 */
describe.each([...DRIVERS])('a batch mixing now and past instants on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it('answers the requests without `at` by the live path, and each request as its own path does', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const alice = await iam.users.create(root, { userName: 'alice' });
    await iam.users.putInlinePolicy(root, 'alice', 'then', doc('iam:GetUser'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const then = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await iam.users.deleteInlinePolicy(root, 'alice', 'then');
    await iam.users.putInlinePolicy(root, 'alice', 'now', doc('iam:ListUsers'));

    const observer = new DecisionCounter();
    const observed = anotherService(service, { observer });
    const caller: Caller = { ...root, accountEpoch: (await observed.core.epochs.current(root.accountId))! };
    const listNow = { principal: alice.arn, action: 'iam:ListUsers', resource: '*' };
    const getThen = { principal: alice.arn, action: 'iam:GetUser', resource: '*', at: then };
    const getNow = { principal: alice.arn, action: 'iam:GetUser', resource: '*' };

    const mixed = await observed.pointInTime.authorizeEach(caller, [listNow, getThen, getNow]);
    // The two requests without `at` were decided by the live path (which tells each decision); the fold tells none.
    expect(observer.decisions).toBe(2);

    const decided = (answers: readonly AuthorizeAnswer[]) => answers.map((each) => ({ decision: each.decision, matched: each.matched, reason: each.reason }));
    const alone = [
      ...(await iam.authorization.authorizeMany(caller, [listNow])),
      ...(await iam.pointInTime.authorizeAt(caller, [getThen])),
      ...(await iam.authorization.authorizeMany(caller, [getNow])),
    ];
    expect(decided(mixed)).toEqual(decided(alone));
    expect(mixed.map((each) => each.decision)).toEqual(['allow', 'allow', 'implicit_deny']);
  });

  it('refuses a mixed batch naming principals of two accounts, as a batch of one path does', async () => {
    const root = await newAccount(service);
    const other = await newAccount(service);
    const ours = await service.iam.users.create(root, { userName: 'ours' });
    const theirs = await service.iam.users.create(other, { userName: 'theirs' });
    await expect(
      service.iam.pointInTime.authorizeEach(root, [
        { principal: ours.arn, action: 'iam:GetUser', resource: '*' },
        { principal: theirs.arn, action: 'iam:GetUser', resource: '*', at: new Date() },
      ]),
    ).rejects.toThrow('A batch may only ask about principals of one account.');
  });
});
