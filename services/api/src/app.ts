import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDb, migrateToLatest, type WardenDb } from '@warden/db';
import { bootstrap, IamService, loadMasterKey, setPasswordHashConcurrency, systemClock } from '@warden/iam';
import { createJobRunner, type JobRunner } from '@warden/workers';
import type { WardenConfig } from './config.js';
import { ClientAddress } from './client-address.js';
import { createHttpServer } from './http-server.js';
import type { Logger } from './logger.js';
import { createWardenYoga } from './yoga.js';

/** How often a process reloads the keyring to pick up a rotation made by another process. */
const KEYRING_RELOAD_MS = 5 * 60_000;

export interface RunningWarden {
  readonly server: Server;
  readonly url: string;
  readonly wardenDb: WardenDb;
  readonly iam: IamService;
  readonly managementAccountId: string;
  close(): Promise<void>;
}

/**
 * Starts Warden: the database (Postgres or embedded), migrations, the master key and keyring, the
 * bootstrap of an empty store, and the HTTP server. `close()` stops accepting requests, lets those
 * in flight finish, then closes the database.
 */
export async function startWarden(config: WardenConfig, logger: Logger): Promise<RunningWarden> {
  if (config.passwordHashConcurrency !== undefined) setPasswordHashConcurrency(config.passwordHashConcurrency);
  const masterKey = await loadMasterKey({ env: process.env, dataDir: config.dataDir, embedded: config.databaseUrl === undefined });
  const wardenDb = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(wardenDb.db);
    const boot = await bootstrap({ db: wardenDb.db, masterKey, dataDir: config.dataDir, partition: config.partition, clock: systemClock });
    if (boot.credentialsFile) {
      logger.info({ managementAccountId: boot.managementAccountId, credentialsFile: boot.credentialsFile }, 'created the management account; its root access key is in the credentials file (readable by its owner only)');
    }
    // The embedded database belongs to this process alone: epochs can be tracked in memory.
    const iam = new IamService({ db: wardenDb.db, keyring: boot.keyring, partition: config.partition, epochSource: wardenDb.driver === 'pglite' ? 'process' : 'database' });
    // The embedded database has no other process to run the jobs, so here they always run.
    const runner = createJobRunner(iam, { redisUrl: config.redisUrl, processJobs: config.runWorkers || config.databaseUrl === undefined, logger, prefix: config.queuePrefix, settings: { keyring: boot.keyring, keyRotationDays: config.keyRotationDays } });
    await runner.start();
    const stopKeyringReload = boot.keyring.reloadPeriodically(KEYRING_RELOAD_MS, (error) => logger.error({ err: error }, 'could not reload the keyring'));
    const yoga = createWardenYoga();
    const clientAddress = new ClientAddress(config.trustedProxies);
    const server = createHttpServer({
      yoga,
      iam,
      authentication: { credentials: iam.credentials, region: config.region },
      maxBodyBytes: config.maxBodyBytes,
      logger,
      clientAddress,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `http://${host}:${address.port}/graphql`;
    logger.info({ url, driver: wardenDb.driver, region: config.region, jobs: runner.kind }, 'Warden is listening');
    return {
      server,
      url,
      wardenDb,
      iam,
      managementAccountId: boot.managementAccountId,
      close: async () => {
        // Stop accepting, let requests in flight finish, and close idle keep-alive connections now
        // rather than waiting for them to time out.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
        await runner.close();
        stopKeyringReload();
        await wardenDb.close();
      },
    };
  } catch (error) {
    await wardenDb.close();
    throw error;
  }
}

/**
 * `warden worker`: the background jobs alone, in a process next to `warden serve` (which then runs
 * with WARDEN_RUN_WORKERS=false). It needs the shared Postgres; the embedded database cannot be
 * shared between processes, so there the jobs run inside `warden serve`.
 */
export interface RunningWorker {
  readonly runner: JobRunner;
  close(): Promise<void>;
}

export async function startWorker(config: WardenConfig, logger: Logger): Promise<RunningWorker> {
  if (config.databaseUrl === undefined) {
    throw new Error('warden worker needs DATABASE_URL: the embedded database belongs to `warden serve`, which runs the jobs itself');
  }
  const masterKey = await loadMasterKey({ env: process.env, dataDir: config.dataDir, embedded: false });
  const wardenDb = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let boot;
  let runner;
  try {
    await migrateToLatest(wardenDb.db);
    boot = await bootstrap({ db: wardenDb.db, masterKey, dataDir: config.dataDir, partition: config.partition, clock: systemClock });
    const iam = new IamService({ db: wardenDb.db, keyring: boot.keyring, partition: config.partition });
    runner = createJobRunner(iam, { redisUrl: config.redisUrl, processJobs: true, logger, prefix: config.queuePrefix, settings: { keyring: boot.keyring, keyRotationDays: config.keyRotationDays } });
    await runner.start();
  } catch (error) {
    // As serve does: a failed start leaves no pool open to keep the process alive.
    await wardenDb.close();
    throw error;
  }
  const stopKeyringReload = boot.keyring.reloadPeriodically(KEYRING_RELOAD_MS, (error) => logger.error({ err: error }, 'could not reload the keyring'));
  logger.info({ jobs: runner.kind }, 'Warden worker is running');
  return {
    runner,
    close: async () => {
      await runner.close();
      stopKeyringReload();
      await wardenDb.close();
    },
  };
}
