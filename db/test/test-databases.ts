import { randomInt } from 'node:crypto';
import { driversUnderTest } from '../src/drivers-under-test.js';
import { createDb, migrateToLatest, type WardenDb } from '../src/index.js';
import { migratedPGliteTemplate } from '../src/pglite-template.js';

/**
 * The drivers a test runs on, as `driversUnderTest` chooses them: the embedded PGlite, and the real
 * Postgres when DATABASE_URL is set. CI sets WARDEN_REQUIRE_SERVICES=1, and then a missing
 * DATABASE_URL fails instead of skipping.
 */
export interface DriverUnderTest {
  /** `pglite-thread`: the embedded store on a thread of its own, as the server runs it (createDb's `embeddedOnThread`). */
  readonly name: 'postgres' | 'pglite' | 'pglite-thread';
  open(): Promise<WardenDb>;
}

const databaseUrl = process.env['DATABASE_URL'];
const chosen = driversUnderTest();
if (!databaseUrl) console.warn('DATABASE_URL is not set: the Postgres variants of these tests are skipped (PGlite still runs).');

const ALL_DRIVERS: readonly DriverUnderTest[] = [
  {
    name: 'pglite',
    async open() {
      const wardenDb = await createDb({ dataDir: 'memory', template: await migratedPGliteTemplate() });
      await migrateToLatest(wardenDb.db);
      return wardenDb;
    },
  },
  {
    name: 'pglite-thread',
    async open() {
      const wardenDb = await createDb({ dataDir: 'memory', template: await migratedPGliteTemplate(), embeddedOnThread: true });
      await migrateToLatest(wardenDb.db);
      return wardenDb;
    },
  },
  {
    name: 'postgres',
    async open() {
      const wardenDb = await createDb({ databaseUrl: databaseUrl!, poolSize: 20 });
      await migrateToLatest(wardenDb.db);
      return wardenDb;
    },
  },
];

export const DRIVERS: readonly DriverUnderTest[] = ALL_DRIVERS.filter((driver) => chosen.includes(driver.name === 'pglite-thread' ? 'pglite' : driver.name));

/** A random 12-digit account id, so that tests never share state in a shared database. */
export function randomAccountId(): string {
  return String(randomInt(100_000_000_000, 999_999_999_999));
}

/** Whether the real Postgres is under test (DATABASE_URL set). */
export const HAS_POSTGRES = DRIVERS.some((driver) => driver.name === 'postgres');

/** Whether the embedded PGlite is under test (CI's pass against Postgres leaves it to the embedded pass). */
export const HAS_PGLITE = DRIVERS.some((driver) => driver.name === 'pglite');

/** Runs `work` on a freshly opened database of the named driver, and closes it whatever happens. */
export async function withDriver<T>(name: DriverUnderTest['name'], work: (wardenDb: WardenDb) => Promise<T>): Promise<T> {
  const driver = DRIVERS.find((candidate) => candidate.name === name);
  if (!driver) throw new Error(`the ${name} driver is not under test`);
  const wardenDb = await driver.open();
  try {
    return await work(wardenDb);
  } finally {
    await wardenDb.close();
  }
}
