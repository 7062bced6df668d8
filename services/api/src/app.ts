import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDb, isDatabaseUnavailable, migrateToLatest, pendingMigrations, pingDatabase, waitForDatabase, type WardenDb } from '@warden/db';
import {
  bootstrap,
  CallRecorder,
  insertApiCalls,
  defaultSamlEndpoints,
  type IamObserver,
  IamService,
  NO_IAM_OBSERVER,
  upkeepApiCallPartitions,
  type LiveKeyring,
  loadMasterKey,
  setPasswordHashConcurrency,
  systemClock,
} from '@warden/iam';
import { createJobRunner, type JobObserver, type JobRunner } from '@warden/workers';
import type { WardenConfig } from './config.js';
import { ClientAddress } from './client-address.js';
import { createHttpServer } from './http-server.js';
import type { Logger } from './logger.js';
import { createWardenYoga } from './yoga.js';
import { createCompiledOperations } from './create-compiled-operations.js';
import { databaseCheck, type ReadinessCheck, readinessOf } from './readiness.js';
import { createMetricsServer } from './metrics/metrics-server.js';
import { WardenMetrics } from './metrics/warden-metrics.js';
import { WorkerMetrics } from './metrics/worker-metrics.js';
import { WardenTracing } from './tracing/warden-tracing.js';

/** How often a process reloads the keyring to pick up a rotation made by another process. */
const KEYRING_RELOAD_MS = 5 * 60_000;

export interface RunningWarden {
  readonly server: Server;
  readonly url: string;
  readonly wardenDb: WardenDb;
  readonly iam: IamService;
  readonly managementAccountId: string;
  /** `http://HOST:PORT/metrics`, or undefined when WARDEN_METRICS_PORT=0 turned the listener off. */
  readonly metricsUrl: string | undefined;
  close(): Promise<void>;
}

/** The store and the service on it, with the background jobs started: what serve and worker share. */
interface OpenedWarden {
  readonly wardenDb: WardenDb;
  readonly iam: IamService;
  readonly runner: JobRunner;
  readonly keyring: LiveKeyring;
  readonly managementAccountId: string;
  /** Stops the jobs and the keyring reload, then closes the database. */
  close(): Promise<void>;
}

/**
 * The database as the configuration says, once it answers: a Postgres that is not up yet (started
 * with Warden, or restarting) is waited for, one log line per attempt, for at most
 * `databaseStartupWaitMs`; then DatabaseUnavailableError, which the command reports in one line.
 */
export async function openDatabase(config: WardenConfig, logger: Logger, timeouts: Partial<WardenConfig['databaseTimeouts']> = {}, tracing?: WardenTracing): Promise<WardenDb> {
  const wardenDb = await createDb({
    sqlTracer: tracing?.sqlTracer,
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    template: config.pgliteTemplate,
    // The embedded store's SQL runs off the event loop that serves requests (pglite-on-thread.ts).
    embeddedOnThread: true,
    onEmbeddedFailure: (error) => {
      // Nothing in this process can reopen the store while it holds the data directory: it ends, as
      // it would have had PGlite crashed in process, for its supervisor to start it again.
      logger.fatal({ reason: error.message }, 'the embedded database stopped; the process ends');
      process.exit(1);
    },
    timeouts: { ...config.databaseTimeouts, ...timeouts },
    onIdleConnectionError: (error) => logger.warn({ reason: error.message }, 'database: an idle connection was closed (the server restarted or ended it); a new one is opened when needed'),
  });
  try {
    await waitForDatabase(wardenDb.db, {
      waitMs: config.databaseStartupWaitMs,
      onRetry: (attempt, reason, retryInMs) => logger.warn({ attempt, reason, retryInMs }, 'database: not reachable yet; retrying'),
    });
  } catch (error) {
    await wardenDb.close().catch(() => undefined);
    throw error;
  }
  return wardenDb;
}

/**
 * Opens the database (Postgres or embedded), migrates it, loads the master key and keyring,
 * bootstraps an empty store, and starts the job runner. Whatever fails, nothing is left open.
 */
/** What a process counts that its store and jobs tell: a server's WardenMetrics, a worker's WorkerMetrics. */
interface StoreObservers {
  readonly iamObserver: IamObserver;
  readonly jobObserver: JobObserver;
}

/**
 * `recordCalls`: the server records its denied, failed and opted-in read calls (when
 * WARDEN_AUDIT_RECORD_CALLS allows); a worker has no calls.
 */
