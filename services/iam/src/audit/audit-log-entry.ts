import type { ApiCallRecord } from './api-call-record.js';
import type { AuditEvent } from './audit-event.js';

/** An entry of the audit log: an event (a change that happened) or a call record (a call denied, failed, or a recorded read). */
export type AuditLogEntry = AuditEvent | ApiCallRecord;

/** An entry of a page of the log, with the cursor to ask for the entries after it. */
export interface AuditLogPageEntry {
  readonly cursor: string;
  readonly entry: AuditLogEntry;
}

export function isAuditEvent(entry: AuditLogEntry): entry is AuditEvent {
  return entry.kind === 'EVENT';
}
