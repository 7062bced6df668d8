import { parseArgs } from 'node:util';
import { ConfigError, readConfig } from './config.js';
import { createLogger } from './logger.js';

const ENVIRONMENT = `Environment: PORT (4000), HOST (0.0.0.0), DATABASE_URL (unset: embedded PGlite under WARDEN_DATA_DIR),
WARDEN_DATA_DIR (./.warden), WARDEN_MASTER_KEY (32 bytes, base64; required with DATABASE_URL),
WARDEN_REGION (us-east-1), WARDEN_PARTITION (aws), WARDEN_MAX_BODY_BYTES (1048576), LOG_LEVEL (info),
REDIS_URL (unset: jobs on in-process timers), WARDEN_RUN_WORKERS (true), WARDEN_QUEUE_PREFIX (warden),
WARDEN_KEY_ROTATION_DAYS (30), WARDEN_TRUSTED_PROXIES (none), WARDEN_PASSWORD_HASH_CONCURRENCY (cores - 1),
WARDEN_DB_CONNECT_TIMEOUT_MS (2000), WARDEN_DB_STATEMENT_TIMEOUT_MS (5000),
WARDEN_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS (30000), WARDEN_DB_STARTUP_WAIT_MS (60000), WARDEN_OIDC_CA_FILE (none),
WARDEN_OIDC_ALLOWED_HOSTS (none), WARDEN_UNSIGNED_EXCHANGES_PER_MINUTE (600), WARDEN_PUBLIC_URL (none),
WARDEN_METRICS_PORT (serve 9464, worker 9465: Prometheus's GET /metrics on a listener of its own; 0: none),
WARDEN_METRICS_HOST (127.0.0.1).
A flag beats the environment variable it names.
`;

interface Flag {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The environment variable the flag stands for. */
  readonly env?: string;
  readonly value?: string;
  readonly description: string;
}

interface Command {
  readonly summary: string;
  readonly flags: Readonly<Record<string, Flag>>;
}

const HELP: Flag = { type: 'boolean', short: 'h', description: 'show this help' };
const DATA_DIR: Flag = { type: 'string', env: 'WARDEN_DATA_DIR', value: 'DIR', description: 'the embedded store (without DATABASE_URL), locked while in use' };

const COMMANDS: Readonly<Record<string, Command>> = {
  serve: {
    summary: 'run the API server (the default): GraphQL at http://HOST:PORT/graphql',
    flags: {
      port: { type: 'string', env: 'PORT', value: 'PORT', description: 'the port to listen on (0: any free one)' },
      host: { type: 'string', env: 'HOST', value: 'HOST', description: 'the address to listen on' },
      'data-dir': DATA_DIR,
      help: HELP,
    },
  },
  worker: { summary: 'run the background jobs alone (needs DATABASE_URL; next to serve with WARDEN_RUN_WORKERS=false)', flags: { help: HELP } },
  migrate: { summary: 'bring the database schema up to date, then exit', flags: { 'data-dir': DATA_DIR, help: HELP } },
  replay: { summary: 'rebuild every read model from the events and report whether it equals the live one', flags: { 'data-dir': DATA_DIR, help: HELP } },
  help: { summary: 'show this help', flags: {} },
};

const USAGE = `Usage: warden [COMMAND] [FLAGS]      warden COMMAND --help for its flags

${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(9)} ${command.summary}`)
  .join('\n')}

