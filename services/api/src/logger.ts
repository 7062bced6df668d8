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

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'warden' } }, destination as never);
}

export type { Logger };