async function openWarden(config: WardenConfig, logger: Logger, processJobs: boolean, recordCalls: boolean, metrics?: StoreObservers, tracing?: WardenTracing): Promise<OpenedWarden> {
  const masterKey = await loadMasterKey({ env: process.env, dataDir: config.dataDir, embedded: config.databaseUrl === undefined });
  const wardenDb = await openDatabase(config, logger, {}, tracing);
  let runner: JobRunner | undefined;
  try {
    await migrateToLatest(wardenDb.db);
    const boot = await bootstrap({ db: wardenDb.db, masterKey, dataDir: config.dataDir, partition: config.partition, clock: systemClock });
    if (boot.credentialsFile) {
      logger.info(
        { managementAccountId: boot.managementAccountId, credentialsFile: boot.credentialsFile },
        'created the management account; its root access key is in the credentials file (readable by its owner only)',
      );
    }
    // A server that was down for days gets today's partitions before its first call is recorded.
    await upkeepPartitionsAtStart(wardenDb, config, logger);
    const callRecorder = recordCalls ? new CallRecorder({ write: insertApiCalls(wardenDb.db), observer: metrics?.iamObserver ?? NO_IAM_OBSERVER }) : undefined;
    // The embedded database belongs to this process alone: epochs can be tracked in memory.
    const iam = new IamService({
      db: wardenDb.db,
      keyring: boot.keyring,
      partition: config.partition,
      epochSource: wardenDb.driver === 'pglite' ? 'process' : 'database',
      oidcCaFile: config.oidcCaFile,
      oidcAllowedHosts: config.oidcAllowedHosts,
      onOidcFetchFailure: (failure) => logger.warn(failure, 'could not fetch an identity provider document'),
      ...(config.unsignedExchangesPerMinute !== undefined ? { unsignedExchangesPerMinute: config.unsignedExchangesPerMinute } : {}),
      samlEndpoints: defaultSamlEndpoints(config.publicUrl),
      ...(metrics ? { observer: metrics.iamObserver } : {}),
      ...(callRecorder ? { callSink: callRecorder } : {}),
      lastAccessed: { enabled: config.lastAccessed },
    });
    const started = createJobRunner(iam, {
      redisUrl: config.redisUrl,
      processJobs,
      logger,
      prefix: config.queuePrefix,
      settings: { keyring: boot.keyring, keyRotationDays: config.keyRotationDays, auditRetentionDays: config.auditRetentionDays },
      ...(metrics ? { observer: metrics.jobObserver } : {}),
      tracer: tracing?.jobTracer,
    });
    runner = started;
    await started.start();
    const stopKeyringReload = boot.keyring.reloadPeriodically(KEYRING_RELOAD_MS, (error) => logger.error({ err: error }, 'could not reload the keyring'));
    return {
      wardenDb,
      iam,
      runner: started,
      keyring: boot.keyring,
      managementAccountId: boot.managementAccountId,
      close: async () => {
        await started.close();
        stopKeyringReload();
        // A credential report being generated finishes (or leaves its claim to be started over) before the pool goes.
        await iam.credentialReports.settled();
        // The calls recorded last are written before the pool goes.
        await callRecorder?.close();
        // The last-accessed counts not yet written go in one last batch while the pool is open.
        await iam.core.usage.close();
        await wardenDb.close();
      },
    };
  } catch (error) {
    await runner?.close().catch(() => undefined);
    await wardenDb.close();
    throw error;
  }
}

/** The call records' partitions kept up once at start (the daily job keeps them after); a failure is logged, and the job tries again. */
async function upkeepPartitionsAtStart(wardenDb: WardenDb, config: WardenConfig, logger: Logger): Promise<void> {
  try {
    const upkeep = await upkeepApiCallPartitions(wardenDb.db, systemClock.now(), config.auditRetentionDays);
    if (upkeep.made > 0 || upkeep.dropped > 0) logger.info(upkeep, 'call records: partitions made for the days ahead, and dropped past the retention');
  } catch (error) {
    logger.warn({ err: error }, 'call records: could not keep the partitions up at start; the daily job will');
  }
}

/**
 * What `/health/ready` asks (readiness.ts), in two stages: whether the database answers, then, only
 * when it does, what is read from it (migrations, the keyring's active key) and whether Redis answers.
 */
function readinessChecks({ wardenDb, keyring, runner }: OpenedWarden): Record<string, ReadinessCheck>[] {
  const redisAnswers = runner.redisAnswers?.bind(runner);
  return [
    { database: databaseCheck(() => pingDatabase(wardenDb.db)) },
    {
      migrations: async () => {
        const pending = await pendingMigrations(wardenDb.db);
        return pending.length === 0 ? 'ok' : `${pending.length} not applied (${pending.join(', ')}): run warden migrate`;
      },
      keyring: async () => {
        try {
          await keyring.checkActiveKey();
          return 'ok';
        } catch (error) {
          if (isDatabaseUnavailable(error)) throw error;
          return 'failing: the active data key cannot be loaded with this master key';
        }
      },
      ...(redisAnswers ? { redis: async () => ((await redisAnswers()) ? 'ok' : 'unavailable: Redis does not answer') } : {}),
    },
  ];
}

/**
 * Starts Warden: the store and its jobs (openWarden), then the HTTP server. `close()` stops
 * accepting requests, lets those in flight finish, then closes the rest.
 */