${ENVIRONMENT}`;

function commandUsage(name: string, command: Command): string {
  const flags = Object.entries(command.flags).map(([flag, spec]) => {
    const left = `${spec.short ? `-${spec.short}, ` : '    '}--${flag}${spec.value ? ` ${spec.value}` : ''}`;
    return `  ${left.padEnd(22)} ${spec.description}${spec.env ? ` (${spec.env})` : ''}`;
  });
  return `Usage: warden ${name} [FLAGS]\n\n${command.summary}\n\n${flags.join('\n')}\n\n${ENVIRONMENT}`;
}

/** A command line that names no command, an unknown one, or a flag the command does not take: exit 2. */
class UsageError extends Error {}

interface Invocation {
  readonly command: string;
  readonly help: boolean;
  /** The environment with the flags given written over the variables they stand for. */
  readonly env: NodeJS.ProcessEnv;
}

function parseCommandLine(args: readonly string[], env: NodeJS.ProcessEnv): Invocation {
  const [first] = args;
  // No command, or flags only: serve (`warden --port 5000`), except a bare --help, which is warden's own.
  const named = first !== undefined && !first.startsWith('-');
  if (!named && args.length === 1 && (first === '--help' || first === '-h')) return { command: 'help', help: false, env };
  const name = named ? first : 'serve';
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}; the commands are ${Object.keys(COMMANDS).join(', ')}`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...(named ? args.slice(1) : args)],
      options: Object.fromEntries(Object.entries(command.flags).map(([flag, spec]) => [flag, { type: spec.type, ...(spec.short ? { short: spec.short } : {}) }])),
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    // parseArgs's own message is several sentences about positionals; one line names the flag.
    const flag = /'([^']+)'/.exec((error as Error).message)?.[1];
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`${name} takes no flag ${flag ?? ''}; see warden ${name} --help`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`${name} takes no argument ${flag ?? ''}; see warden ${name} --help`);
    throw new UsageError(`${(error as Error).message.split('\n')[0]}; see warden ${name} --help`);
  }
  const overrides: Record<string, string> = {};
  for (const [flag, value] of Object.entries(parsed.values)) {
    const variable = command.flags[flag]?.env;
    if (variable !== undefined && typeof value === 'string') {
      if (value === '') throw new UsageError(`--${flag} needs a value`);
      overrides[variable] = value;
    }
  }
  if (overrides['PORT'] !== undefined && !/^\d{1,5}$/.test(overrides['PORT'])) throw new UsageError(`--port must be a port number, not ${JSON.stringify(overrides['PORT'])}`);
  return { command: name, help: parsed.values['help'] === true, env: { ...env, ...overrides } };
}

/** A failure's first line, bounded: an embedded database's abort can carry kilobytes of compiled code. */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

export async function main(args: readonly string[]): Promise<number> {
  const logger = createLogger(process.env['LOG_LEVEL'] ?? 'info');
  let invocation: Invocation;
  try {
    invocation = parseCommandLine(args, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`warden: ${error.message}\n`);
    return 2;
  }
  const { command } = invocation;
  if (invocation.help) {
    process.stdout.write(commandUsage(command, COMMANDS[command]!));
    return 0;
  }
  // The server's modules (the database drivers, the schema, the IAM domain) only past the usage
  // checks: help and a refused command line answer without loading them.
  const [{ DataDirectoryInUseError, isDatabaseUnavailable, migrateToLatest, unavailableReason }, { MasterKeyError, replayReadModels }, { openDatabase, startWarden, startWorker }] = await Promise.all([
    import('@warden/db'),
    import('@warden/iam'),
    import('./app.js'),
  ]);
  if (command === 'serve' || command === 'worker') {
    // A library's promise that fails outside any request (a Redis client torn down mid-connect, say)
    // would end the process under Node's default; a long-running server logs it and goes on.
    process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'a promise failed outside any request; the server goes on'));
  }
  try {
    const config = readConfig(invocation.env);
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
      default:
        process.stdout.write(USAGE);
        return 0;
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof MasterKeyError || error instanceof DataDirectoryInUseError) {
      logger.fatal(error.message);
      return 1;
    }
    if (isDatabaseUnavailable(error)) {
      logger.fatal(`cannot reach the database: ${unavailableReason(error)}`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      // Node names the address that failed (the API's, or the metrics listener's of serve or worker).
      const failed = error as NodeJS.ErrnoException & { address?: string; port?: number };
      const { host, port } = readConfig(invocation.env);
      logger.fatal(
        `cannot listen on ${failed.address ?? host}:${failed.port ?? port}: ${code === 'EADDRINUSE' ? 'the address is in use' : code === 'EACCES' ? 'permission denied' : 'no such address on this machine'}`,
      );
      return 1;
    }
    // One line for the operator; the whole error only for whoever turns the log level to debug.
    logger.debug({ err: error }, 'the failure in full');
    logger.fatal(`${command} failed: ${oneLine(error)}`);
    return 1;
  }
}
