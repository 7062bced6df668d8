import { pino, type Logger } from 'pino';

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

/** The `service` field of every line. */
const SERVICE = 'warden';

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  // Synchronous: a crash loses no line waiting in a buffer, and writing asynchronously was no faster (docs/performance.md).
  const target = destination ?? pino.destination({ dest: 1, sync: true });
  const logger = pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: SERVICE } }, target as never);
  return logger;
}

export type { Logger };
