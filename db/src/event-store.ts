import { sql, type Transaction } from 'kysely';
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
export async function lockForAppend(trx: Transaction<Database>, accountId: string, streamId: string, lockKeys: readonly string[] = []): Promise<void> {
  const keys = [...new Set([`stream/${streamId}`, ...lockKeys])].map((key) => `${accountId}/${key}`).sort();
  for (const key of keys) {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  }
}

export async function appendToStream(trx: Transaction<Database>, request: AppendRequest): Promise<StoredEvent[]> {
  const { accountId, streamId, expectedVersion, events } = request;
  if (events.length === 0) return [];
  await lockForAppend(trx, accountId, streamId, request.lockKeys);
  const current = await trx
    .selectFrom('events')
    .select((eb) => eb.fn.max('stream_version').as('version'))
    .where('account_id', '=', accountId)
    .where('stream_id', '=', streamId)
    .executeTakeFirst();
  const actualVersion = current?.version === null || current?.version === undefined ? NO_STREAM : Number(current.version);
  if (actualVersion !== expectedVersion) throw new ConcurrencyError(accountId, streamId, expectedVersion, actualVersion);

  const metadata = JSON.stringify(request.metadata);
  try {
    const rows = await trx
      .insertInto('events')
      .values(
        events.map((event, index) => ({
          account_id: accountId,
          stream_id: streamId,
          stream_version: expectedVersion + 1 + index,
          type: event.type,
          data: JSON.stringify(event.data),
          metadata,
          occurred_at: request.occurredAt,
          schema_version: event.schemaVersion ?? 1,
        })),
      )
      .returning(['global_position', 'transaction_id', 'stream_version'])
      .execute();
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
  } catch (error) {
    if (isUniqueViolation(error, 'events_stream_version_unique')) throw new ConcurrencyError(accountId, streamId, expectedVersion, undefined);
    throw error;
  }
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const candidate = error as { code?: string; constraint?: string; message?: string };
  if (candidate?.code !== '23505') return false;
  if (constraint === undefined) return true;
  return candidate.constraint === constraint || (candidate.message ?? '').includes(constraint);
}
