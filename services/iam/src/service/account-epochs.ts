import { type Database, isDatabaseUnavailable, preparedStatement } from '@warden/db';
import { CompiledQuery, type Kysely } from 'kysely';

/**
 * Prepared: on Postgres it runs for every few requests, and most of what an unnamed statement (as
 * Kysely sends a query) costs the database for it is the parsing and planning (pgbench figures in
 * docs/performance.md).
 */
const EPOCH_STATEMENT = preparedStatement('warden_active_account_epoch', "SELECT change_epoch::text AS change_epoch FROM accounts WHERE account_id = $1 AND status = 'ACTIVE'");

/**
 * The current change epoch of each account, which tags every cache of compiled policies and
 * credentials. A closed account has none: it is as absent as an account that never was, so that
 * every credential of it is refused from the request after its closing commits, on every replica,
 * cached resolutions included (the one place that decides it: see docs/architecture.md).
 * Where it comes from depends on who can write:
 * - `database`: any number of replicas share the store, so the epoch is read from Postgres for
 *   every request: a change committed anywhere is seen by the next request. Reads are batched per
 *   account without giving that up: while one read is in flight, the requests that arrive wait for
 *   the next, which is sent when the first returns and answers all of them. Every request is
 *   answered by a read sent after it arrived, so it sees every commit that finished before it
 *   arrived; under load there is one read in flight per account instead of one per request. When
 *   the read in flight finds the database unavailable, the waiting requests are answered with
 *   that at once rather than after another read.
 * - `process`: the embedded database belongs to this process alone, so every write passes through
 *   here. A mutation invalidates its account's entry when it ends (committed or not), and a read that
 *   raced with an invalidation is not kept, so a cached epoch is never older than a change whose
 *   caller has been answered.
 */
export type EpochSource = 'database' | 'process';

export class AccountEpochs {
  private readonly known = new Map<string, string>();
  private readonly invalidations = new Map<string, number>();
  private readonly reads = new Map<
    string,
    { inFlight: Promise<string | undefined>; next?: { promise: Promise<string | undefined>; resolve: (epoch: string | undefined) => void; reject: (error: unknown) => void } }
  >();

  private readonly read: (accountId: string) => Promise<string | undefined>;

  /** `read` replaces the database read in tests. */
  constructor(
    db: Kysely<Database>,
    readonly source: EpochSource,
    read?: (accountId: string) => Promise<string | undefined>,
  ) {
    this.read =
      read ??
      (async (accountId) => {
        // Already compiled: this runs for every request on Postgres, and building it with the query
        // builder costs more than the round trip's own CPU.
        const { rows } = await db.executeQuery<{ change_epoch: string }>(CompiledQuery.raw(EPOCH_STATEMENT, [accountId]));
        return rows[0] ? String(rows[0].change_epoch) : undefined;
      });
  }

  /** The epoch, or `undefined` when the account does not exist or is closed. */
  current(accountId: string): Promise<string | undefined> {
    // The batched read's own promise, not one wrapped around it: this runs for every request.
    if (this.source === 'database') return this.batchedRead(accountId);
    return this.currentInProcess(accountId);
  }

  private async currentInProcess(accountId: string): Promise<string | undefined> {
    const known = this.known.get(accountId);
    if (known !== undefined) return known;
    const generation = this.invalidations.get(accountId) ?? 0;
    const epoch = await this.read(accountId);
    if (epoch !== undefined && (this.invalidations.get(accountId) ?? 0) === generation) this.known.set(accountId, epoch);
    return epoch;
  }

  private batchedRead(accountId: string): Promise<string | undefined> {
    const pending = this.reads.get(accountId);
    // Nothing in flight: this request's read is sent now.
    if (!pending) return this.startRead(accountId);
    // A read is in flight, sent before this request arrived: wait for the one sent after it.
    if (!pending.next) {
      let resolve!: (epoch: string | undefined) => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<string | undefined>((ok, fail) => {
        resolve = ok;
        reject = fail;
      });
      pending.next = { promise, resolve, reject };
    }
    return pending.next.promise;
  }

  private startRead(accountId: string): Promise<string | undefined> {
    // Started in a microtask, so that a read that throws at once still settles like any other.
    const inFlight = Promise.resolve().then(() => this.read(accountId));
    this.reads.set(accountId, { inFlight });
    const settled = (failure?: unknown) => {
      const waiting = this.reads.get(accountId)?.next;
      this.reads.delete(accountId);
      if (!waiting) return;
      // The database did not answer while they waited: they are told so now. A read of their own
      // would wait for the same outage again, doubling what a request waits during one.
      if (failure !== undefined && isDatabaseUnavailable(failure)) waiting.reject(failure);
      // The requests that arrived meanwhile get the read sent now.
      else this.startRead(accountId).then(waiting.resolve, waiting.reject);
    };
    inFlight.then(() => settled(), settled);
    return inFlight;
  }

  /** Called when a write to the account ends, whatever its outcome. */
  invalidate(accountId: string): void {
    if (this.source !== 'process') return;
    this.known.delete(accountId);
    this.invalidations.set(accountId, (this.invalidations.get(accountId) ?? 0) + 1);
  }

  invalidateAll(): void {
    for (const accountId of [...this.known.keys(), ...this.invalidations.keys()]) this.invalidate(accountId);
  }
}
