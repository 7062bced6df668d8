import type { Selectable } from 'kysely';

/** How far an async consumer has read, per account: a (transaction_id, global_position) cursor. */
export interface ConsumerCheckpointsTable {
  consumer: string;
  account_id: string;
  transaction_id: string;
  global_position: string;
  updated_at: Date;
}

export type ConsumerCheckpointRow = Selectable<ConsumerCheckpointsTable>;
