import { type Kysely, sql } from 'kysely';

/**
 * The call records: one row per API call that is not already in the event log as a change, as
 * CloudTrail records management events. Denied and failed calls are always recorded; successful
 * reads when the account opts in (`accounts.record_read_calls`); successful mutations are the
 * events themselves. Not IAM state: written after the call, in batches, by the store's owner (one
 * insert may carry many accounts' rows), read through row-level security like the read models.
 *
 * Partitioned by day on `occurred_at`, so that retention drops whole partitions instead of deleting
 * rows. `warden_prepare_api_call_partitions` makes the days ahead (the maintenance job calls it
 * daily); the default partition takes a row whose day has none, and retention deletes from it.
 * `transaction_id` lets the live tail read records gap-free in commit order, as it reads events.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SEQUENCE api_calls_record_id_seq AS bigint`.execute(db);
  await sql`
    CREATE TABLE api_calls (
      account_id text NOT NULL,
      record_id bigint NOT NULL DEFAULT nextval('api_calls_record_id_seq'),
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      occurred_at timestamptz NOT NULL,
      request_id text,
      operation text NOT NULL,
      read_only boolean NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('success', 'denied', 'failed')),
      error_code text,
      error_message text,
      decision jsonb,
      caller_arn text NOT NULL,
      principal_arn text NOT NULL,
      access_key_id text,
      session_id text,
      source_identity text,
      source_ip inet,
      user_agent text,
      resource_arns text[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (account_id, occurred_at, record_id)
    ) PARTITION BY RANGE (occurred_at)`.execute(db);

  // One index per filter, each ending in the page order (occurred_at, record_id), so that a filtered
  // page newest first is an index range scan whatever the account's size.
  await sql`CREATE INDEX api_calls_principal ON api_calls (account_id, principal_arn, occurred_at, record_id)`.execute(db);
  await sql`CREATE INDEX api_calls_caller ON api_calls (account_id, caller_arn, occurred_at, record_id)`.execute(db);
  await sql`CREATE INDEX api_calls_operation ON api_calls (account_id, operation, occurred_at, record_id)`.execute(db);
  await sql`CREATE INDEX api_calls_outcome ON api_calls (account_id, outcome, occurred_at, record_id)`.execute(db);
  await sql`CREATE INDEX api_calls_error_code ON api_calls (account_id, error_code, occurred_at, record_id) WHERE error_code IS NOT NULL`.execute(db);
  await sql`CREATE INDEX api_calls_source_ip ON api_calls (account_id, source_ip, occurred_at, record_id)`.execute(db);
  await sql`CREATE INDEX api_calls_resources ON api_calls USING gin (resource_arns)`.execute(db);
  await sql`CREATE INDEX api_calls_commit_order ON api_calls (account_id, transaction_id, record_id)`.execute(db);

  // A partition is read through its parent, whose policy applies; each also carries the policy itself,
  // so that a grant on a partition alone could not bypass the account's isolation.
  await sql`
    CREATE OR REPLACE FUNCTION warden_guard_api_call_partition(p_name text) RETURNS void
    LANGUAGE plpgsql AS $fn$
    BEGIN
      EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', p_name);
      EXECUTE format($p$CREATE POLICY account_isolation ON %I USING (account_id = current_setting('warden.account_id', true)) WITH CHECK (account_id = current_setting('warden.account_id', true))$p$, p_name);
    END
    $fn$`.execute(db);
  await sql`CREATE TABLE api_calls_default PARTITION OF api_calls DEFAULT`.execute(db);
  await sql`SELECT warden_guard_api_call_partition('api_calls_default')`.execute(db);

  // Makes the daily partitions of [p_from, p_from + p_days) that do not exist yet, named api_calls_YYYYMMDD.
  await sql`
    CREATE OR REPLACE FUNCTION warden_prepare_api_call_partitions(p_from date, p_days integer) RETURNS integer
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_day date;
      v_made integer := 0;
      v_name text;
    BEGIN
      FOR i IN 0 .. p_days - 1 LOOP
        v_day := p_from + i;
        v_name := 'api_calls_' || to_char(v_day, 'YYYYMMDD');
        IF to_regclass(v_name) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF api_calls FOR VALUES FROM (%L) TO (%L)', v_name, v_day::timestamp AT TIME ZONE 'UTC', (v_day + 1)::timestamp AT TIME ZONE 'UTC');
          PERFORM warden_guard_api_call_partition(v_name);
          v_made := v_made + 1;
        END IF;
      END LOOP;
      RETURN v_made;
    END
    $fn$`.execute(db);
  // Retention: drops the daily partitions wholly before p_before, and deletes the default partition's older rows.
  await sql`
    CREATE OR REPLACE FUNCTION warden_drop_api_call_partitions(p_before date) RETURNS integer
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_partition record;
      v_dropped integer := 0;
    BEGIN
      FOR v_partition IN
        SELECT child.relname AS name
        FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
        WHERE parent.relname = 'api_calls' AND child.relname ~ '^api_calls_[0-9]{8}$' AND to_date(substr(child.relname, 11), 'YYYYMMDD') < p_before
      LOOP
        EXECUTE format('DROP TABLE %I', v_partition.name);
        v_dropped := v_dropped + 1;
      END LOOP;
      DELETE FROM api_calls_default WHERE occurred_at < p_before::timestamp AT TIME ZONE 'UTC';
      RETURN v_dropped;
    END
    $fn$`.execute(db);
  // Partitions for yesterday through a week ahead, in UTC days, so that the first rows do not land in the default.
  await sql`SELECT warden_prepare_api_call_partitions((now() AT TIME ZONE 'UTC')::date - 1, 9)`.execute(db);

  await sql`ALTER TABLE api_calls ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY account_isolation ON api_calls
    USING (account_id = current_setting('warden.account_id', true))
    WITH CHECK (account_id = current_setting('warden.account_id', true))`.execute(db);
  await sql`GRANT SELECT ON api_calls TO warden_app`.execute(db);

  // Successful reads are recorded only for an account that asks (AWS's read events are opt-in too).
  await sql`ALTER TABLE accounts ADD COLUMN record_read_calls boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE accounts DROP COLUMN record_read_calls`.execute(db);
  await sql`DROP TABLE api_calls`.execute(db);
  await sql`DROP FUNCTION warden_prepare_api_call_partitions(date, integer)`.execute(db);
  await sql`DROP FUNCTION warden_drop_api_call_partitions(date)`.execute(db);
  await sql`DROP FUNCTION warden_guard_api_call_partition(text)`.execute(db);
  await sql`DROP SEQUENCE api_calls_record_id_seq`.execute(db);
}
