import { type Database, DatabaseUnavailableError } from '@warden/db';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { AccountEpochs } from './account-epochs.js';
import type { EpochRead } from './change-log.js';

/** A stand-in for the one read AccountEpochs makes: each read is held until the test releases it. */
function fakeDb() {
  const reads: { epochAtSend: number; release: () => void }[] = [];
  let epoch = 1;
  const read = () => {
    // The value is what was committed when the read was sent.
    const epochAtSend = epoch;
    return new Promise<EpochRead | undefined>((resolve) => reads.push({ epochAtSend, release: () => resolve({ epoch: String(epochAtSend), changes: [] }) }));
  };
  return { read, reads, commit: () => epoch++ };
}

const NO_DB = {} as Kysely<Database>;
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Epochs of the embedded store with epoch 1 of the account kept (its first read answered), and the fake store behind it. */
async function embeddedAtEpochOne() {
  const { read, reads, commit } = fakeDb();
  const epochs = new AccountEpochs(NO_DB, 'process', read);
  const first = epochs.current('111122223333');
  reads[0]!.release();
  expect(await first).toBe('1');
  return { epochs, reads, commit };
}

describe('AccountEpochs on a shared database', () => {
  it('answers every request with a read sent after it arrived, batching the requests that wait', async () => {
    const { read, reads, commit } = fakeDb();
    const epochs = new AccountEpochs(NO_DB, 'database', read);
    const first = epochs.current('111122223333');
    await tick();
    expect(reads).toHaveLength(1);
    // A commit finishes, then three requests arrive while the first read is in flight.
    commit();
    const waiting = [epochs.current('111122223333'), epochs.current('111122223333'), epochs.current('111122223333')];
    await tick();
    expect(reads).toHaveLength(1);
    reads[0]!.release();
    expect(await first).toBe('1');
    await tick();
    // One more read, sent now, answers all three: they see the commit made before they arrived.
    expect(reads).toHaveLength(2);
    reads[1]!.release();
    expect(await Promise.all(waiting)).toEqual(['2', '2', '2']);
    // Nothing in flight: the next request reads at once.
    await tick();
    const later = epochs.current('111122223333');
    await tick();
    expect(reads).toHaveLength(3);
    reads[2]!.release();
    expect(await later).toBe('2');
  });

  it('hands waiters the next read when the one in flight fails, and copes with reads that finish at once', async () => {
    let calls = 0;
    const epochs = new AccountEpochs(NO_DB, 'database', () => {
      calls++;
      if (calls === 1) return Promise.reject(new Error('connection reset'));
      return Promise.resolve({ epoch: String(calls), changes: [] });
    });
    const first = epochs.current('111122223333');
    const waiting = [epochs.current('111122223333'), epochs.current('111122223333')];
    await expect(first).rejects.toThrow('connection reset');
    expect(await Promise.all(waiting)).toEqual(['2', '2']);
    // A read that throws synchronously still settles, and the next request reads again.
    const throwing = new AccountEpochs(NO_DB, 'database', () => {
      throw new Error('sync');
    });
    await expect(throwing.current('111122223333')).rejects.toThrow('sync');
    await expect(throwing.current('111122223333')).rejects.toThrow('sync');
  });

  it('answers the waiters that the database is unavailable when the read in flight finds it so, without a read of their own', async () => {
    let calls = 0;
    const outage = new DatabaseUnavailableError('the database did not answer');
    const epochs = new AccountEpochs(NO_DB, 'database', () => {
      calls++;
      return Promise.reject(outage);
    });
    const first = epochs.current('111122223333');
    const waiting = [epochs.current('111122223333'), epochs.current('111122223333')];
    await expect(first).rejects.toBe(outage);
    for (const request of waiting) await expect(request).rejects.toBe(outage);
    expect(calls).toBe(1);
  });

  it('forgets the change log of the account read longest ago past its bound, and then takes what was cached of it as stale', async () => {
    // Each account's epoch is bumped by a change to user/X before every read after its first.
    const epochs = new Map<string, number>();
    const read = (accountId: string, since: string | undefined): Promise<EpochRead> => {
      const epoch = (epochs.get(accountId) ?? 0) + 1;
      epochs.set(accountId, epoch);
      const changes = since === undefined ? [] : Array.from({ length: epoch - Number(since) }, (_, i) => [String(Number(since) + i + 1), 'user/X'] as const);
      return Promise.resolve({ epoch: String(epoch), changes });
    };
    const accounts = new AccountEpochs(NO_DB, 'database', read, 2);
    const [a, b, c] = ['111122223333', '444455556666', '777788889999'];
    for (const account of [a, a, b, b]) await accounts.current(account);
    // Both logs know that only user/X changed after epoch 1.
    expect(accounts.unchangedSince(a, '1', ['user/Y'], '2')).toBe(true);
    expect(accounts.unchangedSince(b, '1', ['user/Y'], '2')).toBe(true);
    expect(accounts.unchangedSince(a, '1', ['user/X'], '2')).toBe(false);
    // Read again, so that b is now the one read longest ago.
    await accounts.current(a);
    expect(accounts.unchangedSince(a, '1', ['user/Y'], '3')).toBe(true);
    await accounts.current(c);
    expect(accounts.unchangedSince(b, '1', ['user/Y'], '2')).toBe(false);
    expect(accounts.changedSince(b, '1', ['user/Y'], '2')).toBeUndefined();
    expect(accounts.unchangedSince(a, '1', ['user/Y'], '3')).toBe(true);
    // Read again, b starts a new log at its new epoch: what was cached before it stays stale.
    await accounts.current(b);
    expect(accounts.unchangedSince(b, '1', ['user/Y'], '3')).toBe(false);
    expect(accounts.unchangedSince(b, '3', ['user/Y'], '3')).toBe(true);
    expect(accounts.unchangedSince(a, '1', ['user/Y'], '3')).toBe(false);
  });

  it('keeps accounts apart', async () => {
    const { read, reads } = fakeDb();
    const epochs = new AccountEpochs(NO_DB, 'database', read);
    const a = epochs.current('111122223333');
    const b = epochs.current('444455556666');
    await tick();
    expect(reads).toHaveLength(2);
    for (const read of reads) read.release();
    expect(await Promise.all([a, b])).toEqual(['1', '1']);
  });
});

