import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, readConfig, type RunningWarden, startWarden } from '@warden/api';
import { type Driver, driversUnderTest, migratedPGliteTemplate } from '@warden/db/testing';
import type { Caller } from '@warden/iam';
import { type Credentials, SignedClient } from './signed-client.js';

/**
 * A real Warden server on a free port, on each driver under test: embedded PGlite in a temporary
 * data directory, and the machine's Postgres when DATABASE_URL is set (required in CI).
 */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

const databaseUrl = process.env['DATABASE_URL'];
if (!databaseUrl) console.warn('DATABASE_URL is not set: the Postgres variants of the end-to-end tests are skipped (PGlite still runs).');

export type { Driver };
export const DRIVERS = driversUnderTest();
/**
 * The one store a suite whose subject does not depend on the store runs on: in CI that is Postgres
 * in the first pass and PGlite in the second, so such a suite runs once on each, not twice on PGlite.
 */
export const ONE_DRIVER: Driver = DRIVERS.at(-1)!;

export interface TestWardenOptions {
  /** The Redis its jobs use (a test's own redis-server); otherwise REDIS_URL as the environment has it. */
  readonly redisUrl?: string;
  /** More environment for the server (WARDEN_OIDC_CA_FILE, …). */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startTestWarden(driver: Driver, logs?: NodeJS.WritableStream, options: TestWardenOptions = {}): Promise<RunningWarden> {
  const env = {
    ...process.env,
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    PORT: '0',
    HOST: '127.0.0.1',
    // No metrics listener unless a test asks for one: its default port would clash between servers.
    WARDEN_METRICS_PORT: '0',
    WARDEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'warden-e2e-')),
    WARDEN_MASTER_KEY: TEST_MASTER_KEY,
    WARDEN_QUEUE_PREFIX: `warden-e2e-${Math.random().toString(36).slice(2, 10)}`,
    // A new embedded store starts from the run's migrated template instead of paying initdb.
    ...(driver === 'postgres' ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '', WARDEN_PGLITE_TEMPLATE: await migratedPGliteTemplate() }),
    ...options.env,
  };
  process.env['WARDEN_MASTER_KEY'] = TEST_MASTER_KEY;
  return startWarden(readConfig(env), logs ? createLogger('debug', logs) : createLogger('silent'));
}

function managementRoot(warden: RunningWarden): Caller {
  return { accountId: warden.managementAccountId, arn: `arn:aws:iam::${warden.managementAccountId}:root`, kind: 'root', requestContext: {} };
}

/** A fresh tenant account and a client signed with its root user's access key. */
export async function newTenant(warden: RunningWarden): Promise<{ accountId: string; root: SignedClient; credentials: Credentials }> {
  const created = await warden.iam.accounts.create(managementRoot(warden), { name: `e2e-${Math.random().toString(36).slice(2, 8)}` });
  const credentials = { accessKeyId: created.rootAccessKey.accessKeyId, secretAccessKey: created.rootAccessKey.secretAccessKey };
  return { accountId: created.account.accountId, root: new SignedClient(warden.url, credentials), credentials };
}
