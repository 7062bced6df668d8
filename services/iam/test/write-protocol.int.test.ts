import { randomBytes } from 'node:crypto';
import type { Database } from '@warden/db';
import type { Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { groupDecider } from '../src/groups/group.decider.js';
import { AccessDeniedError, type Caller, LimitExceededError } from '../src/index.js';
import { appendTo, systemWriter, type WriteSpec } from '../src/service/write-spec.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

/**
 * The write protocol itself (`IamCore.write`), with specs of its own rather than an operation's:
 * locks before the load, one authorization per question, the new state without a second read, and
 * system writes with Warden's metadata.
 */
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

const countGroups = async (trx: Transaction<Database>, accountId: string): Promise<number> =>
  Number(
    (
      await trx
        .selectFrom('groups')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow()
    ).count,
  );

/** A create that counts what it creates first and refuses past `limit`: correct only if it counts under its lock. */
function countThenCreate(caller: Caller, limit: number, log: string[] = [], label = '', gate?: Promise<void>): WriteSpec<number, unknown, undefined> {
  const groupId = `AGPA${randomBytes(8).toString('hex').toUpperCase()}`;
  const groupName = `counted-${groupId}`;
  return {
    locks: ['test/counted-groups'],
    load: async (trx) => {
      const seen = await countGroups(trx, caller.accountId);
      log.push(`${label} saw ${seen}`);
      return seen;
    },
    appends: async (seen) => {
      if (seen >= limit) throw new LimitExceededError(`at most ${limit}`);
      await gate;
      const arn = `arn:aws:iam::${caller.accountId}:group/${groupName}`;
      return appendTo(groupDecider, `group/${groupId}`, { type: 'CreateGroup' as const, groupId, groupName, path: '/', arn }, { lockKeys: [`group-name/${groupName.toLowerCase()}`] });
    },
  };
}

describe.each([...DRIVERS])('the write protocol on %s', (driver) => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it('takes its locks before its load: a racing write with the same lock loads only after the first commits', async () => {
    const root = await newAccount(service);
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = service.iam.core.write(root, countThenCreate(root, 5, log, 'first', gate));
    await vi.waitFor(() => expect(log).toContain('first saw 0'), { timeout: 10_000 });
    const second = service.iam.core.write(root, countThenCreate(root, 5, log, 'second'));
    // The first holds its lock (it waits at its append): the second must not have loaded yet.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(log).toEqual(['first saw 0']);
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(['first saw 0', 'second saw 1']);
  });

  it('keeps a count-then-write invariant under a race of many writers', async () => {
    const root = await newAccount(service);
    const settled = await Promise.allSettled(Array.from({ length: 12 }, () => service.iam.core.write(root, countThenCreate(root, 3))));
    const refused = settled.filter((outcome) => outcome.status === 'rejected');
    for (const outcome of refused) expect(outcome.reason).toBeInstanceOf(LimitExceededError);
    expect(settled.length - refused.length).toBe(3);
    expect(await service.iam.core.read(root, (trx) => countGroups(trx, root.accountId))).toBe(3);
  });

  it('asks the authorizer once per question, however often the spec names it', async () => {
    const root = await newAccount(service);
    const user = await service.iam.users.create(root, { userName: 'asker' });
    await service.iam.users.putInlinePolicy(root, 'asker', 'all', doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }));
    const caller = userCaller(root.accountId, user);
    const check = vi.spyOn(service.iam.core.authorizer, 'check');
    try {
      const question = { action: 'iam:CreateGroup', resource: `arn:aws:iam::${root.accountId}:group/asked` };
      await service.iam.core.write(caller, {
        ...countThenCreate(caller, 100),
        permissions: () => [question, question, { ...question, context: {} }, { ...question, resource: `${question.resource}2` }],
      });
      expect(check).toHaveBeenCalledTimes(2);
      check.mockClear();
      // An operation addressed by name (the resource known after the load) asks once too.
      await service.iam.users.tag(caller, 'asker', [{ key: 'team', value: 'blue' }]);
      expect(check).toHaveBeenCalledTimes(1);
    } finally {
      check.mockRestore();
    }
  });

  it('authorizes before the appends: a denied caller writes nothing and learns nothing of the count', async () => {
    const root = await newAccount(service);
    const user = await service.iam.users.create(root, { userName: 'denied' });
    const caller = userCaller(root.accountId, user);
    const appends = vi.fn(() => {
      throw new Error('not reached');
    });
    await expect(service.iam.core.write(caller, { permissions: () => [{ action: 'iam:CreateGroup', resource: '*' }], appends })).rejects.toBeInstanceOf(AccessDeniedError);
    expect(appends).not.toHaveBeenCalled();
  });

  it('returns the new state and the answer from its own transaction: one transaction, no second read', async () => {
    const root = await newAccount(service);
    const transaction = vi.spyOn(service.iam.core.db, 'transaction');
    try {
      const written = await service.iam.core.write(root, {
        ...countThenCreate(root, 10),
        answer: (trx, done) =>
          trx
            .selectFrom('groups')
            .select('group_name')
            .where('account_id', '=', root.accountId)
            .where('group_id', '=', String((done.events[0]!.data as { groupId: string }).groupId))
            .executeTakeFirstOrThrow(),
      });
      expect(written.events.map((event) => event.type)).toEqual(['GroupCreated']);
      expect(written.state).toMatchObject({ status: 'active' });
      expect(written.answer.group_name).toMatch(/^counted-/);
      expect(transaction).toHaveBeenCalledTimes(1);
      transaction.mockClear();
      // An operation that answers with the row it created reads it in the write's transaction.
      const created = await service.iam.users.create(root, { userName: 'answered' });
      expect(created.userName).toBe('answered');
      expect(transaction).toHaveBeenCalledTimes(1);
    } finally {
      transaction.mockRestore();
    }
  });

  it('appends a system write with system metadata, and refuses a system spec that asks for permissions', async () => {
    const root = await newAccount(service);
    const system = systemWriter(root.accountId, { actorArn: 'warden:write-protocol-test' });
    const written = await service.iam.core.write(system, countThenCreate(root, 10));
    expect(written.events).toHaveLength(1);
    expect(written.events[0]!.metadata.actorArn).toBe('warden:write-protocol-test');
    expect(written.events[0]!.metadata.accessKeyId).toBeUndefined();
    const stored = await service.iam.core.read(root, (trx) =>
      trx.selectFrom('events').select('metadata').where('account_id', '=', root.accountId).where('stream_id', '=', written.events[0]!.streamId).executeTakeFirstOrThrow(),
    );
    expect(stored.metadata).toMatchObject({ actorArn: 'warden:write-protocol-test' });
    await expect(service.iam.core.write(system, { ...countThenCreate(root, 10), permissions: () => [{ action: 'iam:CreateGroup', resource: '*' }] })).rejects.toThrow(/system write/);
  });
});
