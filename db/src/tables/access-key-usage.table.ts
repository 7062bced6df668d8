import type { Selectable } from 'kysely';

/** Last use of each access key (telemetry: written directly, not an event, not replayed). */
export interface AccessKeyUsageTable {
  account_id: string;
  access_key_id: string;
  last_used_at: Date;
  last_used_action: string;
}

export type AccessKeyUsageRow = Selectable<AccessKeyUsageTable>;
