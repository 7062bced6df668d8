import { pino, type Logger } from 'pino';
import { type AccessLog, accessLogThrough, accessLogTo } from './access-log.js';

/**
 * Structured logs that never carry a secret: request bodies are not logged at all, and these paths
 * are redacted wherever they appear.
 */
export const REDACTED_PATHS = [
  'secretAccessKey',
  '*.secretAccessKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-amz-security-token"]',
  'password',
  '*.password',
  'token',
  '*.token',
  'newPassword',
  '*.newPassword',
  'mfaCode',
  '*.mfaCode',
  'base32StringSeed',
  '*.base32StringSeed',
  'headers.cookie',
];

const accessLogs = new WeakMap<Logger, AccessLog>();

/** The `service` field of every line. */
const SERVICE = 'warden';

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const target = destination ?? pino.destination({ dest: 1, sync: true });
  const logger = pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: SERVICE } }, target as never);
  // The same destination, written the same way (synchronously): lines of the two never interleave,
  // and none waits in a buffer that a crash would lose. Writing asynchronously was no faster
  // (docs/performance.md).
  accessLogs.set(logger, accessLogTo(logger, target, SERVICE));
  return logger;
}

/** The access log that goes with a logger: same level and destination (see access-log.ts). */
export function accessLogOf(logger: Logger): AccessLog {
  return accessLogs.get(logger) ?? accessLogThrough(logger);
}

export type { Logger };
