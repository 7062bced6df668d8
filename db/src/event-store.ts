import { type Kysely, sql, type Transaction } from 'kysely';
import { ConcurrencyError } from './concurrency-error.js';
import type { Database } from './database.js';
import type { EventMetadataRow } from './tables/events.table.js';

/**
 * Appending to the event log. Rules (docs/architecture.md):
 * - An append states the stream version it expects (`-1`: the stream must not exist). A mismatch is
 *   a `ConcurrencyError`; the unique (account_id, stream_id, stream_version) constraint is the
 *   final word, so two racing appends can never both land.
 * - Before it takes positions, an append locks its stream and every uniqueness key it touches (a
 *   user name, an alias) with transaction-scoped advisory locks. So two transactions that touch the
 *   same key commit in the order of their global positions, and replaying the log in position order
 *   meets the same constraints as the live system did.
 * - The caller's projections run in the same transaction (read-your-writes for authorization).
 */
export interface EventToAppend {
  readonly type: string;
  readonly data: unknown;
  readonly schemaVersion?: number;
}

export interface EventMetadata extends EventMetadataRow {}

export interface StoredEvent<Data = unknown> {
  readonly globalPosition: string;
  readonly transactionId: string;
  readonly accountId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly occurredAt: Date;
  readonly schemaVersion: number;
}

export interface AppendRequest {
  readonly accountId: string;
  readonly streamId: string;
  /** The version the stream is at now: -1 for a new stream, else its last event's version. */
  readonly expectedVersion: number;
  readonly events: readonly EventToAppend[];
  readonly metadata: EventMetadata;
  readonly occurredAt: Date;
  /** Other keys whose writers must be ordered with this one (e.g. `user-name/bob`). */
  readonly lockKeys?: readonly string[];
}

export const NO_STREAM = -1;

/**
 * Takes the transaction-scoped locks of a stream and of the given uniqueness keys, in a fixed order
 * (so two writers never deadlock). A command handler calls it before it reads the stream, so that
 * writers of one stream queue instead of failing; taking a lock twice in a transaction is harmless.
 */
/**
 * Lock keys are per account, except those named `global:…` (a name unique across accounts, such
 * as an account alias), which order writers of every account.
 */
export function scopedLockKey(accountId: string, key: string): string {
  return key.startsWith('global:') ? key : `${accountId}/${key}`;
}

export async function lockForAppend(trx: Transaction<Database>, accountId: string, streamId: string, lockKeys: readonly string[] = []): Promise<void> {
  const keys = [...new Set([`stream/${streamId}`, ...lockKeys])].map((key) => scopedLockKey(accountId, key)).sort();
  for (const key of keys) {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  }
}

/**
 * Appends in one statement (`warden_append`): binds the row-level security context, takes the
 * locks, checks the version and inserts. Inside a caller's transaction it joins it; on a bare
 * connection it is a transaction of its own (one round trip, like a plain INSERT).
 */
export async function appendToStream(executor: Kysely<Database>, request: AppendRequest): Promise<StoredEvent[]> {
  const { accountId, streamId, expectedVersion, events } = request;
  if (events.length === 0) return [];
  // Same-stream writers need no lock here: the version check and the unique constraint order them.
  // Uniqueness keys do: they order writers of different streams that compete for one name.
  const lockKeys = [...new Set(request.lockKeys ?? [])].map((key) => scopedLockKey(accountId, key)).sort();
  let rows: { global_position: string | number; transaction_id: string | number; stream_version: number }[];
  try {
    const result = await sql<{ global_position: string | number; transaction_id: string | number; stream_version: number }>`
      SELECT global_position::text AS global_position, transaction_id::text AS transaction_id, stream_version FROM warden_append(
        ${accountId}, ${streamId}, ${expectedVersion}::integer, ${events.map((event) => event.type)}::text[],
        ${events.map((event) => JSON.stringify(event.data))}::jsonb[], ${events.map((event) => event.schemaVersion ?? 1)}::integer[],
        ${JSON.stringify(request.metadata)}::jsonb, ${request.occurredAt}::timestamptz, ${lockKeys}::text[])`.execute(executor);
    rows = result.rows;
  } catch (error) {
    const failure = error as { code?: string; detail?: string };
    if (failure?.code === '40001' && failure.detail !== undefined && /^-?\d+$/.test(failure.detail)) {
      throw new ConcurrencyError(accountId, streamId, expectedVersion, Number(failure.detail));
    }
    if (isUniqueViolation(error, 'events_stream_version_unique')) throw new ConcurrencyError(accountId, streamId, expectedVersion, undefined);
    throw error;
  }
  return rows.map((row, index) => ({
    globalPosition: String(row.global_position),
    transactionId: String(row.transaction_id),
    accountId,
    streamId,
    streamVersion: row.stream_version,
    type: events[index]!.type,
    data: events[index]!.data,
    metadata: request.metadata,
    occurredAt: request.occurredAt,
    schemaVersion: events[index]!.schemaVersion ?? 1,
  }));
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const candidate = error as { code?: string; constraint?: string; message?: string };
  if (candidate?.code !== '23505') return false;
  if (constraint === undefined) return true;
  return candidate.constraint === constraint || (candidate.message ?? '').includes(constraint);
}