export async function startWarden(config: WardenConfig, logger: Logger): Promise<RunningWarden> {
  if (config.passwordHashConcurrency !== undefined) setPasswordHashConcurrency(config.passwordHashConcurrency);
  // The embedded database has no other process to run the jobs, so there they always run here.
  const metrics = config.metricsPort === 0 ? undefined : new WardenMetrics();
  const tracing = config.tracing && WardenTracing.exportingTo(config.tracing);
  let opened: OpenedWarden;
  try {
    opened = await openWarden(config, logger, config.runWorkers || config.databaseUrl === undefined, config.recordCalls, metrics, tracing);
  } catch (error) {
    await tracing?.shutdown().catch(() => undefined);
    throw error;
  }
  const { wardenDb, iam, runner } = opened;
  if (metrics && wardenDb.poolUse) metrics.watchPool(wardenDb.poolUse);
  const metricsServer = metrics && createMetricsServer(metrics, logger);
  const streamsEnd = new AbortController();
  const server = createHttpServer({
    yoga: createWardenYoga(),
    operations: createCompiledOperations(),
    iam,
    authentication: { credentials: iam.credentials, region: config.region },
    maxBodyBytes: config.maxBodyBytes,
    logger,
    clientAddress: new ClientAddress(config.trustedProxies),
    readiness: readinessOf(readinessChecks(opened)),
    metrics,
    streamsEnd: streamsEnd.signal,
    tracing,
  });
  try {
    await listen(server, config.port, config.host);
    if (metricsServer) await listen(metricsServer, config.metricsPort, config.metricsHost);
  } catch (error) {
    if (server.listening) await new Promise((resolve) => server.close(resolve));
    await opened.close();
    await tracing?.shutdown().catch(() => undefined);
    throw error;
  }
  const url = `${urlOf(server, config.host)}/graphql`;
  const metricsUrl = metricsServer && `${urlOf(metricsServer, config.metricsHost)}/metrics`;
  logger.info({ url, metricsUrl, tracesUrl: config.tracing?.tracesUrl, driver: wardenDb.driver, region: config.region, jobs: runner.kind }, 'Warden is listening');
  return {
    server,
    url,
    wardenDb,
    iam,
    managementAccountId: opened.managementAccountId,
    metricsUrl,
    close: async () => {
      // End the streamed answers (live tails), stop accepting, let requests in flight finish, and
      // close idle keep-alive connections now rather than waiting for them to time out.
      streamsEnd.abort();
      const closed = [server, ...(metricsServer ? [metricsServer] : [])].map((each) => new Promise<void>((resolve) => each.close(() => resolve())));
      server.closeIdleConnections();
      metricsServer?.closeIdleConnections();
      await Promise.all(closed);
      await opened.close();
      // Last, so that the spans of the requests and jobs just finished are exported.
      await tracing?.shutdown().catch((error: unknown) => logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'tracing: the last spans could not be exported'));
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** The URL a listener is reached at: a wildcard address is reached on loopback. */
function urlOf(server: Server, host: string): string {
  const address = server.address() as AddressInfo;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${address.port}`;
}

/**
 * `warden worker`: the background jobs alone, in a process next to `warden serve` (which then runs
 * with WARDEN_RUN_WORKERS=false). It needs the shared Postgres; the embedded database cannot be
 * shared between processes, so there the jobs run inside `warden serve`.
 */
export interface RunningWorker {
  readonly runner: JobRunner;
  /** `http://HOST:PORT/metrics`, or undefined when WARDEN_METRICS_PORT=0 turned the listener off. */
  readonly metricsUrl: string | undefined;
  close(): Promise<void>;
}

export async function startWorker(config: WardenConfig, logger: Logger): Promise<RunningWorker> {
  if (config.databaseUrl === undefined) {
    throw new Error('warden worker needs DATABASE_URL: the embedded database belongs to `warden serve`, which runs the jobs itself');
  }
  const metrics = config.workerMetricsPort === 0 ? undefined : new WorkerMetrics();
  const tracing = config.tracing && WardenTracing.exportingTo(config.tracing);
  let opened: OpenedWarden;
  try {
    opened = await openWarden(config, logger, true, false, metrics, tracing);
  } catch (error) {
    await tracing?.shutdown().catch(() => undefined);
    throw error;
  }
  if (metrics && opened.wardenDb.poolUse) metrics.watchPool(opened.wardenDb.poolUse);
  const metricsServer = metrics && createMetricsServer(metrics, logger);
  try {
    if (metricsServer) await listen(metricsServer, config.workerMetricsPort, config.metricsHost);
  } catch (error) {
    await opened.close();
    await tracing?.shutdown().catch(() => undefined);
    throw error;
  }
  const metricsUrl = metricsServer && `${urlOf(metricsServer, config.metricsHost)}/metrics`;
  logger.info({ jobs: opened.runner.kind, metricsUrl, tracesUrl: config.tracing?.tracesUrl }, 'Warden worker is running');
  return {
    runner: opened.runner,
    metricsUrl,
    close: async () => {
      if (metricsServer) {
        const closed = new Promise<void>((resolve) => metricsServer.close(() => resolve()));
        metricsServer.closeIdleConnections();
        await closed;
      }
      await opened.close();
      await tracing?.shutdown().catch(() => undefined);
    },
  };
}
