import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, InvalidInputError, LimitExceededError, type AuditEntry, LiveAuditTail } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const READ_AUDIT = doc({ Effect: 'Allow', Action: 'warden:GetAuditEvents', Resource: '*' });

/** The next `count` entries of a tail, in order. */
async function take(tail: AsyncIterator<AuditEntry>, count: number): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  while (entries.length < count) {
    const next = await tail.next();
    if (next.done) throw new Error(`the tail ended after ${entries.length} of ${count} entries`);
    entries.push(next.value);
  }
  return entries;
}

const userNames = (entries: readonly AuditEntry[]): string[] => entries.map((entry) => (entry.event.data as { userName: string }).userName);

describe.each([...DRIVERS])('the live audit tail on %s', (driver) => {
  let service: ServiceUnderTest;
  let tails: LiveAuditTail;

  beforeAll(async () => {
    service = await openService(driver);
    // Small pages, so that following a busy log takes several reads; a short pause, so tests wait little.
    tails = new LiveAuditTail(service.iam.core, service.iam.credentials, { perCaller: 2, perAccount: 3, pollIntervalMs: 20, pageSize: 2 });
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it('delivers what is written after it opened, in order, through its filter, and nothing written before', async () => {
    const root = await newAccount(service);
    await service.iam.users.create(root, { userName: 'before' });
    const tail = await tails.follow(root, { eventTypes: ['UserCreated'] }, null, new AbortController().signal);
    try {
      for (const userName of ['one', 'two', 'three', 'four', 'five']) {
        await service.iam.users.create(root, { userName });
        await service.iam.users.putInlinePolicy(root, userName, 'noise', READ_AUDIT);
      }
      const entries = await take(tail, 5);
      expect(userNames(entries)).toEqual(['one', 'two', 'three', 'four', 'five']);
      expect(entries.every((entry) => entry.event.type === 'UserCreated' && entry.event.actorArn === root.arn)).toBe(true);
    } finally {
      await tail.return!();
    }
  });

  it('resumes after the cursor of the last entry received with nothing lost and nothing twice, while writers race it', async () => {
    const root = await newAccount(service);
    const first = await tails.follow(root, { eventTypes: ['UserCreated'] }, null, new AbortController().signal);
    const names = Array.from({ length: 24 }, (_, index) => `racer-${index}`);
    // Four writers at once, so that transactions commit out of position order.
    const writing = Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (const name of names.filter((_, index) => index % 4 === lane)) await service.iam.users.create(root, { userName: name });
      }),
    );
    const before = await take(first, 7);
    await first.return!();
    // Written while no tail is open: the resumed tail must still deliver them.
    await writing;
    const resumed = await tails.follow(root, { eventTypes: ['UserCreated'] }, before.at(-1)!.cursor, new AbortController().signal);
    try {
      const after = await take(resumed, names.length - before.length);
      const delivered = userNames([...before, ...after]);
      expect(new Set(delivered).size).toBe(delivered.length);
      expect([...delivered].sort()).toEqual([...names].sort());
      const positions = [...before, ...after].map((entry) => entry.cursor.split(':').map(BigInt) as [bigint, bigint]);
      for (let index = 1; index < positions.length; index++) {
        const [previous, current] = [positions[index - 1]!, positions[index]!];
        expect(current[0] > previous[0] || (current[0] === previous[0] && current[1] > previous[1])).toBe(true);
      }
    } finally {
      await resumed.return!();
    }
  });

  it("never delivers another account's events", async () => {
    const root = await newAccount(service);
    const other = await newAccount(service);
    const tail = await tails.follow(root, {}, null, new AbortController().signal);
    try {
      await service.iam.users.create(other, { userName: 'elsewhere' });
      await service.iam.users.create(root, { userName: 'here' });
      const [entry] = await take(tail, 1);
      expect(userNames([entry!])).toEqual(['here']);
    } finally {
      await tail.return!();
    }
  });

  it('needs warden:GetAuditEvents to open, and ends with AccessDenied once the permission is taken away', async () => {
    const root = await newAccount(service);
    const auditor = await service.iam.users.create(root, { userName: 'auditor' });
    const caller = userCaller(root.accountId, auditor);
    await expect(tails.follow(caller, {}, null, new AbortController().signal)).rejects.toBeInstanceOf(AccessDeniedError);
    await service.iam.users.putInlinePolicy(root, 'auditor', 'audit', READ_AUDIT);
    const tail = await tails.follow(caller, {}, null, new AbortController().signal);
    await service.iam.users.create(root, { userName: 'seen' });
    expect(userNames(await take(tail, 1))).toEqual(['seen']);
    await service.iam.users.deleteInlinePolicy(root, 'auditor', 'audit');
    await expect(take(tail, 10)).rejects.toBeInstanceOf(AccessDeniedError);
    expect(tails.openFor(root.accountId)).toBe(0);
  });

  it('ends with AccessDenied when the access key that opened it is deactivated', async () => {
    const root = await newAccount(service);
    const auditor = await service.iam.users.create(root, { userName: 'key-holder' });
    await service.iam.users.putInlinePolicy(root, 'key-holder', 'audit', READ_AUDIT);
    const key = await service.iam.accessKeys.create(root, 'key-holder');
    const caller = { ...userCaller(root.accountId, auditor), accessKeyId: key.accessKeyId };
    const tail = await tails.follow(caller, {}, null, new AbortController().signal);
    await service.iam.users.create(root, { userName: 'seen-by-key' });
    expect(userNames(await take(tail, 1))).toEqual(['seen-by-key']);
    await service.iam.accessKeys.update(root, key.accessKeyId, 'Inactive');
    await expect(take(tail, 10)).rejects.toBeInstanceOf(AccessDeniedError);
  });

  it('refuses a cursor it did not make, and more tails than its limits, and gives a slot back when one closes', async () => {
    const root = await newAccount(service);
    await expect(tails.follow(root, {}, 'position-12', new AbortController().signal)).rejects.toBeInstanceOf(InvalidInputError);
    const a = await tails.follow(root, {}, null, new AbortController().signal);
    const b = await tails.follow(root, {}, null, new AbortController().signal);
    await expect(tails.follow(root, {}, null, new AbortController().signal)).rejects.toThrow(LimitExceededError);
    await a.return!();
    const c = await tails.follow(root, {}, null, new AbortController().signal);
    const reader = await service.iam.users.create(root, { userName: 'third-reader' });
    await service.iam.users.putInlinePolicy(root, 'third-reader', 'audit', READ_AUDIT);
    // Two for the root and one for the user: the account's limit of three is reached.
    const d = await tails.follow(userCaller(root.accountId, reader), {}, null, new AbortController().signal);
    await expect(tails.follow(userCaller(root.accountId, reader), {}, null, new AbortController().signal)).rejects.toThrow(/The account has 3 live audit tails open/);
    for (const tail of [b, c, d]) await tail.return!();
    expect(tails.openFor(root.accountId)).toBe(0);
  });

  it('ends when its signal is aborted, even while it waits for new events', async () => {
    const root = await newAccount(service);
    const stop = new AbortController();
    const tail = await tails.follow(root, {}, null, stop.signal);
    const waiting = tail.next();
    stop.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(tails.openFor(root.accountId)).toBe(0);
  });
});
