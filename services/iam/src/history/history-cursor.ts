import type { Database } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import { type AccountHistory, applyHistoryEvent, emptyAccountHistory, HISTORY_STREAM_KINDS } from './account-history.js';
import { findSnapshotAtOrBefore, snapshotListsNoWriter, snapshotPositionAfter } from './history-snapshots.js';

/** An event of a stream a decision depends on, as the fold reads it. */
export interface HistoryEvent {
  readonly globalPosition: string;
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
  readonly occurredAt: Date;
}

export interface PendingSnapshot {
  readonly position: string;
  readonly eventCount: number;
  readonly maxOccurredAt: Date;
  readonly state: string;
}

export interface HistorySnapshotOptions {
  /** Start from the latest snapshot and collect new ones; off, the fold starts from the first event (a fresh replay). */
  readonly useSnapshots: boolean;
  readonly snapshotInterval: number;
}

export interface HistoryCursorOptions extends HistorySnapshotOptions {
  /** Another session held a transaction id just before the folding transaction began (`otherWriterRunning`): take no snapshot. */
  readonly writerWasRunning: boolean;
}

/**
 * Pages grow from the first (a question usually folds a few events past its snapshot) to the
 * largest (a walk over a long range, or a fold from the first event).
 */
const FIRST_PAGE = 64;
const LARGEST_PAGE = 1024;

/**
 * Walks an account's log forward, folding it into its history. "As of an instant" is a prefix of
 * the log: the events in position order up to the first that occurred after the instant, so the
 * state answered is one the account really had (positions and times disagree only for writers
 * whose clocks disagree, and then the fold stops at the first out of order). The walk starts from
 * the latest snapshot of such a prefix, and collects a snapshot every `snapshotInterval`
 * events it folds past it, when nothing was being written as the read began (see
 * `snapshotListsNoWriter`); the caller saves them.
 */
export class HistoryCursor {
  private page: HistoryEvent[] = [];
  private pageSize = FIRST_PAGE;
  private next = 0;
  private exhausted = false;
  private readonly pending: PendingSnapshot[] = [];

  private constructor(
    private readonly db: Kysely<Database>,
    private readonly accountId: string,
    readonly history: AccountHistory,
    private position: string,
    private eventCount: number,
    private maxOccurredAt: Date | undefined,
    /** Every how many events a snapshot is collected; 0 for none. */
    private readonly snapshotInterval: number,
    /** No event past this position is needed (a later snapshot already holds one after the walk's end). */
    private readonly bound: string | undefined,
  ) {}

  /**
   * A cursor at the latest snapshot that precedes `start` (or the start of the log), for a walk
   * that will go no further than `end`. `db` should be a repeatable-read transaction, so that its
   * pages and the writer check see one snapshot.
   */
  static async open(db: Kysely<Database>, accountId: string, start: Date, end: Date, options: HistoryCursorOptions): Promise<HistoryCursor> {
    const snapshot = options.useSnapshots ? await findSnapshotAtOrBefore(db, accountId, start) : undefined;
    const bound = options.useSnapshots ? await snapshotPositionAfter(db, accountId, end) : undefined;
    const interval = options.useSnapshots && !options.writerWasRunning && (await snapshotListsNoWriter(db)) ? options.snapshotInterval : 0;
    // The pages are ranges of the (account, position) index read in its order. With statistics
    // older than the log's growth (the embedded store never analyzes; autovacuum lags a bulk of
    // appends) the planner took a bitmap scan and sorted every later event of the account for
    // each page; this transaction reads nothing else, so the plan is fixed for it alone.
    await sql`SET LOCAL enable_bitmapscan = off`.execute(db);
    if (!snapshot) return new HistoryCursor(db, accountId, emptyAccountHistory(), '0', 0, undefined, interval, bound);
    return new HistoryCursor(db, accountId, snapshot.history, snapshot.position, snapshot.eventCount, snapshot.maxOccurredAt, interval, bound);
  }

  /** Folds every event up to the first that occurred after `at`, telling `folded` of each once it is applied. */
  async advanceTo(at: Date, folded?: (event: HistoryEvent) => void): Promise<void> {
    for (;;) {
      const event = await this.peek();
      if (!event || event.occurredAt > at) return;
      this.next++;
      this.apply(event);
      folded?.(event);
    }
  }

  /** The snapshots collected so far, for the caller to save once its read has ended. */
  snapshotsToSave(): readonly PendingSnapshot[] {
    return this.pending;
  }

  private apply(event: HistoryEvent): void {
    applyHistoryEvent(this.history, event);
    this.position = event.globalPosition;
    this.eventCount++;
    if (!this.maxOccurredAt || event.occurredAt > this.maxOccurredAt) this.maxOccurredAt = event.occurredAt;
    if (this.snapshotInterval > 0 && this.eventCount % this.snapshotInterval === 0) {
      this.pending.push({ position: this.position, eventCount: this.eventCount, maxOccurredAt: this.maxOccurredAt, state: JSON.stringify(this.history) });
    }
  }

  private async peek(): Promise<HistoryEvent | undefined> {
    if (this.next < this.page.length) return this.page[this.next];
    if (this.exhausted) return undefined;
    const after = this.page.length > 0 ? this.page[this.page.length - 1]!.globalPosition : this.position;
    const rows = await this.db
      .selectFrom('events')
      .select(['global_position', 'stream_id', 'type', 'data', 'occurred_at'])
      .where('account_id', '=', this.accountId)
      .where('global_position', '>', after)
      // Not a LIKE on stream_id: the planner would answer it from the (account, stream, version)
      // index and sort every later event of the account; the kind is tested row by row on the
      // position index's scan instead, which stops at the page's end.
      .where(sql<string>`split_part(stream_id, '/', 1)`, 'in', HISTORY_STREAM_KINDS)
      .$if(this.bound !== undefined, (query) => query.where('global_position', '<=', this.bound!))
      .orderBy('global_position')
      .limit(this.pageSize)
      .execute();
    this.page = rows.map((row) => ({ globalPosition: String(row.global_position), streamId: row.stream_id, type: row.type, data: row.data, occurredAt: new Date(row.occurred_at) }));
    this.next = 0;
    if (rows.length < this.pageSize) this.exhausted = true;
    this.pageSize = Math.min(LARGEST_PAGE, this.pageSize * 2);
    return this.page[0];
  }
}
