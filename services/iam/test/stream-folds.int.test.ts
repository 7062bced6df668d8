import { inAccountTransaction, readStreamToFold } from '@warden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCommand } from '../src/kernel/command-handler.js';
import type { Decider, DomainEvent } from '../src/kernel/decider.js';
import { StreamFolds } from '../src/kernel/stream-folds.js';
import { userDecider } from '../src/users/user.decider.js';
import type { UserState } from '../src/users/user.events.js';
import { InvalidInputError } from '../src/index.js';
import { anotherService, DRIVERS, frozenFolds, newAccount, openService, type ServiceUnderTest } from './test-service.js';

/**
 * A write folds its stream from the fold an earlier write of the process kept, reading only the
 * events after it (`StreamFolds`, `readStreamAfter`): it must decide on exactly the state a fold of
 * every stored event gives, whoever wrote them and whatever was rolled back.
 */
type Added = DomainEvent<'Added', { readonly value: number }>;
interface Tally {
  readonly values: readonly number[];
}
const tallyDecider: Decider<{ readonly add: number }, Added, Tally> = {
  initialState: { values: [] },
  evolve: (state, event) => ({ values: [...state.values, event.data.value] }),
  decide: (command) => [{ type: 'Added', data: { value: command.add } }],
};

/** The tally has no read model. */
const noProjection = (): Promise<void> => Promise.resolve();

