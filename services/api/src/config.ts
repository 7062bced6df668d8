import { DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from '@warden/db';
import { ClientAddress } from './client-address.js';
import { ConfigError } from './config-error.js';
import { type TracingConfig, tracingConfigOf } from './tracing/tracing-config.js';

/**
 * Warden's settings, all from the environment, checked once at start so that a mistake stops the
 * server with a message instead of surfacing later.
 */
export interface WardenConfig {
  readonly port: number;
  readonly host: string;
  /** Unset: the embedded PGlite under dataDir. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** A PGlite data directory archive a new embedded store starts from instead of initdb (`createDb`'s `template`). */
  readonly pgliteTemplate?: string | undefined;
  readonly region: string;
  readonly partition: string;
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** Unset: jobs run on in-process timers. */
  readonly redisUrl: string | undefined;
  /** Whether `warden serve` also processes background jobs (default yes; no when a `warden worker` does). */
  readonly runWorkers: boolean;
  /** Redis key prefix of the job queues, so that several Wardens can share one Redis. */
  readonly queuePrefix: string;
  /** Days a keyring data key stays active before a new one replaces it. */
  readonly keyRotationDays: number;
  /** argon2 computations at once; unset: one fewer than the cores (at least one). */
  readonly passwordHashConcurrency: number | undefined;
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed. */
  readonly trustedProxies: readonly string[];
  /** Bounds on waiting for Postgres (ignored by the embedded store, which is in process). */
  readonly databaseTimeouts: DatabaseTimeouts;
  /** How long start-up keeps trying to reach Postgres before giving up, in milliseconds. */
  readonly databaseStartupWaitMs: number;
  /** WARDEN_OIDC_CA_FILE: a PEM file of CAs trusted, besides Node's roots, when fetching OpenID Connect providers' keys. */
  readonly oidcCaFile: string | undefined;
  /** WARDEN_OIDC_ALLOWED_HOSTS: identity provider hosts fetched even though they are on a private address. */
  readonly oidcAllowedHosts: readonly string[];
  /** WARDEN_UNSIGNED_EXCHANGES_PER_MINUTE: unsigned STS exchanges per client address and minute (0: no ceiling); unset: iam's default. */
  readonly unsignedExchangesPerMinute: number | undefined;
  /** The URL clients reach Warden at (WARDEN_PUBLIC_URL): SAML assertions may be addressed to its `/saml`. */
  readonly publicUrl: string | undefined;
  /** WARDEN_METRICS_PORT: the Prometheus listener's port, apart from the API's; 0: no listener. */
  readonly metricsPort: number;
  /** WARDEN_METRICS_PORT as `warden worker` reads it: its own default, so a server and a worker on one host do not collide. */
  readonly workerMetricsPort: number;
  /** WARDEN_METRICS_HOST: the address it binds, loopback unless told otherwise. */
  readonly metricsHost: string;
  /** WARDEN_AUDIT_RECORD_CALLS: whether denied, failed and opted-in read calls are recorded in api_calls (default yes; off for benchmarks). */
  readonly recordCalls: boolean;
  /** WARDEN_AUDIT_RETENTION_DAYS: days the call records are kept (default 90, CloudTrail's event history). */
  readonly auditRetentionDays: number;
  /** WARDEN_LAST_ACCESSED: count each allowed action per principal for Access Advisor and the policy suggestion (default on). */
  readonly lastAccessed: boolean;
  /** OpenTelemetry's OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT, …): unset, no spans are made at all. */
  readonly tracing: TracingConfig | undefined;
}

export { ConfigError };

export function readConfig(env: NodeJS.ProcessEnv): WardenConfig {
  const port = portNumber(env, 'PORT', 4000);
  const region = env['WARDEN_REGION'] ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new ConfigError(`WARDEN_REGION must look like us-east-1, not ${JSON.stringify(region)}`);
  const partition = env['WARDEN_PARTITION'] ?? 'aws';
  if (!/^[a-z][a-z-]*$/.test(partition)) throw new ConfigError(`WARDEN_PARTITION must look like aws, not ${JSON.stringify(partition)}`);
  const maxBodyBytes = Number(env['WARDEN_MAX_BODY_BYTES'] ?? 1024 * 1024);
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024) throw new ConfigError('WARDEN_MAX_BODY_BYTES must be an integer of at least 1024');
  return {
    port,
    host: env['HOST'] ?? '0.0.0.0',
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir: env['WARDEN_DATA_DIR'] ?? '.warden',
    pgliteTemplate: env['WARDEN_PGLITE_TEMPLATE'] || undefined,
    region,
    partition,
    maxBodyBytes,
    redisUrl: env['REDIS_URL'] || undefined,
    runWorkers: env['WARDEN_RUN_WORKERS'] !== 'false',
    queuePrefix: env['WARDEN_QUEUE_PREFIX'] ?? 'warden',
    keyRotationDays: rotationDays(env['WARDEN_KEY_ROTATION_DAYS']),
    passwordHashConcurrency: hashConcurrency(env['WARDEN_PASSWORD_HASH_CONCURRENCY']),
    trustedProxies: trustedProxies(env['WARDEN_TRUSTED_PROXIES']),
    oidcCaFile: env['WARDEN_OIDC_CA_FILE'] || undefined,
    oidcAllowedHosts: (env['WARDEN_OIDC_ALLOWED_HOSTS'] ?? '')
      .split(',')
      .map((host) => host.trim())
      .filter((host) => host !== ''),
    unsignedExchangesPerMinute: wholeNumber(env, 'WARDEN_UNSIGNED_EXCHANGES_PER_MINUTE'),
    publicUrl: publicUrl(env['WARDEN_PUBLIC_URL']),
    // 9464: the port OpenTelemetry's and Prometheus's conventions give a Prometheus exporter.
    metricsPort: portNumber(env, 'WARDEN_METRICS_PORT', 9464),
    // The next port: with both on their defaults, a server and a worker side by side both listen.
    workerMetricsPort: portNumber(env, 'WARDEN_METRICS_PORT', 9465),
    metricsHost: env['WARDEN_METRICS_HOST'] || '127.0.0.1',
    tracing: tracingConfigOf(env),
    recordCalls: flag(env, 'WARDEN_AUDIT_RECORD_CALLS', true),
    auditRetentionDays: retentionDays(env['WARDEN_AUDIT_RETENTION_DAYS']),
    lastAccessed: onOff(env, 'WARDEN_LAST_ACCESSED', true),
    databaseTimeouts: {
      connectMs: milliseconds(env, 'WARDEN_DB_CONNECT_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUTS.connectMs),
      statementMs: milliseconds(env, 'WARDEN_DB_STATEMENT_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUTS.statementMs),
      idleInTransactionMs: milliseconds(env, 'WARDEN_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUTS.idleInTransactionMs),
    },
    databaseStartupWaitMs: milliseconds(env, 'WARDEN_DB_STARTUP_WAIT_MS', 60_000),
  };
}

function portNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  // An empty variable counts as unset (as DATABASE_URL does), not as port 0.
  const port = Number(env[name] || fallback);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`${name} must be a port number, not ${JSON.stringify(env[name])}`);
  return port;
}

/** A duration in whole milliseconds; 0 turns the bound off. */
function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new ConfigError(`${name} must be a whole number of milliseconds (0 for no limit), not ${JSON.stringify(value)}`);
  return parsed;
}