describe('AccountEpochs of the embedded store (this process is the only writer)', () => {
  it('keeps an epoch until a failed write drops it, and never keeps a read that raced a drop', async () => {
    const { epochs, reads, commit } = await embeddedAtEpochOne();
    expect(await epochs.current('111122223333')).toBe('1');
    expect(reads).toHaveLength(1);
    // A failed write ends while a read is in flight: that read answers its caller but is not kept.
    commit();
    epochs.invalidate('111122223333');
    const racing = epochs.current('111122223333');
    await tick();
    commit();
    epochs.invalidate('111122223333');
    reads[1]!.release();
    expect(await racing).toBe('2');
    const next = epochs.current('111122223333');
    await tick();
    expect(reads).toHaveLength(3);
    reads[2]!.release();
    expect(await next).toBe('3');
  });

  it('shares one read among concurrent requests, but never one sent before the last drop', async () => {
    const { read, reads, commit } = fakeDb();
    const epochs = new AccountEpochs(NO_DB, 'process', read);
    const together = [epochs.current('111122223333'), epochs.current('111122223333'), epochs.current('111122223333')];
    await tick();
    expect(reads).toHaveLength(1);
    commit();
    epochs.invalidate('111122223333');
    const after = epochs.current('111122223333');
    await tick();
    expect(reads).toHaveLength(2);
    for (const pending of reads) pending.release();
    expect(await Promise.all(together)).toEqual(['1', '1', '1']);
    expect(await after).toBe('2');
  });

  it('answers requests at the kept epoch while a write reads the new one, and keeps it before the write answers', async () => {
    const { epochs, reads, commit } = await embeddedAtEpochOne();
    commit();
    let answered = false;
    const writing = epochs.written('111122223333').then(() => (answered = true));
    await tick();
    expect(reads).toHaveLength(2);
    // The write has not answered: a request goes on at the epoch kept, at once and with no read of its own.
    const meanwhile = await Promise.race([epochs.current('111122223333'), tick().then(() => 'still waiting')]);
    expect(meanwhile).toBe('1');
    expect(reads).toHaveLength(2);
    expect(answered).toBe(false);
    reads[1]!.release();
    await writing;
    // Once the write has answered, every request has its epoch or a later one.
    expect(await epochs.current('111122223333')).toBe('2');
    expect(reads).toHaveLength(2);
  });

  it('drops the epoch when the read after a write fails or finds the account gone, so that the next request reads it', async () => {
    let answer: () => Promise<EpochRead | undefined> = () => Promise.resolve({ epoch: '1', changes: [] });
    let sent = 0;
    const epochs = new AccountEpochs(NO_DB, 'process', () => {
      sent++;
      return answer();
    });
    expect(await epochs.current('111122223333')).toBe('1');
    answer = () => Promise.reject(new DatabaseUnavailableError('down'));
    await epochs.written('111122223333');
    answer = () => Promise.resolve({ epoch: '2', changes: [['2', 'user/AIDAEXAMPLE']] });
    expect(await epochs.current('111122223333')).toBe('2');
    expect(sent).toBe(3);
    // The account closed: its write's read finds nothing, and the next request is told so.
    answer = () => Promise.resolve(undefined);
    await epochs.written('111122223333');
    expect(await epochs.current('111122223333')).toBeUndefined();
    expect(sent).toBe(5);
  });

  it("with nothing kept, keeps the newer of a request's read and a write's read, whichever returns first: a slower read sent earlier never takes a kept epoch back", async () => {
    for (const writeFirst of [true, false]) {
      const { read, reads, commit } = fakeDb();
      const epochs = new AccountEpochs(NO_DB, 'process', read);
      // A request's read, sent before the write commits.
      const early = epochs.current('111122223333');
      await tick();
      commit();
      const writing = epochs.written('111122223333');
      await tick();
      const [requestRead, writeRead] = [reads[0]!, reads[1]!];
      if (writeFirst) {
        writeRead.release();
        await writing;
        requestRead.release();
      } else {
        requestRead.release();
        await early;
        writeRead.release();
        await writing;
      }
      expect(await early).toBe('1');
      expect(await epochs.current('111122223333')).toBe('2');
      expect(reads).toHaveLength(2);
    }
  });

  it("does not keep a write's read when a failed write dropped the epoch while it was out", async () => {
    const { epochs, reads, commit } = await embeddedAtEpochOne();
    epochs.invalidate('111122223333');
    const writing = epochs.written('111122223333');
    await tick();
    // Another write fails (having committed, for all this process knows) while that read is out.
    commit();
    epochs.invalidate('111122223333');
    reads[1]!.release();
    await writing;
    const next = epochs.current('111122223333');
    await tick();
    expect(reads).toHaveLength(3);
    reads[2]!.release();
    expect(await next).toBe('2');
  });
});
