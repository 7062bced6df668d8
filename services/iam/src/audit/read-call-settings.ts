import { type Database, inAccountTransaction } from '@warden/db';
import type { Kysely } from 'kysely';
import type { Caller } from '../kernel/command-context.js';
import type { EntityChanges } from '../kernel/changed-entity.js';

interface Known {
  readonly epoch: string;
  readonly enabled: boolean;
}

const MAX_KNOWN = 10_000;

/**
 * Whether an account records its successful read calls (`accounts.record_read_calls`, set by the
 * account's `AccountReadCallRecordingSet` event), asked after every successful read. Kept per
 * account with the change epoch it was read at, in the same statement; it answers a caller at a
 * later epoch only while the account's stream (where the setting's event is) has not changed since
 * (`unchangedSince`, the freshness rule of docs/architecture.md), so a change committed on any
 * replica holds from the next request on. A caller without an epoch reads it.
 */
export class ReadCallSettings {
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly changes: EntityChanges,
  ) {}

  recordsReads(caller: Caller): boolean | Promise<boolean> {
    const accountId = caller.accountId;
    const known = this.known.get(accountId);
    if (known && caller.accountEpoch !== undefined && this.changes.unchangedSince(accountId, known.epoch, [`account/${accountId}`], caller.accountEpoch)) return known.enabled;
    return this.load(accountId);
  }

  private async load(accountId: string): Promise<boolean> {
    const row = await inAccountTransaction(this.db, accountId, (trx) =>
      trx.selectFrom('accounts').select(['record_read_calls', 'change_epoch']).where('account_id', '=', accountId).executeTakeFirst(),
    );
    if (!row) return false;
    const epoch = String(row.change_epoch);
    const kept = this.known.get(accountId);
    // A read that saw an older snapshot than the one kept does not replace it.
    if (!kept || Number(kept.epoch) <= Number(epoch)) {
      if (!kept && this.known.size >= MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
      this.known.set(accountId, { epoch, enabled: row.record_read_calls });
    }
    return row.record_read_calls;
  }
}
