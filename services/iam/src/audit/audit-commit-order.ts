import type { ConsumerCursor, Database } from '@warden/db';
import type { Kysely } from 'kysely';
import { readApiCallsInCommitOrder } from './api-call-repository.js';
import { type AuditEntry, type CommitOrderKey, compareCommitOrderKeys, encodeCommitOrderCursor } from './audit-cursor.js';
import { toAuditEvent } from './audit-event-mapper.js';
import { type AuditFilter, auditEventsInCommitOrder, eventsCanMatch } from './audit-event-repository.js';
import type { AuditLogEntry } from './audit-log-entry.js';

const MAX_INT8 = '9223372036854775807';

/** The events' own cursor for a commit-order key: after an event, the later ones; after a record, the next transaction's. */
function eventCursorAfter(after: CommitOrderKey): ConsumerCursor {
  return { transactionId: after.transactionId, globalPosition: after.kind === 'EVENT' ? after.id : MAX_INT8 };
}

/**
 * The account's audit log after `after` and below `horizon`, in commit order (audit-cursor.ts's
 * CommitOrderKey), through the filter, at most `limit` entries: events and call records, each read
 * with its own filter code (`applyAuditFilter`, `applyApiCallFilter`) and its own commit-order
 * index, at most `limit` of each, merged. A page shorter than `limit` means both sources are
 * exhausted below the horizon, so the reader may move to just below it (`commitOrderKeyBelow`).
 */
export async function readAuditLogInCommitOrder(
  db: Kysely<Database>,
  accountId: string,
  filter: AuditFilter,
  after: CommitOrderKey,
  horizon: string,
  limit: number,
): Promise<{ key: CommitOrderKey; entry: AuditEntry }[]> {
  // One statement at a time: the caller's transaction is one connection (and PGlite has only one).
  const events = eventsCanMatch(filter) ? await auditEventsInCommitOrder(db, accountId, filter, eventCursorAfter(after), horizon, limit) : [];
  const records = await readApiCallsInCommitOrder(db, accountId, filter, after, horizon, limit);
  const keyed: { key: CommitOrderKey; entry: AuditLogEntry }[] = [
    ...events.map((event) => ({ key: { transactionId: event.transactionId, kind: 'EVENT' as const, id: event.globalPosition }, entry: toAuditEvent(event) })),
    ...records.map(({ key, record }) => ({ key, entry: record })),
  ];
  return keyed
    .sort((a, b) => compareCommitOrderKeys(a.key, b.key))
    .slice(0, limit)
    .map(({ key, entry }) => ({ key, entry: { cursor: encodeCommitOrderCursor(key), event: entry } }));
}
