import { type ConsumerCursor, type Database, type EventsQuery, readEventsAfter, type StoredEvent, toStoredEvent } from '@warden/db';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { AuditEvent } from './audit-event.js';
import { toAuditEvent } from './audit-event-mapper.js';
import { assumedRoleSessionPrefix } from './role-session-arns.js';

export interface AuditFilter {
  /** Who acted; a role's ARN also finds what its sessions did. */
  readonly actor?: string | null;
  readonly eventTypes?: readonly string[] | null;
  /** What was acted on; a role's ARN also finds its sessions, from their issue to their end. */
  readonly resourceArn?: string | null;
  readonly from?: Date | null;
  readonly to?: Date | null;
}

/** An ARN matches itself, and a role's ARN matches every assumed-role session ARN of the role too. */
function matchesArn(column: RawBuilder<string>, arn: string) {
  const sessions = assumedRoleSessionPrefix(arn);
  return sessions === undefined ? sql<boolean>`${column} = ${arn}` : sql<boolean>`(${column} = ${arn} OR starts_with(${column}, ${sessions}))`;
}

/**
 * The filter's conditions on a query of one account's events: the one reading of a filter, for the
 * log, its live tail and its export. A role's sessions are found by the session ARN every
 * SessionIssued has always carried, so events written before SessionIssued recorded its role's ARN
 * are found too; the session's later events (its expiry, its revocation) are found by its stream.
 */
export function applyAuditFilter(query: EventsQuery, accountId: string, filter: AuditFilter): EventsQuery {
  let narrowed = query;
  if (filter.actor) narrowed = narrowed.where(matchesArn(sql<string>`metadata->>'actorArn'`, filter.actor));
  if (filter.eventTypes && filter.eventTypes.length > 0) narrowed = narrowed.where('type', 'in', [...filter.eventTypes]);
  if (filter.resourceArn) {
    const resourceArn = filter.resourceArn;
    const sessions = assumedRoleSessionPrefix(resourceArn);
    narrowed = narrowed.where(
      sessions === undefined
        ? sql<boolean>`metadata->>'resourceArn' = ${resourceArn}`
        : sql<boolean>`(metadata->>'resourceArn' = ${resourceArn} OR stream_id IN (
            SELECT issued.stream_id FROM events issued
            WHERE issued.account_id = ${accountId} AND issued.type = 'SessionIssued' AND starts_with(issued.data->>'principalArn', ${sessions})))`,
    );
  }
  if (filter.from) narrowed = narrowed.where('occurred_at', '>=', filter.from);
  if (filter.to) narrowed = narrowed.where('occurred_at', '<', filter.to);
  return narrowed;
}

/** The account's events that pass the filter, newest first; `before` is a global position (a decimal string). */
export async function findAuditEvents(db: Kysely<Database>, accountId: string, filter: AuditFilter, page: { first: number; before?: string | null }): Promise<AuditEvent[]> {
  let query = applyAuditFilter(db.selectFrom('events').selectAll().where('account_id', '=', accountId), accountId, filter);
  if (page.before) query = query.where(sql<boolean>`global_position < ${page.before}::bigint`);
  const rows = await query.orderBy('global_position', 'desc').limit(page.first).execute();
  return rows.map((row) => toAuditEvent(toStoredEvent(row)));
}

/**
 * The account's events after `cursor` and below `horizon` that pass the filter, in commit order
 * (the consumers' gap-free order): the one read of the live tail and of the export.
 */
export function auditEventsInCommitOrder(db: Kysely<Database>, accountId: string, filter: AuditFilter, cursor: ConsumerCursor, horizon: string, limit: number): Promise<StoredEvent[]> {
  return readEventsAfter(db, cursor, { limit, accountId, horizon, narrow: (query) => applyAuditFilter(query, accountId, filter) });
}

/** Every event of an account, oldest first, a page at a time; `after` is a global position (a decimal string). */
export async function findAccountEventsInOrder(db: Kysely<Database>, accountId: string, page: { first: number; after?: string | null }): Promise<AuditEvent[]> {
  let query = db.selectFrom('events').selectAll().where('account_id', '=', accountId);
  if (page.after) query = query.where(sql<boolean>`global_position > ${page.after}::bigint`);
  const rows = await query.orderBy('global_position').limit(page.first).execute();
  return rows.map((row) => toAuditEvent(toStoredEvent(row)));
}
