import type { Logger } from 'pino';

/** One line per request; its fields are fixed and hold no secret. */
export interface AccessLogEntry {
  readonly requestId: string;
  readonly method: string | undefined;
  readonly path: string;
  readonly status: number;
  /** Time spent, in milliseconds, to a tenth. */
  readonly ms: number;
  readonly accessKeyId?: string | undefined;
  /** The request's trace and server span (OpenTelemetry's names for them in a log record), when it is traced. */
  readonly trace_id?: string | undefined;
  readonly span_id?: string | undefined;
}

export interface AccessLog {
  request(entry: AccessLogEntry): void;
}

/**
 * The access log: an info line of the application's logger, with its level, destination and
 * redaction rules, like every other line. Absent fields (no access key, no trace) are left out.
 */
export function accessLogOf(logger: Logger): AccessLog {
  return {
    request(entry) {
      logger.info(entry, 'request');
    },
  };
}
