import type { Selectable } from 'kysely';

/** The days a principal was allowed an action, with the latest time and Region of each (telemetry, not replayed). */
export interface ActionUsageTable {
  account_id: string;
  /** The user or role: a session's use counts for its role, or its user. */
  principal_arn: string;
  /** `service:Action`, the service prefix in lower case. */
  action: string;
  /** The UTC day (`date`): written as `YYYY-MM-DD`, read through to_char, since drivers turn a date into a local-midnight Date. */
  day: string;
  last_accessed_at: Date;
  region: string;
}

export type ActionUsageRow = Selectable<ActionUsageTable>;
