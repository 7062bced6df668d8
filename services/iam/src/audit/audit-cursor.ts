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
