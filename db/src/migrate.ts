import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely';
import type { Database } from './database.js';
import { BOUNDED_STATEMENTS, UNBOUNDED_STATEMENTS } from './guarded-client.js';
import { MIGRATIONS } from './migrations/index.js';

export class MigrationError extends Error {}

/** Brings the schema up to date; safe to run at every start (applied migrations are skipped). */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  // On one connection without the pool's statement timeout: building an index over a large events
  // table may take longer than any request should, and waiting for another process's migration
  // lock is expected at a rolling start.
  const result = await db.connection().execute(async (connection) => {
    await sql.raw(UNBOUNDED_STATEMENTS).execute(connection);
    try {
      return await new Migrator({ db: connection, provider: { getMigrations: () => Promise.resolve(MIGRATIONS) } }).migrateToLatest();
    } finally {
      await sql
        .raw(BOUNDED_STATEMENTS)
        .execute(connection)
        .catch(() => undefined);
    }
  });
  if (result.error) {
    const failed = result.results?.find((migration) => migration.status === 'Error')?.migrationName ?? 'unknown';
    const { message } = result.error as { message?: unknown };
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a migration may throw anything; one without a message is shown as String() shows it
    throw new MigrationError(`migration ${failed} failed: ${typeof message === 'string' ? message : String(result.error)}`, { cause: result.error });
  }
  return result;
}

/**
 * The migrations this build knows that the database has not applied (readiness: a replica must not
 * serve a schema older than its code). Migrations applied by a newer build are not this one's concern.
 */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const known = await new Migrator({ db, provider: { getMigrations: () => Promise.resolve(MIGRATIONS) } }).getMigrations();
  return known.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}
