import { CompiledQuery, type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Database } from './database.js';
import type { EventToAppend, StoredEvent } from './event-store.js';
import { preparedStatement } from './prepared-statements.js';
import type { EventRow } from './tables/events.table.js';

/**
 * Reading the log. A stream is read in version order. Async consumers read everything after a
 * cursor in (transaction_id, global_position) order, and only events of transactions older than
 * every transaction still running (`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`):
 * a transaction that took its positions early but commits late is read when it commits, never
 * skipped, and never by OFFSET or timestamp.
 */
export interface ConsumerCursor {
  readonly transactionId: string;
  readonly globalPosition: string;
}

export const START_OF_LOG: ConsumerCursor = { transactionId: '0', globalPosition: '0' };

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    globalPosition: String(row.global_position),
    transactionId: String(row.transaction_id),
    accountId: row.account_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    occurredAt: new Date(row.occurred_at),
    schemaVersion: row.schema_version,
  };
}

export async function readStream(db: Kysely<Database>, accountId: string, streamId: string): Promise<StoredEvent[]> {
  const rows = await db.selectFrom('events').selectAll().where('account_id', '=', accountId).where('stream_id', '=', streamId).orderBy('stream_version').execute();
  return rows.map(toStoredEvent);
}

/** A stream as a command handler folds it: each event's type and data, in version order, and the version the stream is at (-1: it has none). */
export interface StreamToFold {
  readonly version: number;
  readonly events: readonly EventToAppend[];
  /** The event at `version` (absent when the stream has none): where `readStreamAfter` can go on from. */
  readonly last?: StreamPoint;
}

/**
 * One event of a stream, named so that a later read can tell it is still the same event: its
 * version, and the global position and transaction id it was written with. Positions are never
 * given twice, so an event rolled back, or a stream emptied and written again, no longer matches.
 */
export interface StreamPoint {
  readonly version: number;
  readonly globalPosition: string;
  readonly transactionId: string;
}

/** Prepared, with no column a fold does not read: every write reads the stream it appends to. */
const STREAM_TO_FOLD_STATEMENT = preparedStatement(
  'warden_stream_to_fold_from',
  'SELECT type, data, stream_version, global_position::text AS global_position, transaction_id::text AS transaction_id FROM events WHERE account_id = $1::text AND stream_id = $2::text AND stream_version >= $3::int ORDER BY stream_version',
);

type FoldRow = { type: string; data: unknown; stream_version: number; global_position: string; transaction_id: string };

async function readFromVersion(db: Kysely<Database>, accountId: string, streamId: string, version: number): Promise<readonly FoldRow[]> {
  return (await db.executeQuery<FoldRow>(CompiledQuery.raw(STREAM_TO_FOLD_STATEMENT, [accountId, streamId, version]))).rows;
}

function toFold(rows: readonly FoldRow[]): StreamToFold {
  const last = rows[rows.length - 1];
  return {
    version: last ? last.stream_version : -1,
    events: rows.map((row) => ({ type: row.type, data: row.data })),
    ...(last ? { last: { version: last.stream_version, globalPosition: last.global_position, transactionId: last.transaction_id } } : {}),
  };
}

/** Every event of the stream, to fold from its start. */
export async function readStreamToFold(db: Kysely<Database>, accountId: string, streamId: string): Promise<StreamToFold> {
  return toFold(await readFromVersion(db, accountId, streamId, 0));
}

/**
 * The events after `from`, an event read earlier, to fold onto the state folded up to it. The read
 * starts at that event itself and checks it is the very event named; when it is not (the
 * transaction that wrote it rolled back, the stream was emptied), the answer is undefined and the
 * caller reads the whole stream. One statement, the same as `readStreamToFold`'s.
 */
export async function readStreamAfter(db: Kysely<Database>, accountId: string, streamId: string, from: StreamPoint): Promise<StreamToFold | undefined> {
  const rows = await readFromVersion(db, accountId, streamId, from.version);
  const first = rows[0];
  if (!first || first.stream_version !== from.version || first.global_position !== from.globalPosition || first.transaction_id !== from.transactionId) return undefined;
  const after = toFold(rows.slice(1));
  return after.last ? after : { ...after, version: from.version, last: from };
}

/** A query of the events table, as `ReadAfterOptions.narrow` receives it and must return it. */
export type EventsQuery = SelectQueryBuilder<Database, 'events', EventRow>;

export interface ReadAfterOptions {
  readonly limit: number;
  /** Only this account's events (checkpoints are kept per consumer and account). */
  readonly accountId?: string;
  /**
   * The commit horizon to read below, as `commitHorizon` took it earlier in the same piece of work:
   * a reader that reads it first knows, when a page comes back short, that nothing below it is left.
   * Without it, the horizon of the statement's own snapshot.
   */
  readonly horizon?: string;
  /** More conditions on the events read (an audit filter): the order and the horizon stay the reader's. */
  readonly narrow?: (query: EventsQuery) => EventsQuery;
}

export async function readEventsAfter(db: Kysely<Database>, cursor: ConsumerCursor, options: ReadAfterOptions): Promise<StoredEvent[]> {
  let query: EventsQuery = db
    .selectFrom('events')
    .selectAll()
    .where(sql<boolean>`(transaction_id, global_position) > (${cursor.transactionId}::xid8, ${cursor.globalPosition}::bigint)`)
    .where(options.horizon === undefined ? sql<boolean>`transaction_id < pg_snapshot_xmin(pg_current_snapshot())` : sql<boolean>`transaction_id < ${options.horizon}::xid8`);
  if (options.accountId !== undefined) query = query.where('account_id', '=', options.accountId);
  if (options.narrow) query = options.narrow(query);
  const rows = await query.orderBy('transaction_id').orderBy('global_position').limit(options.limit).execute();
  return rows.map(toStoredEvent);
}

/**
 * The oldest transaction still running (or the next to start): every transaction below it has
 * ended, so the events below it are all there is and ever will be. Later statements see a horizon
 * at least as high, so reading below one taken earlier never reads an event that is not final.
 */
export async function commitHorizon(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ horizon: string }>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`.execute(db);
  return rows[0]!.horizon;
}

/**
 * The cursor just below a horizon: past every event whose transaction is below it, before every
 * event of a transaction at or above it.
 */
export function cursorBelow(horizon: string): ConsumerCursor {
  return { transactionId: String(BigInt(horizon) - 1n), globalPosition: '9223372036854775807' };
}

/** Every event (or one account's) in position order, in pages, for replay. */
export async function* readAllEvents(db: Kysely<Database>, pageSize = 1000, accountId?: string): AsyncGenerator<StoredEvent> {
  let after = '0';
  for (;;) {
    let query = db
      .selectFrom('events')
      .selectAll()
      .where(sql<boolean>`global_position > ${after}::bigint`);
    if (accountId !== undefined) query = query.where('account_id', '=', accountId);
    const rows = await query.orderBy('global_position').limit(pageSize).execute();
    for (const row of rows) yield toStoredEvent(row);
    if (rows.length < pageSize) return;
    after = String(rows[rows.length - 1]!.global_position);
  }
}

export function cursorOf(event: StoredEvent): ConsumerCursor {
  return { transactionId: event.transactionId, globalPosition: event.globalPosition };
}
