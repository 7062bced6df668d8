import { type Kysely, sql } from 'kysely';
import * as appendPointCheck from './20261128-0010-append-point-check.js';

/**
 * The append becomes one prepared statement (event-store.ts) instead of the plpgsql `warden_append`,
 * whose call and statements cost the database far more per append than the one statement does
 * (pgbench figures in docs/performance.md). The statement refuses what the function refused
 * through `warden_refuse`, which raises the given SQLSTATE (it is called only on a refusing branch).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION warden_refuse(p_sqlstate text, p_message text) RETURNS text
    LANGUAGE plpgsql AS $fn$
    BEGIN
      RAISE EXCEPTION USING ERRCODE = p_sqlstate, MESSAGE = p_message;
    END
    $fn$`.execute(db);
  await sql`GRANT EXECUTE ON FUNCTION warden_refuse(text, text) TO warden_app`.execute(db);
  await sql`DROP FUNCTION warden_append(text, text, integer, text[], jsonb[], integer[], jsonb, timestamptz, text[])`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await appendPointCheck.up(db);
  await sql`GRANT EXECUTE ON FUNCTION warden_append(text, text, integer, text[], jsonb[], integer[], jsonb, timestamptz, text[]) TO warden_app`.execute(db);
  await sql`DROP FUNCTION warden_refuse(text, text)`.execute(db);
}
