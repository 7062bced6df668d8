import type { ApiCallRow } from '@warden/db';

/** How a call ended: every event is a successful change; a record is a denied or failed call, or a recorded read. */
export type AuditOutcome = 'SUCCESS' | 'DENIED' | 'FAILED';

/** A call that is not a change in the event log: a denied or failed call, or a read the account records (CloudTrail's management events). */
export interface ApiCallRecord {
  readonly kind: 'CALL';
  /** The record's id, as a decimal string (an int8): unique, not a position in the event log. */
  readonly recordId: string;
  /** The action the call asked for, as IAM names it: `iam:CreateUser`, `sts:AssumeRole`… */
  readonly operation: string;
  readonly occurredAt: Date;
  readonly readOnly: boolean;
  readonly outcome: AuditOutcome;
  /** The typed error's code (`AccessDenied`, `NoSuchEntity`…); null on success. */
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** For a denial: why, as the writer summarised it (never the policy text). */
  readonly decision: unknown;
  /** Who called: a user's ARN, or an assumed-role session's. */
  readonly callerArn: string;
  /** The IAM principal behind the caller: a session's role (or user), else the caller itself. */
  readonly principalArn: string;
  readonly accessKeyId: string | null;
  readonly sessionId: string | null;
  readonly sourceIdentity: string | null;
  readonly requestId: string | null;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  readonly resourceArns: readonly string[];
}

const OUTCOMES: Readonly<Record<ApiCallRow['outcome'], AuditOutcome>> = { success: 'SUCCESS', denied: 'DENIED', failed: 'FAILED' };
const STORED_OUTCOMES: Readonly<Record<AuditOutcome, ApiCallRow['outcome']>> = { SUCCESS: 'success', DENIED: 'denied', FAILED: 'failed' };

/** The stored spelling of an outcome (the table's check constraint). */
export function storedOutcome(outcome: AuditOutcome): ApiCallRow['outcome'] {
  return STORED_OUTCOMES[outcome];
}

export function toApiCallRecord(row: ApiCallRow): ApiCallRecord {
  return {
    kind: 'CALL',
    recordId: String(row.record_id),
    operation: row.operation,
    occurredAt: row.occurred_at,
    readOnly: row.read_only,
    outcome: OUTCOMES[row.outcome],
    errorCode: row.error_code,
    errorMessage: row.error_message,
    decision: row.decision ?? null,
    callerArn: row.caller_arn,
    principalArn: row.principal_arn,
    accessKeyId: row.access_key_id,
    sessionId: row.session_id,
    sourceIdentity: row.source_identity,
    requestId: row.request_id,
    sourceIp: row.source_ip === null ? null : String(row.source_ip),
    userAgent: row.user_agent,
    resourceArns: row.resource_arns,
  };
}
