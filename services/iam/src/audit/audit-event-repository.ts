import { type Database, toStoredEvent } from '@warden/db';
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

/** The account's events that pass the filter, newest first; `before` is a global position (a decimal string). */
export async function findAuditEvents(db: Kysely<Database>, accountId: string, filter: AuditFilter, page: { first: number; before?: string | null }): Promise<AuditEvent[]> {
  let query = db.selectFrom('events').selectAll().where('account_id', '=', accountId);
  if (filter.actor) query = query.where(sql<boolean>`metadata->>'actorArn' = ${filter.actor}`);
  if (filter.eventTypes && filter.eventTypes.length > 0) query = query.where('type', 'in', [...filter.eventTypes]);
  if (filter.resourceArn) query = query.where(sql<boolean>`metadata->>'resourceArn' = ${filter.resourceArn}`);
  if (filter.from) query = query.where('occurred_at', '>=', filter.from);
  if (filter.to) query = query.where('occurred_at', '<', filter.to);
  if (page.before) query = query.where(sql<boolean>`global_position < ${page.before}::bigint`);
  const rows = await query.orderBy('global_position', 'desc').limit(page.first).execute();
  return rows.map((row) => toAuditEvent(toStoredEvent(row)));
}

/** Every event of an account, oldest first, a page at a time; `after` is a global position (a decimal string). */
export async function findAccountEventsInOrder(db: Kysely<Database>, accountId: string, page: { first: number; after?: string | null }): Promise<AuditEvent[]> {
  let query = db.selectFrom('events').selectAll().where('account_id', '=', accountId);
  if (page.after) query = query.where(sql<boolean>`global_position > ${page.after}::bigint`);
  const rows = await query.orderBy('global_position').limit(page.first).execute();
  return rows.map((row) => toAuditEvent(toStoredEvent(row)));
}
