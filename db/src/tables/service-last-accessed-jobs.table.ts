import type { ColumnType, Selectable } from 'kysely';

export type ServiceLastAccessedJobStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

/** The Access Advisor reports an account generated, by job id (derived data, not replayed). */
export interface ServiceLastAccessedJobsTable {
  account_id: string;
  job_id: string;
  entity_arn: string;
  granularity: 'SERVICE_LEVEL' | 'ACTION_LEVEL';
  status: ServiceLastAccessedJobStatus;
  created_at: Date;
  completed_at: Date | null;
  /** The report's services as JSON; null unless COMPLETED. */
  report: ColumnType<unknown, string | null, string | null>;
  error: string | null;
}

export type ServiceLastAccessedJobRow = Selectable<ServiceLastAccessedJobsTable>;
