import type { AuditLogEntry } from './audit-log-entry.js';

/**
 * An entry of the audit log as one flat record, the same for an event and a call record: the
 * GraphQL `AuditEvent` type's fields, meaning what they mean there (the fields one kind has not are
 * null on it). The export writes entries so, as NDJSON objects and as CSV rows in this column order.
 */
export interface AuditEntryFields {
  readonly kind: 'EVENT' | 'CALL';
  readonly occurredAt: string;
  /** An event's type; a record's operation. */
  readonly type: string;
  readonly operation: string | null;
  readonly outcome: 'SUCCESS' | 'DENIED' | 'FAILED';
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly readOnly: boolean;
  /** An event's actor; a record's caller. */
  readonly actorArn: string | null;
  readonly principalArn: string | null;
  readonly accessKeyId: string | null;
  readonly sessionId: string | null;
  readonly sourceIdentity: string | null;
  readonly requestId: string | null;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  readonly resourceArn: string | null;
  readonly resourceArns: readonly string[];
  readonly position: string | null;
  readonly streamId: string | null;
  readonly decision: unknown;
  readonly data: unknown;
}

export const AUDIT_ENTRY_FIELDS = [
  'kind',
  'occurredAt',
  'type',
  'operation',
  'outcome',
  'errorCode',
  'errorMessage',
  'readOnly',
  'actorArn',
  'principalArn',
  'accessKeyId',
  'sessionId',
  'sourceIdentity',
  'requestId',
  'sourceIp',
  'userAgent',
  'resourceArn',
  'resourceArns',
  'position',
  'streamId',
  'decision',
  'data',
] as const satisfies readonly (keyof AuditEntryFields)[];

export function auditEntryFields(entry: AuditLogEntry): AuditEntryFields {
  if (entry.kind === 'EVENT') {
    return {
      kind: 'EVENT',
      occurredAt: entry.occurredAt.toISOString(),
      type: entry.type,
      operation: null,
      outcome: 'SUCCESS',
      errorCode: null,
      errorMessage: null,
      readOnly: false,
      actorArn: entry.actorArn,
      principalArn: null,
      accessKeyId: entry.accessKeyId,
      sessionId: entry.sessionId,
      sourceIdentity: null,
      requestId: entry.requestId,
      sourceIp: entry.sourceIp,
      userAgent: entry.userAgent,
      resourceArn: entry.resourceArn,
      resourceArns: entry.resourceArn === null ? [] : [entry.resourceArn],
      position: entry.position,
      streamId: entry.streamId,
      decision: null,
      data: entry.data,
    };
  }
  return {
    kind: 'CALL',
    occurredAt: entry.occurredAt.toISOString(),
    type: entry.operation,
    operation: entry.operation,
    outcome: entry.outcome,
    errorCode: entry.errorCode,
    errorMessage: entry.errorMessage,
    readOnly: entry.readOnly,
    actorArn: entry.callerArn,
    principalArn: entry.principalArn,
    accessKeyId: entry.accessKeyId,
    sessionId: entry.sessionId,
    sourceIdentity: entry.sourceIdentity,
    requestId: entry.requestId,
    sourceIp: entry.sourceIp,
    userAgent: entry.userAgent,
    resourceArn: entry.resourceArns[0] ?? null,
    resourceArns: entry.resourceArns,
    position: null,
    streamId: null,
    decision: entry.decision,
    data: null,
  };
}
