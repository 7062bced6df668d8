import { type Kysely, sql } from 'kysely';

/**
 * The event log and consumer checkpoints. Frozen in time: written against Kysely<unknown>, imports no
 * application code, never changed once landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('global_position', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('transaction_id', sql`xid8`, (col) => col.notNull().defaultTo(sql`pg_current_xact_id()`))
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('stream_id', 'text', (col) => col.notNull())
    .addColumn('stream_version', 'integer', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('data', 'jsonb', (col) => col.notNull())
    .addColumn('metadata', 'jsonb', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .addColumn('schema_version', 'integer', (col) => col.notNull().defaultTo(1))
    .addUniqueConstraint('events_stream_version_unique', ['account_id', 'stream_id', 'stream_version'])
    .execute();
  // Async consumers read in (transaction_id, global_position) order.
  await db.schema.createIndex('events_transaction_order').on('events').columns(['transaction_id', 'global_position']).execute();
  // Audit queries read one account's events newest first.
  await db.schema.createIndex('events_account_position').on('events').columns(['account_id', 'global_position']).execute();

  await db.schema
    .createTable('consumer_checkpoints')
    .addColumn('consumer', 'text', (col) => col.notNull())
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('transaction_id', sql`xid8`, (col) => col.notNull())
    .addColumn('global_position', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('consumer_checkpoints_pk', ['consumer', 'account_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('consumer_checkpoints').execute();
  await db.schema.dropTable('events').execute();
}
