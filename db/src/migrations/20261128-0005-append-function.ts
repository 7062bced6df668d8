import { type Kysely, sql } from 'kysely';

/**
 * `warden_append`: one statement that binds the transaction to the account (row-level security),
 * takes the advisory locks, checks the expected version and inserts the events, so an append costs
 * one round trip instead of four. It raises SQLSTATE 40001 with the actual version on a mismatch.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION warden_append(
      p_account_id text, p_stream_id text, p_expected_version integer, p_types text[], p_data jsonb[],
      p_schema_versions integer[], p_metadata jsonb, p_occurred_at timestamptz, p_lock_keys text[]
    ) RETURNS TABLE (global_position bigint, transaction_id xid8, stream_version integer)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_key text;
      v_actual integer;
    BEGIN
      PERFORM set_config('role', 'warden_app', true);
      PERFORM set_config('warden.account_id', p_account_id, true);
      FOREACH v_key IN ARRAY p_lock_keys LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended(v_key, 0));
      END LOOP;
      SELECT coalesce(max(e.stream_version), -1) INTO v_actual FROM events e WHERE e.account_id = p_account_id AND e.stream_id = p_stream_id;
      IF v_actual <> p_expected_version THEN
        RAISE EXCEPTION 'warden: expected version % of %, found %', p_expected_version, p_stream_id, v_actual
          USING ERRCODE = '40001', DETAIL = v_actual::text;
      END IF;
      RETURN QUERY
        INSERT INTO events AS e (account_id, stream_id, stream_version, type, data, metadata, occurred_at, schema_version)
        SELECT p_account_id, p_stream_id, p_expected_version + i, p_types[i], p_data[i], p_metadata, p_occurred_at, p_schema_versions[i]
        FROM generate_subscripts(p_types, 1) AS i
        ORDER BY i
        RETURNING e.global_position, e.transaction_id, e.stream_version;
    END
    $fn$`.execute(db);
  await sql`GRANT EXECUTE ON FUNCTION warden_append(text, text, integer, text[], jsonb[], integer[], jsonb, timestamptz, text[]) TO warden_app`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION warden_append(text, text, integer, text[], jsonb[], integer[], jsonb, timestamptz, text[])`.execute(db);
}
