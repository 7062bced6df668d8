import { CompiledQuery, type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { ConcurrencyError } from './concurrency-error.js';
import type { Database } from './database.js';
import { preparedStatement } from './prepared-statements.js';
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

export type EventMetadata = EventMetadataRow;

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
  /**
   * The entity whose change the account's epoch records (`account_changes`), when the events change
   * what caches hold: the epoch is bumped and the change recorded by the append's own statement.
   */
  readonly epochChange?: string;
}

/**
 * Change records kept per account: a process further behind than this finds a gap in the log and
 * drops everything it cached for the account, which is always correct, only slower.
 */
export const KEPT_ACCOUNT_CHANGES = 1000;

export const NO_STREAM = -1;

/**
 * Lock keys are per account, except those named `global:…` (a name unique across accounts, such
 * as an account alias), which order writers of every account.
 */
export function scopedLockKey(accountId: string, key: string): string {
  return key.startsWith('global:') ? key : `${accountId}/${key}`;
}

/**
 * The lock key of a stream (`user/AIDA…`), or with a stream id that ends in `/`, the start of the
 * keys of that kind's streams: the one spelling of it, so that a write that takes a stream's lock
 * and one that records it as held cannot drift apart (a write that believed a lock held that was
 * never taken would append unlocked).
 */
export function streamLockKey(streamId: string): string {
  return `stream/${streamId}`;
}

/**
 * Takes the transaction-scoped locks of a stream and of the given uniqueness keys, in a fixed order
 * (so two writers never deadlock). A command handler calls it before it reads the stream, so that
 * writers of one stream queue instead of failing; taking a lock twice in a transaction is harmless.
 */
export async function lockForAppend(trx: Transaction<Database>, accountId: string, streamId: string, lockKeys: readonly string[] = []): Promise<void> {
  await takeLocks(trx, accountId, [streamLockKey(streamId), ...lockKeys]);
}

/**
 * Takes transaction-scoped locks on keys, in the same fixed order as `lockForAppend`. For a writer
 * that must hold a key before it reads anything (a quota key, before it counts what the quota
 * limits): taken first, before any other lock of its transaction, it cannot close a cycle.
 */
export async function takeLocks(trx: Transaction<Database>, accountId: string, lockKeys: readonly string[]): Promise<void> {
  const keys = orderedLockKeys(accountId, lockKeys);
  if (keys.length > 0) await sql`SELECT ${lockingExpression(keys)}`.execute(trx);
}

/** The keys as every lock taker takes them: once each, scoped to the account, in one fixed order. */
export function orderedLockKeys(accountId: string, lockKeys: readonly string[]): string[] {
  return [...new Set(lockKeys)].map((key) => scopedLockKey(accountId, key)).sort();
}

/**
 * An expression that takes the transaction-scoped locks of `orderedKeys` (from `orderedLockKeys`)
 * when it is evaluated, in one round trip with whatever statement holds it: the function scan hands
 * the keys to the aggregate in the array's order, as the append's `locked` step takes its keys.
 */
export function lockingExpression(orderedKeys: readonly string[]): RawBuilder<number> {
  return sql<number>`(SELECT count(pg_advisory_xact_lock(hashtextextended(lock_key, 0))) FROM unnest(${orderedKeys}::text[]) AS lock_key)`;
}

/**
 * A select-list expression that takes the transaction-scoped lock of the key `keyPrefix` followed by
 * the row's `column` (scoped to the account as `takeLocks` scopes keys): a statement that finds an
 * entity by a key it already holds can lock the entity's stream in the same round trip. The row it
 * returns was read before the lock was granted, as a find followed by `takeLocks` reads it; what is
 * checked under the lock is read by later statements.
 */
export function lockingColumnExpression(accountId: string, keyPrefix: string, column: string): RawBuilder<number> {
  // The lock is taken in a subquery of its own: an aggregate of it alone would be the outer query's.
  return sql<number>`(SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended(${scopedLockKey(accountId, keyPrefix)} || ${sql.ref(column)}, 0))) AS taken)`;
}

