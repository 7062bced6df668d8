import { InvalidInputError } from '../kernel/iam-error.js';
import type { AuditLogEntry } from './audit-log-entry.js';

/**
 * Where an entry stands in the live tail's order, the consumers' gap-free order over both sources:
 * by the transaction that wrote it (events and call records take their transaction ids from the
 * one counter), then an event before a record of the same transaction, then by id (an event's
 * global position, a record's id), smaller first. A reader that reads below the commit horizon in
 * this order never passes an entry that is still to commit (docs/architecture.md).
 */
export interface CommitOrderKey {
  /** A decimal xid8. */
  readonly transactionId: string;
  readonly kind: 'EVENT' | 'CALL';
  /** A decimal int8. */
  readonly id: string;
}

const COMMIT_KEY = /^(\d{1,20})\|([EC])\|(\d{1,19})$/;
const MAX_INT8 = '9223372036854775807';

/** The cursor of a live-tail or export entry: its commit-order key, base64url; opaque to clients. */
export function encodeCommitOrderCursor(key: CommitOrderKey): string {
  return Buffer.from(`${key.transactionId}|${key.kind === 'EVENT' ? 'E' : 'C'}|${key.id}`, 'utf8').toString('base64url');
}

export function decodeCommitOrderCursor(text: string): CommitOrderKey {
  const invalid = () => new InvalidInputError('The cursor is not valid: resume with the cursor of the last entry received.');
  if (!/^[A-Za-z0-9_-]{1,60}$/.test(text)) throw invalid();
  const match = COMMIT_KEY.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match || BigInt(match[1]!) >= 2n ** 64n || BigInt(match[3]!) >= 2n ** 63n) throw invalid();
  const key: CommitOrderKey = { transactionId: String(BigInt(match[1]!)), kind: match[2] === 'E' ? 'EVENT' : 'CALL', id: String(BigInt(match[3]!)) };
  // One text per key: what does not encode back to itself was not made here.
  if (encodeCommitOrderCursor(key) !== text) throw invalid();
  return key;
}

/** Oldest first: negative when `a` comes before `b` in commit order. */
export function compareCommitOrderKeys(a: CommitOrderKey, b: CommitOrderKey): number {
  if (a.transactionId !== b.transactionId) return BigInt(a.transactionId) < BigInt(b.transactionId) ? -1 : 1;
  if (a.kind !== b.kind) return a.kind === 'EVENT' ? -1 : 1;
  const [x, y] = [BigInt(a.id), BigInt(b.id)];
  return x === y ? 0 : x < y ? -1 : 1;
}

/**
 * The key just below a commit horizon: after every entry of a transaction below it (its last
 * record included), before every entry of a transaction at or above it.
 */
export function commitOrderKeyBelow(horizon: string): CommitOrderKey {
  return { transactionId: String(BigInt(horizon) - 1n), kind: 'CALL', id: MAX_INT8 };
}

/**
 * An entry of the audit log as the live tail and the export hand it out: the event or the call
 * record, and the cursor to resume after it.
 */
export interface AuditEntry {
  readonly cursor: string;
  readonly event: AuditLogEntry;
}

/**
 * Where an entry stands in the audit log's newest-first order, which merges the events and the call
 * records: by time (to the microsecond, as stored), then an event before a record of the same
 * instant, then by id (an event's global position, a record's id), greater first. Events are
 * ordered by their time like records, not by their position: two events of different transactions
 * can have positions in the opposite order to their times (a transaction that began first may
 * commit later), so the log lists them by time, as CloudTrail does.
 */
export interface AuditLogKey {
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ`, UTC: compares as text in time order. */
  readonly occurredAt: string;
  readonly kind: 'EVENT' | 'CALL';
  /** A decimal int8. */
  readonly id: string;
}

const LOG_KEY = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|([EC])\|(\d{1,19})$/;

/** The page cursor of `auditEvents`: the entry's key, base64url; opaque to clients. */
export function encodeAuditLogCursor(key: AuditLogKey): string {
  return Buffer.from(`${key.occurredAt}|${key.kind === 'EVENT' ? 'E' : 'C'}|${key.id}`, 'utf8').toString('base64url');
}

export function decodeAuditLogCursor(text: string): AuditLogKey {
  const invalid = () => new InvalidInputError('The cursor is not valid: give the cursor of an entry of a previous page.');
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(text)) throw invalid();
  const match = LOG_KEY.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match || BigInt(match[3]!) >= 2n ** 63n || !isCalendarInstant(match[1]!)) throw invalid();
  const key: AuditLogKey = { occurredAt: match[1]!, kind: match[2] === 'E' ? 'EVENT' : 'CALL', id: String(BigInt(match[3]!)) };
  // One text per key: what does not encode back to itself was not made here.
  if (encodeAuditLogCursor(key) !== text) throw invalid();
  return key;
}

/** Whether the time names a real instant as written: `Date.parse` rolls 30 February over to March, and takes 24:00. */
function isCalendarInstant(occurredAt: string): boolean {
  const ms = Date.parse(occurredAt);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === occurredAt.slice(0, 19);
}

/** Newest first: negative when `a` comes before `b` in the log. */
export function compareAuditLogKeys(a: AuditLogKey, b: AuditLogKey): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt > b.occurredAt ? -1 : 1;
  if (a.kind !== b.kind) return a.kind === 'EVENT' ? -1 : 1;
  const [x, y] = [BigInt(a.id), BigInt(b.id)];
  return x === y ? 0 : x > y ? -1 : 1;
}
