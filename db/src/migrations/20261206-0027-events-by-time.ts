import { type Kysely, sql } from 'kysely';

/** A decimal octet, 0 to 255, without leading zeros. */
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = `${OCTET}(?:\\.${OCTET}){3}`;
const GROUP = '[0-9A-Fa-f]{1,4}';

/**
 * The text forms of an IPv6 address (RFC 4291, 2.2): eight groups, or fewer around one `::`, the
 * last two possibly as a dotted IPv4 address. `left` groups before the `::`, up to what remains after it.
 */
function ipv6Pattern(): string {
  const groups = (count: number) => (count === 0 ? '' : `${GROUP}(?::${GROUP}){${count - 1}}`);
  const forms = [`(?:${GROUP}:){7}${GROUP}`, `(?:${GROUP}:){6}${IPV4}`];
  for (let left = 0; left <= 7; left++) {
    forms.push(`${groups(left)}::${left < 7 ? `(?:${GROUP}(?::${GROUP}){0,${6 - left}})?` : ''}`);
    if (left <= 5) forms.push(`${groups(left)}::(?:${GROUP}:){0,${5 - left}}${IPV4}`);
  }
  return forms.join('|');
}

/**
 * The audit log lists events and call records together, newest first by time: each source is read
 * in (occurred_at, id) order and the two are merged. Events were indexed by global position only;
 * these indexes give each events filter that order within the account (by itself, by type, by
 * actor, by resource, by source address), as api_calls' indexes do for records (migration 0024).
 *
 * The actor, the resource and the source address are columns computed from the metadata, not
 * expressions over it: reads run under row-level security, where a condition can be an index's
 * only if its functions are leakproof, and `->>` is not (`=` and `<` on text and inet are). Adding
 * them rewrites the events table once. The actor's is in byte order (COLLATE "C"), so that a role's
 * sessions, whose ARNs share a prefix, are one range of its index.
 *
 * `warden_inet_or_null` reads an event's recorded source address as an inet, and anything that is
 * not an address in a form inet reads as null, so that one odd row cannot fail an append. It
 * decides by the text's form, not by trying the cast: an exception handler would open a
 * subtransaction for each event appended.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION warden_inet_or_null(p_text text) RETURNS inet
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
      SELECT CASE WHEN p_text ~ ${sql.lit(`^(?:${IPV4}|${ipv6Pattern()})$`)} THEN p_text::inet END
    $fn$`.execute(db);
  await sql`
    ALTER TABLE events
      ADD COLUMN actor_arn text COLLATE "C" GENERATED ALWAYS AS (metadata->>'actorArn') STORED,
      ADD COLUMN resource_arn text GENERATED ALWAYS AS (metadata->>'resourceArn') STORED,
      ADD COLUMN source_ip inet GENERATED ALWAYS AS (warden_inet_or_null(metadata->>'sourceIp')) STORED`.execute(db);
  await sql`CREATE INDEX events_account_time ON events (account_id, occurred_at, global_position)`.execute(db);
  await sql`CREATE INDEX events_account_type_time ON events (account_id, type, occurred_at, global_position)`.execute(db);
  await sql`CREATE INDEX events_account_actor_time ON events (account_id, actor_arn, occurred_at, global_position)`.execute(db);
  await sql`CREATE INDEX events_account_resource_time ON events (account_id, resource_arn, occurred_at, global_position)`.execute(db);
  await sql`CREATE INDEX events_account_source_ip_time ON events (account_id, source_ip, occurred_at, global_position)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['events_account_source_ip_time', 'events_account_resource_time', 'events_account_actor_time', 'events_account_type_time', 'events_account_time'])
    await sql`DROP INDEX ${sql.id(index)}`.execute(db);
  await sql`ALTER TABLE events DROP COLUMN source_ip, DROP COLUMN resource_arn, DROP COLUMN actor_arn`.execute(db);
  await sql`DROP FUNCTION warden_inet_or_null(text)`.execute(db);
}
