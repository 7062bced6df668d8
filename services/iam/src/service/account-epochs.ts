import { type Database, isDatabaseUnavailable, jsonColumn, preparedStatement } from '@warden/db';
import { CompiledQuery, type Kysely } from 'kysely';
import type { EntityChanges } from '../kernel/changed-entity.js';
import { ChangeLog, type EpochRead, type ManagedPolicyDefault } from './change-log.js';

/**
 * Prepared: on Postgres it runs for every few requests, and most of what an unnamed statement (as
 * Kysely sends a query) costs the database for it is the parsing and planning (pgbench figures in
 * docs/performance.md). The changes after the epoch this process has applied come in the same
 * statement, so in the same snapshot as the epoch: no change up to it can be missing (a bump and its
 * record commit together), and a quiet account costs one more index probe, no round trip. So do the
 * default versions of the managed policies among those changes, as that snapshot holds them: a set
 * that only they made stale is brought up to date from them with no statement of its own
 * (`ChangeLog.policyDefaults`). Each policy is looked up by its key from a change record (a
 * subquery per record, so that the generic plan cannot turn it into a scan of the account's
 * policies): a quiet account reads no policy, and a policy deleted since comes back as null.
 */
export const EPOCH_STATEMENT = preparedStatement(
  'warden_active_account_epoch_changes',
  `SELECT a.change_epoch::text AS change_epoch,
     (SELECT coalesce(json_agg(json_build_array(c.epoch::text, c.changed) ORDER BY c.epoch), '[]')
        FROM account_changes c
       WHERE c.account_id = a.account_id AND c.epoch > coalesce($2::int8, a.change_epoch)) AS changes,
     (SELECT coalesce(json_agg(changed.policy), '[]') FROM (
        SELECT (SELECT json_build_object('arn', p.arn, 'id', p.policy_id, 'version', v.version_id, 'document', v.document, 'hash', v.document_hash)
                  FROM policies p
                  JOIN policy_versions v ON v.account_id = p.account_id AND v.policy_id = p.policy_id AND v.version_id = p.default_version_id
                 WHERE p.account_id = a.account_id AND p.policy_id = substr(c.changed, 8)) AS policy
          FROM (SELECT DISTINCT changed FROM account_changes
                 WHERE account_id = a.account_id AND epoch > coalesce($2::int8, a.change_epoch) AND changed LIKE 'policy/%') c) changed) AS policies
   FROM accounts a WHERE a.account_id = $1 AND a.status = 'ACTIVE'`,
);

/**
 * The current change epoch of each account, which tags every cache of compiled policies and
 * credentials, and the log of which entity each epoch changed, by which those caches keep what a
 * change did not touch (`unchangedSince`). A closed account has no epoch: it is as absent as an
 * account that never was, so that every credential of it is refused from the request after its
 * closing commits, on every replica, cached resolutions included (the one place that decides it:
 * see docs/architecture.md).
 * Where it comes from depends on who can write:
 * - `database`: any number of replicas share the store, so the epoch is read from Postgres for
 *   every request: a change committed anywhere is seen by the next request. Reads are batched per
 *   account without giving that up: while one read is in flight, the requests that arrive wait for
 *   the next, which is sent when the first returns and answers all of them. Every request is
 *   answered by a read sent after it arrived, so it sees every commit that finished before it
 *   arrived; under load there is one read in flight per account instead of one per request. When
 *   the read in flight finds the database unavailable, the waiting requests are answered with
 *   that at once rather than after another read. Each read applies its changes to the log before
 *   any request waiting for it goes on.
 * - `process`: the embedded database belongs to this process alone, so every write passes through
 *   here. A mutation that succeeded reads the epoch again before it answers (`written`), and keeps
 *   what it read unless a newer epoch is kept already; meanwhile requests go on with the epoch kept
 *   before, since a change whose caller has not been answered need not be seen. A mutation that
 *   failed drops the entry, and so does a read after a write that finds the account gone or fails:
 *   the next request reads it, and a read sent before such a drop is not kept unless it is newer
 *   than an epoch kept since. Kept epochs only ever grow, so a cached epoch is never older than a
 *   change whose caller has been answered.
 *   Concurrent reads of one account share one.
 */
export type EpochSource = 'database' | 'process';

/**
 * Accounts whose change logs are kept, the most recently read first out of mind last: an account
 * not read for longer is forgotten, and what was cached of it is rebuilt as if everything changed.
 */
export const MAX_LOGGED_ACCOUNTS = 10_000;

type EpochReader = (accountId: string, since: string | undefined) => Promise<EpochRead | undefined>;

export class AccountEpochs implements EntityChanges {
  private readonly known = new Map<string, string>();
  private readonly invalidations = new Map<string, number>();
  private readonly logs = new Map<string, ChangeLog>();
  private readonly processReads = new Map<string, { generation: number; epoch: Promise<string | undefined> }>();
  private readonly reads = new Map<
    string,
    { inFlight: Promise<string | undefined>; next?: { promise: Promise<string | undefined>; resolve: (epoch: string | undefined) => void; reject: (error: unknown) => void } }
  >();

  private readonly read: EpochReader;

