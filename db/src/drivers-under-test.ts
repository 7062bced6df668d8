/** A store a test suite can run against. */
export type Driver = 'pglite' | 'postgres';

const KNOWN: readonly Driver[] = ['pglite', 'postgres'];

/**
 * The stores the suites run their per-store tests on: embedded PGlite always, the real Postgres when
 * DATABASE_URL is set (required when WARDEN_REQUIRE_SERVICES=1). WARDEN_TEST_DRIVERS, a
 * comma-separated list, narrows that choice: CI's pass against Postgres names `postgres` alone,
 * because its second pass, on the embedded default, runs every PGlite variant anyway.
 * A name that is not a store, or `postgres` without DATABASE_URL, is refused rather than ignored,
 * so a typo cannot quietly turn a suite into no tests.
 */
export function driversUnderTest(env: NodeJS.ProcessEnv = process.env): readonly Driver[] {
  const databaseUrl = env['DATABASE_URL'];
  if (!databaseUrl && env['WARDEN_REQUIRE_SERVICES'] === '1') throw new Error('WARDEN_REQUIRE_SERVICES=1 but DATABASE_URL is not set');
  const available: Driver[] = databaseUrl ? ['pglite', 'postgres'] : ['pglite'];
  const asked = env['WARDEN_TEST_DRIVERS']?.trim();
  if (!asked) return available;
  const names = asked.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!KNOWN.includes(name as Driver)) throw new Error(`WARDEN_TEST_DRIVERS names ${JSON.stringify(name)}, which is not one of ${KNOWN.join(', ')}`);
    if (!available.includes(name as Driver)) throw new Error(`WARDEN_TEST_DRIVERS names ${name}, but DATABASE_URL is not set`);
  }
  return available.filter((driver) => names.includes(driver));
}
