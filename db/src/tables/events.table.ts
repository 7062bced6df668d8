import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';

/**
 * The append-only event log. `global_position` and `transaction_id` are made by the database;
 * pg returns int8 and xid8 as strings, and they stay strings (compared as numbers only in SQL).
 */
export interface EventsTable {
  global_position: Generated<string>;
  transaction_id: Generated<string>;
  account_id: ColumnType<string, string, never>;
  stream_id: ColumnType<string, string, never>;
  stream_version: ColumnType<number, number, never>;
  type: ColumnType<string, string, never>;
  data: ColumnType<unknown, string, never>;
  metadata: JSONColumnType<EventMetadataRow, string, never>;
  occurred_at: ColumnType<Date, Date, never>;
  schema_version: ColumnType<number, number, never>;
}

export interface EventMetadataRow {
  readonly actorArn?: string;
  readonly accessKeyId?: string;
  readonly sessionId?: string;
  readonly requestId?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** The ARN of the resource the command acted on, for audit queries by resource. */
  readonly resourceArn?: string;
}

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;