  /** `read` replaces the database read in tests, and so may `maxLoggedAccounts` the bound. */
  constructor(
    db: Kysely<Database>,
    readonly source: EpochSource,
    read?: EpochReader,
    private readonly maxLoggedAccounts = MAX_LOGGED_ACCOUNTS,
  ) {
    this.read =
      read ??
      (async (accountId, since) => {
        // Already compiled: this runs for every request on Postgres, and building it with the query
        // builder costs more than the round trip's own CPU.
        const { rows } = await db.executeQuery<{ change_epoch: string; changes: [string, string][] | string; policies: (ManagedPolicyDefault | null)[] | string }>(
          CompiledQuery.raw(EPOCH_STATEMENT, [accountId, since ?? null]),
        );
        const row = rows[0];
        if (!row) return undefined;
        const policies = jsonColumn(row.policies).filter((policy) => policy !== null);
        return { epoch: String(row.change_epoch), changes: jsonColumn(row.changes), policies };
      });
  }

  /** The epoch, or `undefined` when the account does not exist or is closed. */
  current(accountId: string): Promise<string | undefined> {
    // The batched read's own promise, not one wrapped around it: this runs for every request.
    if (this.source === 'database') return this.batchedRead(accountId);
    return this.currentInProcess(accountId);
  }

  /**
   * Whether something read at epoch `builtAt`, depending on the entities `dependsOn` (stream ids,
   * see kernel/changed-entity.ts), is still current at epoch `at`, which this process read: no
   * change to any of them, nor to the whole account, since it was read.
   */
  unchangedSince(accountId: string, builtAt: string, dependsOn: readonly string[], at: string): boolean {
    // Read at the request's epoch or later: it holds every change the request may see.
    if (builtAt === at || Number(builtAt) >= Number(at)) return true;
    const log = this.logs.get(accountId);
    return log !== undefined && log.unchangedSince(builtAt, dependsOn, at);
  }

  /**
   * Which of `dependsOn`, read at `builtAt`, changed after it as far as epoch `at` (which this
   * process read), or `undefined` when the log cannot tell (then everything may have).
   */
  changedSince(accountId: string, builtAt: string, dependsOn: readonly string[], at: string): string[] | undefined {
    if (Number(builtAt) >= Number(at)) return [];
    return this.logs.get(accountId)?.changedSince(builtAt, dependsOn, at);
  }

  policyDefaults(accountId: string, entities: readonly string[], at: string): ManagedPolicyDefault[] | undefined {
    return this.logs.get(accountId)?.policyDefaults(entities, at);
  }

  private currentInProcess(accountId: string): Promise<string | undefined> {
    const known = this.known.get(accountId);
    if (known !== undefined) return Promise.resolve(known);
    const generation = this.generationOf(accountId);
    // A read sent before the last drop may miss what caused it: only a read sent since is shared.
    const pending = this.processReads.get(accountId);
    if (pending && pending.generation === generation) return pending.epoch;
    const epoch = this.readAndApply(accountId)
      .then((read) => {
        if (read !== undefined) this.keep(accountId, read, generation);
        return read;
      })
      .finally(() => {
        if (this.processReads.get(accountId)?.epoch === epoch) this.processReads.delete(accountId);
      });
    this.processReads.set(accountId, { generation, epoch });
    return epoch;
  }

  /** One read of the epoch and the changes since the log's, applied to the log before anyone sees the epoch. */
  private async readAndApply(accountId: string): Promise<string | undefined> {
    const since = this.logs.get(accountId)?.appliedEpoch;
    const read = await this.read(accountId, since);
    if (read === undefined) return undefined;
    const log = this.logs.get(accountId);
    // Deleted and set again, so that the map's order is the order of the last reads, oldest first.
    this.logs.delete(accountId);
    if (log) log.apply(read, since);
    this.logs.set(accountId, log ?? new ChangeLog(Number(read.epoch)));
    // A forgotten account's caches are stale to `unchangedSince`, as they would be after a change to everything.
    if (this.logs.size > this.maxLoggedAccounts) this.logs.delete(this.logs.keys().next().value!);
    return read.epoch;
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
    const inFlight = Promise.resolve().then(() => this.readAndApply(accountId));
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

  /** How many times the account's epoch was dropped: a read records it when sent. */
  private generationOf(accountId: string): number {
    return this.invalidations.get(accountId) ?? 0;
  }

  /**
   * Keeps an epoch read of the account (sent at `generation`): over a kept one only when newer, so
   * a slower read sent earlier cannot take it back; where none is kept (dropped since), only when
   * nothing dropped it after the read was sent.
   */
  private keep(accountId: string, epoch: string, generation: number): void {
    const kept = this.known.get(accountId);
    if (kept !== undefined ? Number(epoch) > Number(kept) : this.generationOf(accountId) === generation) this.known.set(accountId, epoch);
  }

  /**
   * Called when a write to the account succeeded. On the embedded store the epoch is read again at
   * once, before the write answers: its caller pays for the read (with the changes and the changed
   * policies' defaults) instead of the next request. Requests that arrive meanwhile are answered at
   * the epoch kept before, which the write's caller has not been told is past: they neither wait for
   * this read nor queue behind the write's transaction for the one connection.
   */
  async written(accountId: string): Promise<void> {
    if (this.source !== 'process') return;
    const generation = this.generationOf(accountId);
    try {
      const read = await this.readAndApply(accountId);
      // Closed or gone: dropped, so that the next request reads that and no earlier read is kept.
      if (read === undefined) this.invalidate(accountId);
      else this.keep(accountId, read, generation);
    } catch {
      // Not known to be kept: the next request reads it.
      this.invalidate(accountId);
    }
  }

  /** Drops the account's cached epoch (embedded store), so that the next request reads it. */
  invalidate(accountId: string): void {
    if (this.source !== 'process') return;
    this.known.delete(accountId);
    this.invalidations.set(accountId, this.generationOf(accountId) + 1);
  }

  invalidateAll(): void {
    for (const accountId of [...this.known.keys(), ...this.invalidations.keys()]) this.invalidate(accountId);
  }
}
