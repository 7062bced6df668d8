import type { Database } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import { type ApiCallRecord, toApiCallRecord } from './api-call-record.js';
import { type AuditLogKey, type CommitOrderKey, compareAuditLogKeys } from './audit-cursor.js';
import { type AuditFilter, applyApiCallFilter, filterPrincipals, type PrincipalColumns } from './audit-event-repository.js';

/** A record and its place in the log's order. */
export interface KeyedApiCallRecord {
  readonly key: AuditLogKey;
  readonly record: ApiCallRecord;
}

/** A row's time as the cursor keeps it: UTC, to the microsecond the column holds. */
export const OCCURRED_KEY = sql<string>`to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The account's newest records that pass the filter and come after `after` in the log's order, at
 * most `limit`: an index range scan per filter, since every index of api_calls ends in the page
 * order (occurred_at, record_id). The principal condition is two conditions, on the record's
 * principal and on its caller, each with its own index: read as two scans in page order and merged
 * (one OR would read every matching row and sort them).
 */
export async function findApiCallPage(db: Kysely<Database>, accountId: string, filter: AuditFilter, after: AuditLogKey | null, limit: number): Promise<KeyedApiCallRecord[]> {
  const branches: PrincipalColumns[] = filterPrincipals(filter).length > 0 ? ['principal_arn', 'caller_arn'] : ['both'];
  const pages = await Promise.all(branches.map((columns) => readBranch(db, accountId, filter, columns, after, limit)));
  if (pages.length === 1) return pages[0]!;
  const seen = new Set<string>();
  return pages
    .flat()
    .sort((a, b) => compareAuditLogKeys(a.key, b.key))
    .filter(({ key }) => !seen.has(key.id) && (seen.add(key.id), true))
    .slice(0, limit);
}

async function readBranch(db: Kysely<Database>, accountId: string, filter: AuditFilter, columns: PrincipalColumns, after: AuditLogKey | null, limit: number): Promise<KeyedApiCallRecord[]> {
  let query = applyApiCallFilter(db.selectFrom('api_calls').selectAll().where('account_id', '=', accountId), accountId, filter, columns);
  if (after !== null) {
    // Records of the cursor's instant follow its event, so after an event they are all still to come.
    query = query.where(
      after.kind === 'EVENT' ? sql<boolean>`occurred_at <= ${after.occurredAt}::timestamptz` : sql<boolean>`(occurred_at, record_id) < (${after.occurredAt}::timestamptz, ${after.id}::bigint)`,
    );
  }
  const rows = await query.select(OCCURRED_KEY.as('occurred_key')).orderBy('occurred_at', 'desc').orderBy('record_id', 'desc').limit(limit).execute();
  return rows.map((row) => ({ key: { occurredAt: row.occurred_key, kind: 'CALL', id: String(row.record_id) }, record: toApiCallRecord(row) }));
}

/**
 * The account's records after `after` and below `horizon` that pass the filter, in commit order
 * (transaction, then record id; `api_calls_commit_order`): the records' half of the live tail's
 * gap-free read. A record's transaction id is its insert's, so the consumers' horizon rule holds for
 * records as for events: below the horizon every transaction has ended, and what it wrote is final.
 */
export async function readApiCallsInCommitOrder(
  db: Kysely<Database>,
  accountId: string,
  filter: AuditFilter,
  after: CommitOrderKey,
  horizon: string,
  limit: number,
): Promise<KeyedApiCallRecordInCommitOrder[]> {
  // Every record of the cursor's transaction follows its events; after a record, the later ones of its transaction.
  const position =
    after.kind === 'EVENT' ? sql<boolean>`transaction_id >= ${after.transactionId}::xid8` : sql<boolean>`(transaction_id, record_id) > (${after.transactionId}::xid8, ${after.id}::bigint)`;
  const rows = await applyApiCallFilter(db.selectFrom('api_calls').selectAll().where('account_id', '=', accountId), accountId, filter)
    .where(position)
    .where(sql<boolean>`transaction_id < ${horizon}::xid8`)
    .orderBy('transaction_id')
    .orderBy('record_id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ key: { transactionId: String(row.transaction_id), kind: 'CALL', id: String(row.record_id) }, record: toApiCallRecord(row) }));
}

/** A record and its place in the commit order. */
export interface KeyedApiCallRecordInCommitOrder {
  readonly key: CommitOrderKey;
  readonly record: ApiCallRecord;
}
