import { type Database, toStoredEvent } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import { findApiCallPage, OCCURRED_KEY } from './api-call-repository.js';
import { type AuditLogKey, compareAuditLogKeys, encodeAuditLogCursor } from './audit-cursor.js';
import type { AuditEvent } from './audit-event.js';
import { toAuditEvent } from './audit-event-mapper.js';
import { type AuditFilter, applyAuditFilter, eventsCanMatch } from './audit-event-repository.js';
import type { AuditLogPageEntry } from './audit-log-entry.js';

/**
 * A page of the account's audit log, newest first: its events and its call records that pass the
 * filter, after `after` (a key from a previous page's cursor). Each source gives at most `limit`
 * entries after the cursor, in the log's order, through its indexes; the page is the first `limit`
 * of the two merged. A row written after the page was read is newer than its cursor (or, if its
 * time is older, lands in its place among the later pages): no entry is listed twice, and none of
 * those there when the first page was read is skipped.
 */
export async function findAuditLog(db: Kysely<Database>, accountId: string, filter: AuditFilter, after: AuditLogKey | null, limit: number): Promise<AuditLogPageEntry[]> {
  const [events, records] = await Promise.all([
    eventsCanMatch(filter) ? findEventPage(db, accountId, filter, after, limit) : Promise.resolve([]),
    findApiCallPage(db, accountId, filter, after, limit),
  ]);
  const entries = [...events.map(({ key, event }) => ({ key, entry: event })), ...records.map(({ key, record }) => ({ key, entry: record }))];
  return entries
    .sort((a, b) => compareAuditLogKeys(a.key, b.key))
    .slice(0, limit)
    .map(({ key, entry }) => ({ cursor: encodeAuditLogCursor(key), entry }));
}

/** The account's newest events after `after`, by time then position (the indexes of migration 0027). */
async function findEventPage(db: Kysely<Database>, accountId: string, filter: AuditFilter, after: AuditLogKey | null, limit: number): Promise<{ key: AuditLogKey; event: AuditEvent }[]> {
  let query = applyAuditFilter(db.selectFrom('events').selectAll().where('account_id', '=', accountId), accountId, filter);
  if (after !== null) {
    // Events of the cursor's instant come before its record, so after a record they have all been listed.
    query = query.where(
      after.kind === 'CALL' ? sql<boolean>`occurred_at < ${after.occurredAt}::timestamptz` : sql<boolean>`(occurred_at, global_position) < (${after.occurredAt}::timestamptz, ${after.id}::bigint)`,
    );
  }
  const rows = await query.select(OCCURRED_KEY.as('occurred_key')).orderBy('occurred_at', 'desc').orderBy('global_position', 'desc').limit(limit).execute();
  return rows.map((row) => ({ key: { occurredAt: row.occurred_key, kind: 'EVENT', id: String(row.global_position) }, event: toAuditEvent(toStoredEvent(row)) }));
}
