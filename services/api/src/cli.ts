import { isDatabaseUnavailable, migrateToLatest, unavailableReason } from '@warden/db';
import { MasterKeyError, replayReadModels } from '@warden/iam';
import { openDatabase, startWarden, startWorker } from './app.js';
import { ConfigError, readConfig } from './config.js';
import { createLogger } from './logger.js';

const USAGE = `Usage: warden [serve | worker | migrate | replay | help]

  serve     run the API server (the default): GraphQL at http://HOST:PORT/graphql
  worker    run the background jobs alone (needs DATABASE_URL; next to serve with WARDEN_RUN_WORKERS=false)
  migrate   bring the database schema up to date, then exit
  replay    rebuild every read model from the events and report whether it equals the live one

Environment: PORT (4000), HOST (0.0.0.0), DATABASE_URL (unset: embedded PGlite under WARDEN_DATA_DIR),
WARDEN_DATA_DIR (./.warden), WARDEN_MASTER_KEY (32 bytes, base64; required with DATABASE_URL),
WARDEN_REGION (us-east-1), WARDEN_PARTITION (aws), WARDEN_MAX_BODY_BYTES (1048576), LOG_LEVEL (info),
REDIS_URL (unset: jobs on in-process timers), WARDEN_RUN_WORKERS (true), WARDEN_QUEUE_PREFIX (warden),
WARDEN_KEY_ROTATION_DAYS (30), WARDEN_TRUSTED_PROXIES (none), WARDEN_PASSWORD_HASH_CONCURRENCY (cores - 1),
WARDEN_DB_CONNECT_TIMEOUT_MS (2000), WARDEN_DB_STATEMENT_TIMEOUT_MS (5000),
WARDEN_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS (30000), WARDEN_DB_STARTUP_WAIT_MS (60000).
`;

export async function main(args: readonly string[]): Promise<number> {
  const [command = 'serve'] = args;
  const logger = createLogger(process.env['LOG_LEVEL'] ?? 'info');
  if (command === 'serve' || command === 'worker') {
    // A library's promise that fails outside any request (a Redis client torn down mid-connect, say)
    // would end the process under Node's default; a long-running server logs it and goes on.
    process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'a promise failed outside any request; the server goes on'));
  }
  try {
    const config = readConfig(process.env);
    switch (command) {
      case 'serve': {
        const warden = await startWarden(config, logger);
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            logger.info({ signal }, 'shutting down: finishing requests in flight');
            void warden.close().then(resolve);
          };
          process.once('SIGTERM', () => stop('SIGTERM'));
          process.once('SIGINT', () => stop('SIGINT'));
        });
        return 0;
      }
      case 'worker': {
        const worker = await startWorker(config, logger);
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            logger.info({ signal }, 'worker shutting down: finishing jobs in progress');
            void worker.close().then(resolve);
          };
          process.once('SIGTERM', () => stop('SIGTERM'));
          process.once('SIGINT', () => stop('SIGINT'));
        });
        return 0;
      }
      case 'migrate': {
        const wardenDb = await openDatabase(config, logger);
        try {
          const result = await migrateToLatest(wardenDb.db);
          logger.info({ applied: result.results?.map((migration) => migration.migrationName) ?? [] }, 'migrations are up to date');
        } finally {
          await wardenDb.close();
        }
        return 0;
      }
      case 'replay': {
        // Replay reads and rewrites every read model: no statement bound, and no watchdog with it.
        const wardenDb = await openDatabase(config, logger, { statementMs: 0 });
        try {
          await migrateToLatest(wardenDb.db);
          const report = await replayReadModels(wardenDb.db);
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          return report.equal ? 0 : 1;
        } finally {
          await wardenDb.close();
        }
      }
      case 'help':
      case '--help':
        process.stdout.write(USAGE);
        return 0;
      default:
        process.stderr.write(`warden: unknown command ${command}\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof MasterKeyError) {
      logger.fatal(error.message);
      return 1;
    }
    if (isDatabaseUnavailable(error)) {
      logger.fatal(`cannot reach the database: ${unavailableReason(error)}`);
      return 1;
    }
    throw error;
  }
}
