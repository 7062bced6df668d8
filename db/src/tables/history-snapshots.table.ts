import type { ColumnType, Generated, JSONColumnType, Selectable } from 'kysely';

/**
 * An account's IAM state folded up to `global_position` (its `event_count`-th event), derived from
 * the events and rebuildable. int8 comes back from pg as a string and stays one.
 */
export interface HistorySnapshotsTable {
  account_id: ColumnType<string, string, never>;
  global_position: ColumnType<string, string, never>;
  event_count: ColumnType<number, number, never>;
  /** The latest occurred_at of the events up to the position: the snapshot serves instants from it on. */
  max_occurred_at: ColumnType<Date, Date, never>;
  state: JSONColumnType<object, string, never>;
  taken_at: Generated<Date>;
}

export type HistorySnapshotRow = Selectable<HistorySnapshotsTable>;