describe.each([...DRIVERS])('kept folds on %s', (driver) => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  /** One write of `add` to the stream, in a transaction of its own, with `folds` as a process's. */
  const add = (accountId: string, streamId: string, value: number, folds: StreamFolds) =>
    inAccountTransaction(service.wardenDb.db, accountId, (trx) =>
      handleCommand(trx, tallyDecider, {
        accountId,
        streamId,
        command: { add: value },
        metadata: { actorArn: 'arn:aws:iam::000000000000:root' },
        occurredAt: new Date(),
        project: noProjection,
        folds,
      }),
    );
  /** Two writes to a new stream, so that a fold up to its first event is kept: returns that fold. */
  const keptAfterTwo = async (accountId: string, streamId: string, folds: StreamFolds) => {
    await add(accountId, streamId, 1, folds);
    await add(accountId, streamId, 2, folds);
    return folds.get<Tally>(accountId, streamId, tallyDecider)!;
  };
  const stored = async (accountId: string, streamId: string): Promise<number[]> =>
    (await inAccountTransaction(service.wardenDb.db, accountId, (trx) => readStreamToFold(trx, accountId, streamId))).events.map((event) => (event.data as { value: number }).value);

  it('decides on the kept fold and the events after it, without folding the stream again', async () => {
    const { accountId } = await newAccount(service);
    const folds = new StreamFolds();
    const kept = await keptAfterTwo(accountId, 'tally/a', folds);
    expect(kept.state.values).toEqual([1]);
    expect(kept.point.version).toBe(0);
    // A kept state no full fold could give: the next write's state shows which was used.
    folds.keep(accountId, 'tally/a', { ...kept, state: { values: [100] } });
    const written = await add(accountId, 'tally/a', 3, folds);
    expect(written.state.values).toEqual([100, 2, 3]);
  });

  it("folds the whole stream when the kept event is not the stream's (another position), and keeps that fold", async () => {
    const { accountId } = await newAccount(service);
    const folds = new StreamFolds();
    const kept = await keptAfterTwo(accountId, 'tally/b', folds);
    folds.keep(accountId, 'tally/b', { ...kept, point: { ...kept.point, globalPosition: String(BigInt(kept.point.globalPosition) + 1000n) }, state: { values: [100] } });
    expect((await add(accountId, 'tally/b', 3, folds)).state.values).toEqual([1, 2, 3]);
    expect(folds.get<Tally>(accountId, 'tally/b', tallyDecider)!.state.values).toEqual([1, 2]);
  });

  it('sees what another process appended after its kept fold', async () => {
    const { accountId } = await newAccount(service);
    const ours = new StreamFolds();
    const theirs = new StreamFolds();
    await add(accountId, 'tally/c', 1, ours);
    await add(accountId, 'tally/c', 2, ours);
    await add(accountId, 'tally/c', 3, theirs);
    await add(accountId, 'tally/c', 4, theirs);
    expect((await add(accountId, 'tally/c', 5, ours)).state.values).toEqual([1, 2, 3, 4, 5]);
  });

  it('never keeps a rolled-back event: the next write folds what was committed', async () => {
    const { accountId } = await newAccount(service);
    const folds = new StreamFolds();
    await add(accountId, 'tally/d', 1, folds);
    // Two commands on the stream in one transaction: the second folds the first's event, not yet committed, and keeps it.
    await expect(
      inAccountTransaction(service.wardenDb.db, accountId, async (trx) => {
        const request = { accountId, streamId: 'tally/d', metadata: { actorArn: 'arn:aws:iam::000000000000:root' }, occurredAt: new Date(), project: noProjection, folds };
        await handleCommand(trx, tallyDecider, { ...request, command: { add: 2 } });
        await handleCommand(trx, tallyDecider, { ...request, command: { add: 3 } });
        expect(folds.get<Tally>(accountId, 'tally/d', tallyDecider)!.state.values).toEqual([1, 2]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // Another process then writes the version the rolled-back event had.
    await add(accountId, 'tally/d', 7, new StreamFolds());
    expect((await add(accountId, 'tally/d', 8, folds)).state.values).toEqual([1, 7, 8]);
    // And with the version never written again.
    const { accountId: other } = await newAccount(service);
    await add(other, 'tally/e', 1, folds);
    await expect(
      inAccountTransaction(service.wardenDb.db, other, async (trx) => {
        const request = { accountId: other, streamId: 'tally/e', metadata: { actorArn: 'arn:aws:iam::000000000000:root' }, occurredAt: new Date(), project: noProjection, folds };
        await handleCommand(trx, tallyDecider, { ...request, command: { add: 2 } });
        await handleCommand(trx, tallyDecider, { ...request, command: { add: 3 } });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await add(other, 'tally/e', 4, folds)).state.values).toEqual([1, 4]);
    expect(await stored(other, 'tally/e')).toEqual([1, 4]);
  });

  it('keeps folds by account: the same stream id in another account is folded on its own', async () => {
    const { accountId: first } = await newAccount(service);
    const { accountId: second } = await newAccount(service);
    const folds = new StreamFolds();
    await add(first, 'tally/f', 1, folds);
    await add(first, 'tally/f', 2, folds);
    // Only the first account's stream is kept: the same id in the second finds nothing (positions alone would also refuse it).
    expect(folds.get(second, 'tally/f', tallyDecider)).toBeUndefined();
    await add(second, 'tally/f', 10, folds);
    expect((await add(second, 'tally/f', 11, folds)).state.values).toEqual([10, 11]);
    expect((await add(first, 'tally/f', 3, folds)).state.values).toEqual([1, 2, 3]);
  });

  it('forgets the least recently used fold past its capacity', async () => {
    const { accountId } = await newAccount(service);
    const folds = new StreamFolds({ streams: 2 });
    // A stream's first write finds nothing to fold, so nothing is kept until its second.
    for (const stream of ['tally/g1', 'tally/g2']) for (const value of [1, 2]) await add(accountId, stream, value, folds);
    expect(folds.size).toBe(2);
    folds.get(accountId, 'tally/g1', tallyDecider);
    for (const value of [1, 2]) await add(accountId, 'tally/g3', value, folds);
    expect(folds.size).toBe(2);
    expect(folds.get(accountId, 'tally/g2', tallyDecider)).toBeUndefined();
    expect(folds.get(accountId, 'tally/g1', tallyDecider)).toBeDefined();
  });

  it("bounds what it keeps by the states' size: a state too large is not kept, and the oldest go first past the total", async () => {
    const { accountId } = await newAccount(service);
    // The tally's JSON text: {"values":[1]} is 14 characters, and each value more adds 2.
    const folds = new StreamFolds({ stateCharacters: 20, totalCharacters: 40 });
    for (const value of [1, 2]) await add(accountId, 'tally/h1', value, folds);
    expect(folds.keptCharacters).toBe('{"values":[1]}'.length);
    for (const value of [3, 4, 5]) await add(accountId, 'tally/h1', value, folds);
    // Folded up to [1,2,3,4]: 20 characters, kept; up to [1,2,3,4,5]: 22, over the state's limit, so nothing is kept for it.
    await add(accountId, 'tally/h1', 6, folds);
    expect(folds.get(accountId, 'tally/h1', tallyDecider)).toBeUndefined();
    expect((await add(accountId, 'tally/h1', 7, folds)).state.values).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(folds.keptCharacters).toBe(0);
    for (const stream of ['tally/h2', 'tally/h3', 'tally/h4']) for (const value of [1, 2]) await add(accountId, stream, value, folds);
    // Three states of 14 characters each: 42 is over 40, so the oldest went.
    expect(folds.get(accountId, 'tally/h2', tallyDecider)).toBeUndefined();
    expect(folds.keptCharacters).toBe(28);
  });

  it('kept frozen, as the suites keep them, a state a decider changes throws instead of changing what the next write folds onto', async () => {
    const { accountId } = await newAccount(service);
    const mutating: Decider<{ readonly add: number }, Added, { values: number[] }> = {
      get initialState() {
        return { values: [] };
      },
      evolve: (state, event) => {
        state.values.push(event.data.value);
        return state;
      },
      decide: (command) => [{ type: 'Added', data: { value: command.add } }],
    };
    const write = (streamId: string, value: number, folds: StreamFolds) =>
      inAccountTransaction(service.wardenDb.db, accountId, (trx) =>
        handleCommand(trx, mutating, { accountId, streamId, command: { add: value }, metadata: { actorArn: 'arn:aws:iam::000000000000:root' }, occurredAt: new Date(), project: noProjection, folds }),
      );
    // Unfrozen, nothing stops it: the kept state is changed behind the cache's back.
    const plain = new StreamFolds();
    await write('tally/i1', 1, plain);
    await write('tally/i1', 2, plain);
    expect(plain.get<{ values: number[] }>(accountId, 'tally/i1', mutating)!.state.values).toEqual([1, 2]);
    // Frozen, the second write's own evolve of the state it just kept throws.
    const frozen = frozenFolds();
    await write('tally/i2', 1, frozen);
    await expect(write('tally/i2', 2, frozen)).rejects.toBeInstanceOf(TypeError);
  });

  it('racing writers on two replicas: each next write decides on every tag the race left, added or removed', async () => {
    const root = await newAccount(service);
    const [first, second, third] = [service.iam, anotherService(service), anotherService(service)];
    await first.users.create(root, { userName: 'raced' });
    // Folds kept on both replicas before the race, so that the race's writes go on from kept states.
    await first.users.tag(root, 'raced', [{ key: 'seed', value: '1' }]);
    await second.users.tag(root, 'raced', [{ key: 'seed', value: '2' }]);
    const keys = Array.from({ length: 24 }, (_, i) => `k${i}`);
    await Promise.all(keys.map((key, i) => (i % 2 ? first : second).users.tag(root, 'raced', [{ key, value: 'v' }])));
    expect((await third.users.tagsOf(root, 'raced')).length).toBe(25);
    // A write that changes nothing still folds: the second replica now keeps a state with every key.
    await second.users.tag(root, 'raced', [{ key: 'seed', value: '2' }]);
    // The untag's event names only the keys the deciding replica's state holds: a fold missing any would leave it on the row.
    await first.users.untag(root, 'raced', keys);
    expect(await third.users.tagsOf(root, 'raced')).toEqual([{ key: 'seed', value: '2' }]);
    // And a tag the second replica's kept state holds is written again, since the first removed it.
    await second.users.tag(root, 'raced', [{ key: 'k1', value: 'v' }]);
    expect(await third.users.tagsOf(root, 'raced')).toEqual([
      { key: 'seed', value: '2' },
      { key: 'k1', value: 'v' },
    ]);
  });

  it("a service's writes keep their folds: the user's stream is folded once, then read on from its kept event", async () => {
    const root = await newAccount(service);
    const folds = frozenFolds();
    const iam = anotherService(service, { streamFolds: folds });
    const user = await iam.users.create(root, { userName: 'folded' });
    expect(folds.get(root.accountId, `user/${user.userId}`, userDecider)).toBeUndefined();
    await iam.users.tag(root, 'folded', [{ key: 'a', value: '1' }]);
    const first = folds.get<UserState>(root.accountId, `user/${user.userId}`, userDecider)!;
    expect(first.point.version).toBe(0);
    await iam.users.tag(root, 'folded', [{ key: 'b', value: '2' }]);
    const second = folds.get<UserState>(root.accountId, `user/${user.userId}`, userDecider)!;
    expect(second.point.version).toBe(1);
    expect(second.state.tags).toEqual([{ key: 'a', value: '1' }]);
  });

  it("two replicas tagging one user decide on each other's tags (a tag set again after the other changed it; the 50-tag limit)", async () => {
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagUser.html — "Each IAM resource can have a maximum of 50 tags."
    const root = await newAccount(service);
    const replicas = [service.iam, anotherService(service), anotherService(service)];
    await replicas[0]!.users.create(root, { userName: 'tagged' });
    await replicas[0]!.users.tag(root, 'tagged', [{ key: 'team', value: 'blue' }]);
    await replicas[1]!.users.tag(root, 'tagged', [{ key: 'team', value: 'red' }]);
    // Replica 0 folded the user with team=blue: set blue again, it must see red now and write.
    await replicas[0]!.users.tag(root, 'tagged', [{ key: 'team', value: 'blue' }]);
    expect(await replicas[2]!.users.tagsOf(root, 'tagged')).toEqual([{ key: 'team', value: 'blue' }]);
    for (let i = 1; i < 50; i++) await replicas[i % 3]!.users.tag(root, 'tagged', [{ key: `k${i}`, value: 'v' }]);
    for (const replica of replicas) await expect(replica.users.tag(root, 'tagged', [{ key: 'one-more', value: 'v' }])).rejects.toBeInstanceOf(InvalidInputError);
    await replicas[1]!.users.untag(root, 'tagged', ['k1']);
    await replicas[0]!.users.tag(root, 'tagged', [{ key: 'one-more', value: 'v' }]);
    expect((await replicas[2]!.users.tagsOf(root, 'tagged')).length).toBe(50);
  });
});
