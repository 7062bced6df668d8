import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** One API call that is not a change in the event log: a denied or failed call, or a recorded read (migration 0024). */
export interface ApiCallsTable {
  account_id: ColumnType<string, string, never>;
  /** Made by the database; int8, so a string. */
  record_id: Generated<string>;
  /** The writing transaction, for the live tail's gap-free commit order; xid8, so a string. */
  transaction_id: Generated<string>;
  occurred_at: ColumnType<Date, Date, never>;
  request_id: ColumnType<string | null, string | null | undefined, never>;
  /** The action the call asked for, as IAM names it: `iam:CreateUser`, `sts:AssumeRole`, `warden:GetAuditEvents`. */
  operation: ColumnType<string, string, never>;
  read_only: ColumnType<boolean, boolean, never>;
  outcome: ColumnType<ApiCallOutcome, ApiCallOutcome, never>;
  /** The typed error's code (`AccessDenied`, `NoSuchEntity`…); null on success. */
  error_code: ColumnType<string | null, string | null | undefined, never>;
  error_message: ColumnType<string | null, string | null | undefined, never>;
  /** For a denial: why, with the deciding statements' summary (never the policy text). */
  decision: ColumnType<unknown, string | null | undefined, never>;
  caller_arn: ColumnType<string, string, never>;
  /** The IAM principal behind the caller: a session's role or user ARN, else the caller's own ARN. */
  principal_arn: ColumnType<string, string, never>;
  access_key_id: ColumnType<string | null, string | null | undefined, never>;
  session_id: ColumnType<string | null, string | null | undefined, never>;
  source_identity: ColumnType<string | null, string | null | undefined, never>;
  source_ip: ColumnType<string | null, string | null | undefined, never>;
  user_agent: ColumnType<string | null, string | null | undefined, never>;
  resource_arns: ColumnType<string[], string[] | undefined, never>;
}

export type ApiCallOutcome = 'success' | 'denied' | 'failed';
export type ApiCallRow = Selectable<ApiCallsTable>;
export type NewApiCallRow = Insertable<ApiCallsTable>;
