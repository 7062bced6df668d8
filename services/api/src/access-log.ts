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
}

export interface AccessLog {
  request(entry: AccessLogEntry): void;
}

/**
 * The access log, written as one string straight to the application log's destination, in the
 * application log's shape (pino's: level, time, service, the fields, msg). It is the one line
 * every request writes, and going through pino cost more than the rest of its work: redaction,
 * which its fixed fields, none of them secret, do not need, and the intermediate strings of pino's
 * line building (docs/performance.md). Written only when the logger's level lets info lines
 * through, checked per line, so a level changed at run time applies.
 */
export function accessLogTo(logger: Logger, destination: { write(line: string): unknown }, service: string): AccessLog {
  const prefix = `{"level":${logger.levels.values['info']},"time":`;
  const serviceField = `,"service":${JSON.stringify(service)}`;
  return {
    request(entry) {
      if (!logger.isLevelEnabled('info')) return;
      // Every value a client could shape (method, path) goes through JSON.stringify.
      destination.write(
        `${prefix}${Date.now()}${serviceField},"requestId":${JSON.stringify(entry.requestId)}${entry.method === undefined ? '' : `,"method":${JSON.stringify(entry.method)}`},"path":${JSON.stringify(entry.path)},"status":${entry.status},"ms":${entry.ms}${entry.accessKeyId ? `,"accessKeyId":${JSON.stringify(entry.accessKeyId)}` : ''},"msg":"request"}\n`,
      );
    },
  };
}

/** The access log of a logger that was not made by createLogger: its own info lines. */
export function accessLogThrough(logger: Logger): AccessLog {
  return {
    request(entry) {
      logger.info({ ...entry }, 'request');
    },
  };
}
