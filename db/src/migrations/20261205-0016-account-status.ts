import { type Kysely, sql } from 'kysely';

/**
 * An account's lifecycle: ACTIVE until the management account closes it, then CLOSED with the time
 * it was closed. A closed account's rows stay (its data is kept for audit); only its status says
 * that its credentials are refused. Every existing account is active.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('ACTIVE'))
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await sql`ALTER TABLE accounts ADD CONSTRAINT accounts_status_check CHECK (status IN ('ACTIVE', 'CLOSED'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE accounts DROP CONSTRAINT accounts_status_check`.execute(db);
  await db.schema.alterTable('accounts').dropColumn('closed_at').dropColumn('status').execute();
}
