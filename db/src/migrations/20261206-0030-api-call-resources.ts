import { type Kysely, sql } from 'kysely';

/**
 * The resources call records name, one row per (record, resource), for the audit query's resource
 * filter. On `api_calls` it was `resource_arns @> ARRAY[arn]`, the GIN index's operator, which is
 * not leakproof: under row-level security (every read as `warden_app`) the planner may not use it
 * as an index condition, so a resource no call names read the account's every record. Here the
 * filter is `resource_arn = arn` on a b-tree, text equality being leakproof: a page of a resource's
 * records is an index range scan of this table, in page order, then a lookup of each record by its
 * primary key; a resource nobody named reads nothing.
 *
 * Filled by a statement trigger on `api_calls`, from the rows the insert made (its transition
 * table): whoever writes records (the recorder's one insert per batch, a test, an import) leaves
 * the rows here in the same statement, and nobody can forget to. Retention deletes them with their
 * records (`warden_drop_api_call_partitions`, redefined below with that line).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE api_call_resources (
      account_id text NOT NULL,
      resource_arn text NOT NULL,
      occurred_at timestamptz NOT NULL,
      record_id bigint NOT NULL,
      PRIMARY KEY (account_id, resource_arn, occurred_at, record_id)
    )`.execute(db);
  await sql`CREATE INDEX api_call_resources_time ON api_call_resources (occurred_at)`.execute(db);
  await sql`ALTER TABLE api_call_resources ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY account_isolation ON api_call_resources
    USING (account_id = current_setting('warden.account_id', true))
    WITH CHECK (account_id = current_setting('warden.account_id', true))`.execute(db);
  await sql`GRANT SELECT ON api_call_resources TO warden_app`.execute(db);

  await sql`
    CREATE OR REPLACE FUNCTION warden_index_api_call_resources() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      INSERT INTO api_call_resources (account_id, resource_arn, occurred_at, record_id)
      SELECT DISTINCT inserted.account_id, arn, inserted.occurred_at, inserted.record_id
      FROM inserted CROSS JOIN LATERAL unnest(inserted.resource_arns) AS arn;
      RETURN NULL;
    END
    $fn$`.execute(db);
  await sql`
    CREATE TRIGGER api_calls_index_resources AFTER INSERT ON api_calls
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION warden_index_api_call_resources()`.execute(db);

  // The records there already.
  await sql`
    INSERT INTO api_call_resources (account_id, resource_arn, occurred_at, record_id)
    SELECT DISTINCT account_id, arn, occurred_at, record_id FROM api_calls CROSS JOIN LATERAL unnest(resource_arns) AS arn`.execute(db);

  await dropPartitionsFunction(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropPartitionsFunction(db, false);
  await sql`DROP TRIGGER api_calls_index_resources ON api_calls`.execute(db);
  await sql`DROP FUNCTION warden_index_api_call_resources()`.execute(db);
  await sql`DROP TABLE api_call_resources`.execute(db);
}

/** Migration 0024's retention function, which with `resources` also deletes the resource rows of what it drops. */
async function dropPartitionsFunction(db: Kysely<unknown>, resources: boolean): Promise<void> {
  const deleteResources = resources ? sql`DELETE FROM api_call_resources WHERE occurred_at < p_before::timestamp AT TIME ZONE 'UTC';` : sql``;
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
      ${deleteResources}
      RETURN v_dropped;
    END
    $fn$`.execute(db);
}
