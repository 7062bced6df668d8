import type { ConsumerCursor } from '@warden/db';
import { InvalidInputError } from '../kernel/iam-error.js';
import type { AuditEvent } from './audit-event.js';

const CURSOR = /^(\d{1,20}):(\d{1,19})$/;

/**
 * A cursor as clients of the live tail and the export hold it: the transaction and the position of
 * the last event they received, in the gap-free reader's order.
 */
export function encodeAuditCursor(cursor: ConsumerCursor): string {
  return `${cursor.transactionId}:${cursor.globalPosition}`;
}

export function decodeAuditCursor(text: string): ConsumerCursor {
  const match = CURSOR.exec(text);
  if (!match || BigInt(match[1]!) >= 2n ** 64n || BigInt(match[2]!) >= 2n ** 63n) throw new InvalidInputError('The cursor is not valid: resume with the cursor of the last entry received.');
  return { transactionId: match[1]!, globalPosition: match[2]! };
}

/** An entry of the audit log as the live tail and the export hand it out: the event, and the cursor to resume after it. */
export interface AuditEntry {
  readonly cursor: string;
  readonly event: AuditEvent;
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
  if (!match || BigInt(match[3]!) >= 2n ** 63n || Number.isNaN(Date.parse(match[1]!))) throw invalid();
  const key: AuditLogKey = { occurredAt: match[1]!, kind: match[2] === 'E' ? 'EVENT' : 'CALL', id: match[3]! };
  // One text per key: what does not encode back to itself was not made here.
  if (encodeAuditLogCursor(key) !== text) throw invalid();
  return key;
}

/** Newest first: negative when `a` comes before `b` in the log. */
export function compareAuditLogKeys(a: AuditLogKey, b: AuditLogKey): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt > b.occurredAt ? -1 : 1;
  if (a.kind !== b.kind) return a.kind === 'EVENT' ? -1 : 1;
  const [x, y] = [BigInt(a.id), BigInt(b.id)];
  return x === y ? 0 : x > y ? -1 : 1;
}
