import type { Database } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import type { AccountHistory } from './account-history.js';

/**
 * Snapshots of an account's history, taken every `HISTORY_SNAPSHOT_INTERVAL` events of the
 * account. Derived from the events, never the source of truth: a point-in-time answer is the same
 * with or without them, only slower without.
 */
export const HISTORY_SNAPSHOT_INTERVAL = 250;

export interface HistorySnapshot {
  readonly position: string;
  readonly eventCount: number;
  readonly maxOccurredAt: Date;
  readonly history: AccountHistory;
}

/** The latest snapshot whose every event occurred at or before `at` (so it is a prefix of the log as of then). */
export async function findSnapshotAtOrBefore(db: Kysely<Database>, accountId: string, at: Date): Promise<HistorySnapshot | undefined> {
  const row = await db
    .selectFrom('history_snapshots')
    .select(['global_position', 'event_count', 'max_occurred_at', 'state'])
    .where('account_id', '=', accountId)
    .where('max_occurred_at', '<=', at)
    .orderBy('global_position', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return { position: String(row.global_position), eventCount: row.event_count, maxOccurredAt: new Date(row.max_occurred_at), history: row.state as AccountHistory };
}

/**
 * The position of the first snapshot that holds an event after `at`, if any: a fold up to `at`
 * (a prefix of the log) stops at or before it, so reads can be bounded by it.
 */
export async function snapshotPositionAfter(db: Kysely<Database>, accountId: string, at: Date): Promise<string | undefined> {
  const row = await db
    .selectFrom('history_snapshots')
    .select('global_position')
    .where('account_id', '=', accountId)
    .where('max_occurred_at', '>', at)
    .orderBy('global_position')
    .limit(1)
    .executeTakeFirst();
  return row ? String(row.global_position) : undefined;
}

/** Stores snapshots; one at a position already taken (by a concurrent fold) is left as it is. */
export async function saveSnapshots(db: Kysely<Database>, accountId: string, snapshots: readonly { position: string; eventCount: number; maxOccurredAt: Date; state: string }[]): Promise<void> {
  if (snapshots.length === 0) return;
  await db
    .insertInto('history_snapshots')
    .values(
      snapshots.map((snapshot) => ({ account_id: accountId, global_position: snapshot.position, event_count: snapshot.eventCount, max_occurred_at: snapshot.maxOccurredAt, state: snapshot.state })),
    )
    .onConflict((conflict) => conflict.columns(['account_id', 'global_position']).doNothing())
    .execute();
}

/** Drops an account's snapshots (all of them are rebuilt by the next folds). */
export async function deleteSnapshots(db: Kysely<Database>, accountId: string): Promise<void> {
  await db.deleteFrom('history_snapshots').where('account_id', '=', accountId).execute();
}

/**
 * Whether any other session of this database holds a transaction id now, as `pg_locks` shows it
 * (every transaction that has written holds the lock of its own id). Asked before the folding
 * transaction begins.
 */
export async function otherWriterRunning(db: Kysely<Database>): Promise<boolean> {
  // Writers of other databases on the same server cannot append to this log.
  const result = await sql<{ running: number }>`
    SELECT count(*)::int AS running FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.pid <> pg_backend_pid() AND a.datname = current_database()`.execute(db);
  return result.rows[0]!.running > 0;
}

/**
 * Whether this repeatable-read transaction's snapshot lists no transaction in progress. Its list
 * leaves out transactions whose ids are newer than the last one completed, so it is asked together
 * with `otherWriterRunning` before the transaction began: no writer was running then, and none that
 * began since was still running when the snapshot was taken. Then every event at or before the last
 * position this transaction sees is committed and visible, and a fold up to there may be saved. A
 * transaction still running could have drawn an earlier position than one already committed, and a
 * snapshot past it would miss its events for ever.
 */
export async function snapshotListsNoWriter(db: Kysely<Database>): Promise<boolean> {
  const result = await sql<{ running: number }>`SELECT count(*)::int AS running FROM pg_snapshot_xip(pg_current_snapshot())`.execute(db);
  return result.rows[0]!.running === 0;
}