/**
 * The append, one statement, prepared once per connection (its plan costs more than its run). Its
 * three CTEs run in a chain, each reading the one before, so that nothing is checked before the
 * transaction is bound and the locks are held (a WHERE clause on the insert itself would be hoisted
 * into a one-time filter that runs before both):
 * - `bound` binds the transaction to the account, for a connection role that row-level security
 *   applies to. A transaction already bound to this account (an account transaction, which has also
 *   switched the role) is left as it is; one bound to another account is refused, and so is an
 *   unbound transaction block ($10, from Kysely: a transaction opened by hand on a bare connection
 *   is not seen), so that no statement after an append runs without its account's role. On a bare
 *   connection the statement is its own transaction and nothing runs after it.
 * - `locked` takes the uniqueness keys' advisory locks before any position is drawn, in the order
 *   of the array (sorted by the caller, as `lockForAppend` sorts, so two writers never deadlock).
 * - `checked` checks the expected version, bound and locked: the row at that version must exist (no
 *   gap), and the unique (account, stream, version) constraint refuses a version another writer
 *   took. No row means a gap; the caller then reads the stream's actual version to report it.
 * - `bumped`, `recorded` and `trimmed`, when $11 names a changed entity: bump the account's change
 *   epoch and record, under the new epoch, which entity changed, dropping the one record that falls
 *   $12 epochs behind; only once `checked` found the version, and in the append's statement, so the
 *   bump and its record commit with the events or not at all. The accounts row's lock orders the
 *   bumps of one account, and a bump here records its epoch, so the record that falls out is at
 *   most one, found by its key. (A range, `epoch <=`, walked every record dropped since the table
 *   was last vacuumed, on every write.) A bump with no record (a replay's) leaves the record it
 *   would have dropped behind, and so would lowering $12: harmless, since a reader knows its log is
 *   whole by counting the records after its own epoch, at most one per epoch, so no record left
 *   behind can make a log with a gap look whole.
 * Parameters: $1 account, $2 stream, $3 expected version, $4-$6 the events' types, data and schema
 * versions (arrays, or one of each for the one-event statement), $7 metadata, $8 time, $9 lock keys,
 * $10 whether the caller is in a transaction block, $11 the changed entity or null, $12 the change
 * records kept.
 */
const BIND_LOCK_CHECK = `WITH bound AS MATERIALIZED (
    SELECT CASE coalesce(current_setting('warden.account_id', true), '')
      WHEN $1::text THEN $1::text
      WHEN '' THEN CASE WHEN $10::boolean
        THEN warden_refuse('42501', 'warden: an append inside a transaction needs the transaction bound to its account first')
        ELSE set_config('warden.account_id', $1::text, true) END
      ELSE warden_refuse('42501', format('warden: a transaction bound to account %s cannot append to account %s', current_setting('warden.account_id', true), $1::text))
    END AS account_id
  ), locked AS MATERIALIZED (
    SELECT bound.account_id, count(pg_advisory_xact_lock(hashtextextended(lock_key, 0))) AS lock_count
    FROM bound LEFT JOIN unnest($9::text[]) AS lock_key ON true
    GROUP BY bound.account_id
  ), checked AS MATERIALIZED (
    SELECT locked.account_id FROM locked
    WHERE $3::integer < 0 OR EXISTS (
      SELECT 1 FROM events x WHERE x.account_id = locked.account_id AND x.stream_id = $2::text AND x.stream_version = $3::integer)
  ), bumped AS (
    UPDATE accounts SET change_epoch = change_epoch + 1
    WHERE $11::text IS NOT NULL AND account_id = (SELECT checked.account_id FROM checked)
    RETURNING change_epoch
  ), recorded AS (
    INSERT INTO account_changes (account_id, epoch, changed) SELECT $1::text, change_epoch, $11::text FROM bumped
  ), trimmed AS (
    DELETE FROM account_changes WHERE account_id = $1::text AND epoch = (SELECT change_epoch FROM bumped) - $12::int8
  )
  INSERT INTO events AS e (account_id, stream_id, stream_version, type, data, metadata, occurred_at, schema_version)`;
const RETURNING = 'RETURNING e.global_position::text AS global_position, e.transaction_id::text AS transaction_id, e.stream_version';

/** One event, the common command: no arrays to unnest and no sort. */
const APPEND_ONE_STATEMENT = preparedStatement(
  'warden_append_one',
  `${BIND_LOCK_CHECK}
  SELECT checked.account_id, $2::text, $3::integer + 1, $4::text, $5::jsonb, $7::jsonb, $8::timestamptz, $6::integer
  FROM checked
  ${RETURNING}`,
);

