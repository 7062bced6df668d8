import { type ConsumerCursor, type Database, type EventsQuery, readEventsAfter, type StoredEvent, toStoredEvent } from '@warden/db';
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { ApiCallRow } from '@warden/db';
import { type AuditOutcome, storedOutcome } from './api-call-record.js';
import type { AuditEvent } from './audit-event.js';
import { toAuditEvent } from './audit-event-mapper.js';
import { assumedRoleSessionPrefix } from './role-session-arns.js';
import { sourceIpRange } from './source-ip-range.js';

/**
 * What the audit log's readers ask for; each condition means the same on events (the changes) and
 * on call records (denied and failed calls, recorded reads), and all the conditions given must hold.
 */
export interface AuditFilter {
  /** Who acted; a role's ARN also finds what its sessions did. The same as `principal` (its older name). */
  readonly actor?: string | null;
  /** Who acted; a role's ARN also finds what its sessions did. */
  readonly principal?: string | null;
  /** Event types or operations: an event by its type (`UserCreated`), a record by its operation (`iam:CreateUser`). */
  readonly eventTypes?: readonly string[] | null;
  /** The same condition as `eventTypes` (the two lists are one list of names). */
  readonly operations?: readonly string[] | null;
  /** How the call ended; every event is a SUCCESS. */
  readonly outcomes?: readonly AuditOutcome[] | null;
  /** The typed error's code; only records have one, so this filter leaves out every event. */
  readonly errorCodes?: readonly string[] | null;
  /** Where the call came from: a CIDR block or one address. */
  readonly sourceIp?: string | null;
  /** What was acted on; on events a role's ARN also finds its sessions, from their issue to their end. */
  readonly resourceArn?: string | null;
  /** Inclusive. */
  readonly from?: Date | null;
  /** Exclusive. */
  readonly to?: Date | null;
}

/** Checks what a filter's types cannot: a bad source IP is invalid input before anything is read. */
export function checkAuditFilter(filter: AuditFilter): void {
  if (filter.sourceIp) sourceIpRange(filter.sourceIp);
}

/** The principals the filter names (`actor` and `principal` are one condition under two names). */
export function filterPrincipals(filter: AuditFilter): string[] {
  return [...new Set([filter.actor, filter.principal].filter((arn): arn is string => typeof arn === 'string' && arn !== ''))];
}

function filterNames(filter: AuditFilter): string[] {
  return [...new Set([...(filter.eventTypes ?? []), ...(filter.operations ?? [])])];
}

/** Whether an event can pass the filter at all: events are successes, and carry no error code. */
export function eventsCanMatch(filter: AuditFilter): boolean {
  if (filter.outcomes && filter.outcomes.length > 0 && !filter.outcomes.includes('SUCCESS')) return false;
  return !(filter.errorCodes && filter.errorCodes.length > 0);
}

/**
 * An event's actor (migration 0027's actor_arn, in byte order) matches the ARN itself, and a role's
 * ARN matches every assumed-role session ARN of the role too: those are the range from the prefix
 * (which ends in `/`) up to the prefix with `0` (the byte after `/`) in place of its `/`.
 */
function matchesActor(arn: string) {
  const sessions = assumedRoleSessionPrefix(arn);
  if (sessions === undefined) return sql<boolean>`actor_arn = ${arn}`;
  return sql<boolean>`(actor_arn = ${arn} OR (actor_arn >= ${sessions} AND actor_arn < ${`${sessions.slice(0, -1)}0`}))`;
}

/**
 * An address column within a CIDR block: `<<=`, with the block's first and last addresses in inet's
 * order as bounds. Reads run under row-level security, where only a leakproof condition can be an
 * index's, and `>=` and `<=` on inet are, `<<=` not; the bounds are those the planner itself takes.
 */
function withinBlock(column: 'source_ip', block: string) {
  const range = sql`${sourceIpRange(block)}::inet`;
  return sql<boolean>`(${sql.ref(column)} >= network(${range})::inet AND ${sql.ref(column)} <= set_masklen(broadcast(${range}), CASE family(${range}) WHEN 4 THEN 32 ELSE 128 END) AND ${sql.ref(column)} <<= ${range})`;
}