function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigError(`${name} must be true or false, not ${JSON.stringify(value)}`);
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new ConfigError(`${name} must be a whole number (0 for no limit), not ${JSON.stringify(value)}`);
  return parsed;
}

function rotationDays(value: string | undefined): number {
  const days = Number(value ?? 30);
  if (!Number.isFinite(days) || days < 1) throw new ConfigError(`WARDEN_KEY_ROTATION_DAYS must be a number of days of at least 1, not ${JSON.stringify(value)}`);
  return days;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(`${name} must be true or false, not ${JSON.stringify(value)}`);
}

function retentionDays(value: string | undefined): number {
  if (value === undefined || value === '') return 90;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1) throw new ConfigError(`WARDEN_AUDIT_RETENTION_DAYS must be a whole number of days of at least 1, not ${JSON.stringify(value)}`);
  return days;
}

function hashConcurrency(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) throw new ConfigError(`WARDEN_PASSWORD_HASH_CONCURRENCY must be a whole number of at least 1, not ${JSON.stringify(value)}`);
  return limit;
}

function trustedProxies(value: string | undefined): string[] {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  try {
    new ClientAddress(entries);
  } catch (error) {
    throw new ConfigError(`WARDEN_TRUSTED_PROXIES must list IP addresses or CIDR ranges, separated by commas: ${(error as Error).message}`);
  }
  return entries;
}

function publicUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`WARDEN_PUBLIC_URL must be a URL such as https://iam.example.com, not ${JSON.stringify(value)}`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw new ConfigError(`WARDEN_PUBLIC_URL must be an http(s) URL without query or fragment, not ${JSON.stringify(value)}`);
  }
  return url.href.replace(/\/+$/, '');
}
