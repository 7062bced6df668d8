import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';

/**
 * The current change epoch of each account, which tags every cache of compiled policies and
 * credentials. Where it comes from depends on who can write:
 * - `database`: any number of replicas share the store, so the epoch is read from Postgres on
 *   every request (one point read): a change committed anywhere is seen by the next request.
 * - `process`: the embedded database belongs to this process alone, so every write passes through
 *   here. A mutation invalidates its account's entry when it ends (committed or not), and a read that
 *   raced with an invalidation is not kept, so a cached epoch is never older than a change whose
 *   caller has been answered.
 */
export type EpochSource = 'database' | 'process';

export class AccountEpochs {
  private readonly known = new Map<string, string>();
  private readonly invalidations = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    readonly source: EpochSource,
  ) {}

  /** The epoch, or `undefined` when the account does not exist. */
  async current(accountId: string): Promise<string | undefined> {
    if (this.source === 'process') {
      const known = this.known.get(accountId);
      if (known !== undefined) return known;
    }
    const generation = this.invalidations.get(accountId) ?? 0;
    const row = await this.db.selectFrom('accounts').select('change_epoch').where('account_id', '=', accountId).executeTakeFirst();
    if (!row) return undefined;
    const epoch = String(row.change_epoch);
    if (this.source === 'process' && (this.invalidations.get(accountId) ?? 0) === generation) this.known.set(accountId, epoch);
    return epoch;
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