/**
 * The filter's conditions on a query of one account's events: the one reading of a filter, for the
 * log, its live tail and its export. A role's sessions are found by the session ARN every
 * SessionIssued has always carried, so events written before SessionIssued recorded its role's ARN
 * are found too; the session's later events (its expiry, its revocation) are found by its stream.
 */
export function applyAuditFilter(query: EventsQuery, accountId: string, filter: AuditFilter): EventsQuery {
  let narrowed = query;
  if (!eventsCanMatch(filter)) narrowed = narrowed.where(sql<boolean>`false`);
  for (const principal of filterPrincipals(filter)) narrowed = narrowed.where(matchesActor(principal));
  const names = filterNames(filter);
  if (names.length > 0) narrowed = narrowed.where('type', 'in', names);
  if (filter.resourceArn) {
    const resourceArn = filter.resourceArn;
    const sessions = assumedRoleSessionPrefix(resourceArn);
    narrowed = narrowed.where(
      sessions === undefined
        ? sql<boolean>`resource_arn = ${resourceArn}`
        : sql<boolean>`(resource_arn = ${resourceArn} OR stream_id IN (
            SELECT issued.stream_id FROM events issued
            WHERE issued.account_id = ${accountId} AND issued.type = 'SessionIssued' AND starts_with(issued.data->>'principalArn', ${sessions})))`,
    );
  }
  if (filter.sourceIp) narrowed = narrowed.where(withinBlock('source_ip', filter.sourceIp));
  if (filter.from) narrowed = narrowed.where('occurred_at', '>=', filter.from);
  if (filter.to) narrowed = narrowed.where('occurred_at', '<', filter.to);
  return narrowed;
}

export type ApiCallsQuery = SelectQueryBuilder<Database, 'api_calls', ApiCallRow>;

/**
 * Which column a record's principal condition reads: both (the filter's meaning), or one of the two,
 * for a reader that runs the condition as two index scans and merges them (the page query).
 */
export type PrincipalColumns = 'both' | 'principal_arn' | 'caller_arn';

/**
 * The same filter on a query of one account's call records. The principal is the record's
 * principal (a session's role, so a role's ARN finds its sessions' calls) or its caller (a session
 * ARN finds that session's calls); the resource is any of the ARNs the call named.
 */
export function applyApiCallFilter(query: ApiCallsQuery, accountId: string, filter: AuditFilter, principalColumns: PrincipalColumns = 'both'): ApiCallsQuery {
  let narrowed = query;
  const [first, ...more] = filterPrincipals(filter);
  if (first !== undefined) {
    narrowed = narrowed.where(principalColumns === 'both' ? sql<boolean>`(principal_arn = ${first} OR caller_arn = ${first})` : sql<boolean>`${sql.ref(principalColumns)} = ${first}`);
  }
  for (const principal of more) narrowed = narrowed.where(sql<boolean>`(principal_arn = ${principal} OR caller_arn = ${principal})`);
  const names = filterNames(filter);
  if (names.length > 0) narrowed = narrowed.where('operation', 'in', names);
  if (filter.outcomes && filter.outcomes.length > 0) narrowed = narrowed.where('outcome', 'in', filter.outcomes.map(storedOutcome));
  if (filter.errorCodes && filter.errorCodes.length > 0) narrowed = narrowed.where('error_code', 'in', [...filter.errorCodes]);
  // Through api_call_resources (migration 0030), whose `resource_arn =` is leakproof, so an index
  // condition under row-level security (`resource_arns @> …`, the GIN index's, is not).
  if (filter.resourceArn) {
    narrowed = narrowed.where(
      sql<boolean>`(occurred_at, record_id) IN (SELECT named.occurred_at, named.record_id FROM api_call_resources named WHERE named.account_id = ${accountId} AND named.resource_arn = ${filter.resourceArn})`,
    );
  }
  if (filter.sourceIp) narrowed = narrowed.where(withinBlock('source_ip', filter.sourceIp));
  if (filter.from) narrowed = narrowed.where('occurred_at', '>=', filter.from);
  if (filter.to) narrowed = narrowed.where('occurred_at', '<', filter.to);
  return narrowed;
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
