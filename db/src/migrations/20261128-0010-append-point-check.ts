import { type Kysely, sql } from 'kysely';

/**
 * `warden_append` checks the expected version with one index probe instead of reading the stream's
 * highest version: the row at the expected version must exist (no gap), and the unique constraint on
 * (account, stream, version) refuses a version already taken (a stale writer), which the caller
 * reports as a ConcurrencyError. Together they are the same check as before, and cheaper (the
 * appends per second before and after are in docs/performance.md).
 * A refused gap still reports the stream's actual version; a stale writer's actual version is not
 * known without a second read, so it is not reported.
 */
/** The function, with `check` as its expected-version check. */
function appendFunction(check: string) {
  return sql`
    CREATE OR REPLACE FUNCTION warden_append(
      p_account_id text, p_stream_id text, p_expected_version integer, p_types text[], p_data jsonb[],
      p_schema_versions integer[], p_metadata jsonb, p_occurred_at timestamptz, p_lock_keys text[]
    ) RETURNS TABLE (global_position bigint, transaction_id xid8, stream_version integer)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_key text;
      v_actual integer;
    BEGIN
      -- A transaction bound to one account cannot append to another (nor rebind itself to it).
      IF coalesce(current_setting('warden.account_id', true), '') NOT IN ('', p_account_id) THEN
        RAISE EXCEPTION 'warden: a transaction bound to account % cannot append to account %', current_setting('warden.account_id', true), p_account_id
          USING ERRCODE = '42501';
      END IF;
      PERFORM set_config('role', 'warden_app', true);
      PERFORM set_config('warden.account_id', p_account_id, true);
      FOREACH v_key IN ARRAY p_lock_keys LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended(v_key, 0));
      END LOOP;
      ${sql.raw(check)}
      RETURN QUERY
        INSERT INTO events AS e (account_id, stream_id, stream_version, type, data, metadata, occurred_at, schema_version)
        SELECT p_account_id, p_stream_id, p_expected_version + i, p_types[i], p_data[i], p_metadata, p_occurred_at, p_schema_versions[i]
        FROM generate_subscripts(p_types, 1) AS i
        ORDER BY i
        RETURNING e.global_position, e.transaction_id, e.stream_version;
    END
    $fn$`;
}

const POINT_CHECK = `
      IF p_expected_version >= 0 AND NOT EXISTS (
        SELECT 1 FROM events e WHERE e.account_id = p_account_id AND e.stream_id = p_stream_id AND e.stream_version = p_expected_version
      ) THEN
        SELECT coalesce(max(e.stream_version), -1) INTO v_actual FROM events e WHERE e.account_id = p_account_id AND e.stream_id = p_stream_id;
        RAISE EXCEPTION 'warden: expected version % of %, found %', p_expected_version, p_stream_id, v_actual
          USING ERRCODE = '40001', DETAIL = v_actual::text;
      END IF;`;

/** 0007's check: the stream's highest version, read every time. */
const MAX_CHECK = `
      SELECT coalesce(max(e.stream_version), -1) INTO v_actual FROM events e WHERE e.account_id = p_account_id AND e.stream_id = p_stream_id;
      IF v_actual <> p_expected_version THEN
        RAISE EXCEPTION 'warden: expected version % of %, found %', p_expected_version, p_stream_id, v_actual
          USING ERRCODE = '40001', DETAIL = v_actual::text;
      END IF;`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await appendFunction(POINT_CHECK).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await appendFunction(MAX_CHECK).execute(db);
}
