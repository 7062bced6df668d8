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

const accessLogs = new WeakMap<Logger, Logger>();

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const logger = pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'warden' } }, (destination ?? pino.destination({ dest: 1, sync: true })) as never);
  // Access lines to stdout are buffered (4 KiB, flushed at exit): one write per line would be a
  // system call per request. The other logs stay synchronous, so nothing that explains a crash is lost.
  const accessDestination = destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 });
  if (!destination) {
    process.once('exit', () => {
      try {
        (accessDestination as ReturnType<typeof pino.destination>).flushSync();
      } catch {
        // A write still in flight at exit: its lines are lost, never the process's exit.
      }
    });
  }
  accessLogs.set(logger, pino({ level, base: { service: 'warden' } }, accessDestination as never));
  return logger;
}

/**
 * The one-line-per-request access log: its fields are fixed (request id, method, path, status,
 * time, access key id) and hold no secret, so it skips redaction, which costs 15 µs a line here,
 * more than the rest of the line. Same level and destination as the logger it comes with.
 */
export function accessLogOf(logger: Logger): Logger {
  return accessLogs.get(logger) ?? logger;
}

export type { Logger };
