import type { Database } from '@warden/db';
import { type Kysely, sql } from 'kysely';

/** CloudTrail's event history keeps 90 days; so do the call records unless WARDEN_AUDIT_RETENTION_DAYS says otherwise. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 90;

/** The days ahead whose partitions exist at any time: a week and a day, so that a missed run or two costs nothing. */
const DAYS_AHEAD = 8;

export interface ApiCallPartitionUpkeep {
  /** Daily partitions made (today and the days ahead that had none). */
  readonly made: number;
  /** Daily partitions dropped, wholly older than the retention. */
  readonly dropped: number;
}

/**
 * The call records' partitions kept in step with the clock (migration 0024's functions): today's
 * and the next week's made, those wholly before `retentionDays` ago dropped (with the default
 * partition's older rows). Idempotent, so the daily job and every start can both run it. Days are
 * UTC days, as the partitions are.
 */
export async function upkeepApiCallPartitions(db: Kysely<Database>, now: Date, retentionDays: number): Promise<ApiCallPartitionUpkeep> {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error(`The retention is a whole number of days of at least 1, not ${retentionDays}.`);
  const today = utcDay(now);
  const oldestKept = utcDay(new Date(now.getTime() - retentionDays * 86_400_000));
  const made = await sql<{ made: number }>`SELECT warden_prepare_api_call_partitions(${today}::date, ${DAYS_AHEAD}) AS made`.execute(db);
  const dropped = await sql<{ dropped: number }>`SELECT warden_drop_api_call_partitions(${oldestKept}::date) AS dropped`.execute(db);
  return { made: Number(made.rows[0]?.made ?? 0), dropped: Number(dropped.rows[0]?.dropped ?? 0) };
}

function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
