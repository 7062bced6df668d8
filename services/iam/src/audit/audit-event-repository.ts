import { type ConsumerCursor, type Database, type EventsQuery, readEventsAfter, type StoredEvent, toStoredEvent } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import type { AuditEvent } from './audit-event.js';
import { toAuditEvent } from './audit-event-mapper.js';

export interface AuditFilter {
  readonly actor?: string | null;
  readonly eventTypes?: readonly string[] | null;
  readonly resourceArn?: string | null;
  readonly from?: Date | null;
  readonly to?: Date | null;
}

/** The filter's conditions on a query of the events table: the one reading of a filter, for the log and its live tail. */
export function applyAuditFilter(query: EventsQuery, filter: AuditFilter): EventsQuery {
  let narrowed = query;
  if (filter.actor) narrowed = narrowed.where(sql<boolean>`metadata->>'actorArn' = ${filter.actor}`);
  if (filter.eventTypes && filter.eventTypes.length > 0) narrowed = narrowed.where('type', 'in', [...filter.eventTypes]);
  if (filter.resourceArn) narrowed = narrowed.where(sql<boolean>`metadata->>'resourceArn' = ${filter.resourceArn}`);
  if (filter.from) narrowed = narrowed.where('occurred_at', '>=', filter.from);
  if (filter.to) narrowed = narrowed.where('occurred_at', '<', filter.to);
  return narrowed;
}

/** The account's events that pass the filter, newest first; `before` is a global position (a decimal string). */
export async function findAuditEvents(db: Kysely<Database>, accountId: string, filter: AuditFilter, page: { first: number; before?: string | null }): Promise<AuditEvent[]> {
  let query = applyAuditFilter(db.selectFrom('events').selectAll().where('account_id', '=', accountId), filter);
  if (page.before) query = query.where(sql<boolean>`global_position < ${page.before}::bigint`);
  const rows = await query.orderBy('global_position', 'desc').limit(page.first).execute();
  return rows.map((row) => toAuditEvent(toStoredEvent(row)));
}

/**
 * The account's events after `cursor` and below `horizon` that pass the filter, in commit order
 * (the consumers' gap-free order): the one read of the live tail and of the export.
 */
export function auditEventsInCommitOrder(db: Kysely<Database>, accountId: string, filter: AuditFilter, cursor: ConsumerCursor, horizon: string, limit: number): Promise<StoredEvent[]> {
  return readEventsAfter(db, cursor, { limit, accountId, horizon, narrow: (query) => applyAuditFilter(query, filter) });
}

/** Every event of an account, oldest first, a page at a time; `after` is a global position (a decimal string). */
export async function findAccountEventsInOrder(db: Kysely<Database>, accountId: string, page: { first: number; after?: string | null }): Promise<AuditEvent[]> {
  let query = db.selectFrom('events').selectAll().where('account_id', '=', accountId);
  if (page.after) query = query.where(sql<boolean>`global_position > ${page.after}::bigint`);
  const rows = await query.orderBy('global_position').limit(page.first).execute();
  return rows.map((row) => toAuditEvent(toStoredEvent(row)));
}
