import type { Database } from '@warden/db';
import { type Kysely, sql } from 'kysely';

/** What a statistics run did: ANALYZE ran, or the store's autovacuum keeps them and nothing ran. */
export type StatisticsOutcome = 'analyzed' | 'kept-by-autovacuum';

/**
 * Refreshes the planner's statistics (row counts and value distributions, `pg_class.reltuples` and
 * `pg_statistic`) when nothing else does. Without them the planner guesses: after a bulk load it
 * took an account for a few rows and sorted all of its events for every page. Postgres keeps them
 * itself: its autovacuum launcher runs ANALYZE on each table once enough of it changed
 * (autovacuum_analyze_threshold and _scale_factor), so a second ANALYZE on a schedule would only
 * read the tables again. The embedded store (PGlite, one backend in the process) has no launcher
 * and never analyzes: ANALYZE runs here. The test is the launcher itself, so a Postgres whose
 * autovacuum is off is analyzed too.
 */
export async function refreshPlannerStatistics(db: Kysely<Database>): Promise<StatisticsOutcome> {
  const { rows } = await sql<{ running: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE backend_type = 'autovacuum launcher') AS running`.execute(db);
  if (rows[0]?.running) return 'kept-by-autovacuum';
  await sql`ANALYZE`.execute(db);
  return 'analyzed';
}
