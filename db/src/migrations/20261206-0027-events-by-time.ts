import { type Kysely, sql } from 'kysely';

/**
 * The audit log lists events and call records together, newest first by time: each source is read
 * in (occurred_at, id) order and the two are merged. Events were indexed by global position only;
 * these indexes give each events filter that order within the account (by itself, by type, by
 * actor, by resource), as api_calls' indexes do for records (migration 0024).
 *
 * `warden_inet_or_null` reads an event's recorded source address as an inet for the source-IP
 * filter, and anything that is not an address as null, so that one odd row cannot fail a query.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX events_account_time ON events (account_id, occurred_at, global_position)`.execute(db);
  await sql`CREATE INDEX events_account_type_time ON events (account_id, type, occurred_at, global_position)`.execute(db);
  await sql`CREATE INDEX events_account_actor_time ON events (account_id, (metadata->>'actorArn'), occurred_at, global_position)`.execute(db);
  await sql`CREATE INDEX events_account_resource_time ON events (account_id, (metadata->>'resourceArn'), occurred_at, global_position)`.execute(db);
  await sql`
    CREATE FUNCTION warden_inet_or_null(p_text text) RETURNS inet
    LANGUAGE plpgsql IMMUTABLE AS $fn$
    BEGIN
      RETURN p_text::inet;
    EXCEPTION WHEN others THEN
      RETURN NULL;
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION warden_inet_or_null(text)`.execute(db);
  for (const index of ['events_account_resource_time', 'events_account_actor_time', 'events_account_type_time', 'events_account_time']) await sql`DROP INDEX ${sql.id(index)}`.execute(db);
}
