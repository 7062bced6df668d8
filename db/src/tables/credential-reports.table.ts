import type { Selectable } from 'kysely';

export type CredentialReportState = 'in-progress' | 'complete';

/** Each account's latest credential report: derived data, overwritten, not an event and not replayed. */
export interface CredentialReportsTable {
  account_id: string;
  /** in-progress from the moment a generation starts (started_at) until it stores its content. */
  state: CredentialReportState;
  started_at: Date;
  /** When the report's snapshot was read; null while in progress. */
  generated_at: Date | null;
  /** The CSV; null while in progress. */
  content: string | null;
}

export type CredentialReportRow = Selectable<CredentialReportsTable>;