/** Several events: positions are drawn in stream order, so readers replay them in that order. */
const APPEND_MANY_STATEMENT = preparedStatement(
  'warden_append_many',
  `${BIND_LOCK_CHECK}
  SELECT checked.account_id, $2::text, $3::integer + event.position::integer, event.type, event.data, $7::jsonb, $8::timestamptz, event.schema_version
  FROM checked, unnest($4::text[], $5::jsonb[], $6::integer[]) WITH ORDINALITY AS event (type, data, schema_version, position)
  ORDER BY event.position
  ${RETURNING}`,
);

interface AppendedRow {
  readonly global_position: string;
  readonly transaction_id: string;
  readonly stream_version: number;
}

/**
 * Appends in one statement: binds the account, takes the locks, checks the version and inserts.
 * Inside a caller's transaction (which must be bound to the account) it joins it; on a bare
 * connection it is a transaction of its own, one round trip like a plain INSERT.
 */
export async function appendToStream(executor: Kysely<Database>, request: AppendRequest): Promise<StoredEvent[]> {
  const { accountId, streamId, expectedVersion, events } = request;
  if (events.length === 0) return [];
  // An empty account would pass for "unbound" in the statement: refuse it here, as the bug it is.
  if (accountId === '') throw new Error('appendToStream: an event belongs to an account; accountId is empty');
  // Same-stream writers need no lock here: the version check and the unique constraint order them.
  // Uniqueness keys do: they order writers of different streams that compete for one name.
  const lockKeys = [...new Set(request.lockKeys ?? [])].map((key) => scopedLockKey(accountId, key)).sort();
  const head = [accountId, streamId, expectedVersion];
  const tail = [JSON.stringify(request.metadata), request.occurredAt.toISOString(), lockKeys, executor.isTransaction, request.epochChange ?? null, KEPT_ACCOUNT_CHANGES];
  let rows: readonly AppendedRow[];
  try {
    const result = await executor.executeQuery<AppendedRow>(
      events.length === 1
        ? CompiledQuery.raw(APPEND_ONE_STATEMENT, [...head, events[0]!.type, JSON.stringify(events[0]!.data), events[0]!.schemaVersion ?? 1, ...tail])
        : CompiledQuery.raw(APPEND_MANY_STATEMENT, [
            ...head,
            events.map((event) => event.type),
            events.map((event) => JSON.stringify(event.data)),
            events.map((event) => event.schemaVersion ?? 1),
            ...tail,
          ]),
    );
    rows = result.rows;
  } catch (error) {
    if (isUniqueViolation(error, 'events_stream_version_unique')) throw new ConcurrencyError(accountId, streamId, expectedVersion, undefined);
    throw error;
  }
  if (rows.length === 0) {
    const history = await readStreamVersion(executor, accountId, streamId);
    throw new ConcurrencyError(accountId, streamId, expectedVersion, history);
  }
  return rows.map((row, index) => ({
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
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

/**
 * The stream's highest version, -1 when it has none: read only to report a refused append. On a
 * bare connection the read binds the account in a transaction of its own, so that a connection role
 * that row-level security applies to sees the stream (the append's own binding ended with it).
 */
async function readStreamVersion(executor: Kysely<Database>, accountId: string, streamId: string): Promise<number> {
  const read = async (db: Kysely<Database>) => {
    const row = await db
      .selectFrom('events')
      .select((eb) => eb.fn.max('stream_version').as('version'))
      .where('account_id', '=', accountId)
      .where('stream_id', '=', streamId)
      .executeTakeFirst();
    return row?.version ?? -1;
  };
  // In a transaction the append bound it to this account, or refused.
  if (executor.isTransaction) return read(executor);
  return executor.transaction().execute(async (trx) => {
    await sql`SELECT set_config('warden.account_id', ${accountId}, true)`.execute(trx);
    return read(trx);
  });
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const candidate = error as { code?: string; constraint?: string; message?: string };
  if (candidate?.code !== '23505') return false;
  if (constraint === undefined) return true;
  return candidate.constraint === constraint || (candidate.message ?? '').includes(constraint);
}
