import type { AuditEntry, AuditFilter } from '@warden/iam';
import { AccessDeniedError, InvalidInputError } from '@warden/iam';
import type { AccessLog } from './access-log.js';
import { AuthenticationError } from './authenticate.js';
import { type HttpExchange, logExchange } from './http-exchange.js';
import { graphQLErrorBody, sendJson } from './json-response.js';
import { buildRequestContext, type RequestContextSettings } from './request-context.js';
import { writeWithBackPressure } from './write-with-back-pressure.js';

export interface AuditExportOptions {
  readonly requestContext: RequestContextSettings;
  readonly accessLog: AccessLog;
  /** Fires when the server stops: an export in progress is cut then (its client resumes from its last cursor). */
  readonly streamsEnd?: AbortSignal | undefined;
}

type ExportFormat = 'ndjson' | 'csv';

/** The CSV columns, in order: the audit event's fields, the cursor first. */
const CSV_COLUMNS = ['cursor', 'position', 'occurredAt', 'type', 'streamId', 'actorArn', 'accessKeyId', 'sessionId', 'requestId', 'sourceIp', 'userAgent', 'resourceArn', 'data'] as const;

const PARAMETERS = new Set(['from', 'to', 'format', 'after', 'eventTypes', 'actor', 'resourceArn']);

/**
 * `GET /audit/export?from=…&to=…&format=ndjson|csv&after=CURSOR`: the caller's account's audit log
 * as a file, streamed. Signed like any request (SigV4 in the Authorization header or presigned in
 * the query, or a console session's bearer token) and allowed by `warden:GetAuditEvents`. It holds
 * one page of events at a time and writes the next only when the socket has drained, so memory does
 * not grow with the export. Each line (NDJSON) or row (CSV) carries its cursor: an export cut short
 * resumes with `after=` the last complete line's. An error after the first byte cannot change the
 * status, so the connection is cut, which a client sees as a truncated transfer, not as an end; so is
 * an export in progress when the server stops.
 */
export async function serveAuditExport(exchange: HttpExchange, options: AuditExportOptions): Promise<void> {
  const { request, response, requestId } = exchange;
  if (request.method !== 'GET') {
    sendJson(response, 405, graphQLErrorBody('The export is read with GET.', 'METHOD_NOT_ALLOWED'), { allow: 'GET', 'x-amzn-requestid': requestId });
    logExchange(options.accessLog, exchange, 405);
    return;
  }
  let asked: { filter: AuditFilter; format: ExportFormat; after: string | null };
  try {
    asked = exportRequestOf(new URLSearchParams(exchange.query));
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    sendJson(response, 400, graphQLErrorBody(error.message, 'INVALID_INPUT'), { 'x-amzn-requestid': requestId });
    logExchange(options.accessLog, exchange, 400);
    return;
  }
  let caller;
  try {
    caller = (await buildRequestContext(exchange, Buffer.alloc(0), undefined, options.requestContext)).context.caller;
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    sendJson(response, 401, { errors: [error.toJSON()] }, { 'x-amzn-requestid': requestId });
    logExchange(options.accessLog, exchange, 401);
    return;
  }
  let pages: AsyncGenerator<readonly AuditEntry[], void, undefined>;
  try {
    pages = await options.requestContext.iam.audit.export(caller, asked.filter, asked.after);
  } catch (error) {
    if (error instanceof AccessDeniedError || error instanceof InvalidInputError) {
      const status = error instanceof AccessDeniedError ? 403 : 400;
      sendJson(response, status, graphQLErrorBody(error.message, error instanceof AccessDeniedError ? 'ACCESS_DENIED' : 'INVALID_INPUT'), { 'x-amzn-requestid': requestId });
      logExchange(options.accessLog, exchange, status, caller.accessKeyId);
      return;
    }
    throw error;
  }
  response.writeHead(200, {
    'content-type': asked.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
    'content-disposition': `attachment; filename="warden-audit-${caller.accountId}.${asked.format === 'csv' ? 'csv' : 'ndjson'}"`,
    'cache-control': 'no-store',
    'x-amzn-requestid': requestId,
  });
  const cut = (): void => {
    response.destroy();
  };
  options.streamsEnd?.addEventListener('abort', cut, { once: true });
  try {
    if (asked.format === 'csv') await writeWithBackPressure(response, `${CSV_COLUMNS.join(',')}\r\n`);
    for await (const page of pages) {
      // Gone (the client, or the server stopping): the rest is not read.
      if (response.destroyed) break;
      // A page becomes one chunk before anything waits, so its rows are garbage before the socket drains.
      await writeWithBackPressure(response, page.map(asked.format === 'csv' ? csvRow : ndjsonLine).join(''));
    }
    if (!response.destroyed) response.end();
    logExchange(options.accessLog, exchange, 200, caller.accessKeyId);
  } catch (error) {
    response.destroy();
    logExchange(options.accessLog, exchange, 200, caller.accessKeyId);
    throw error;
  } finally {
    options.streamsEnd?.removeEventListener('abort', cut);
    // A generator left early (the client went away) is closed, which ends its read.
    await pages.return();
  }
}

function exportRequestOf(query: URLSearchParams): { filter: AuditFilter; format: ExportFormat; after: string | null } {
  // A presigned request's own X-Amz-* parameters are SigV4's to check.
  for (const name of query.keys()) if (!PARAMETERS.has(name) && !/^x-amz-/i.test(name)) throw new InvalidInputError(`Unknown parameter ${name}: the export takes ${[...PARAMETERS].join(', ')}.`);
  const format = query.get('format') ?? 'ndjson';
  if (format !== 'ndjson' && format !== 'csv') throw new InvalidInputError('format is ndjson or csv.');
  const from = instantOf(query, 'from');
  const to = instantOf(query, 'to');
  if (from && to && from.getTime() >= to.getTime()) throw new InvalidInputError('from must be before to.');
  const eventTypes = query
    .getAll('eventTypes')
    .flatMap((value) => value.split(','))
    .filter((value) => value !== '');
  return {
    filter: { from, to, eventTypes: eventTypes.length > 0 ? eventTypes : null, actor: query.get('actor'), resourceArn: query.get('resourceArn') },
    format,
    after: query.get('after'),
  };
}

/** An ISO 8601 date and time, with its zone, as GraphQL's DateTime takes it. */
function instantOf(query: URLSearchParams, name: string): Date | null {
  const value = query.get(name);
  if (value === null) return null;
  const instant = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? new Date(value) : undefined;
  if (!instant || Number.isNaN(instant.getTime())) throw new InvalidInputError(`${name} is not an ISO 8601 date and time (2026-12-05T14:00:00Z): ${JSON.stringify(value.slice(0, 64))}.`);
  return instant;
}

/** An NDJSON line: the event, its cursor first. */
function ndjsonLine(entry: AuditEntry): string {
  return `${JSON.stringify({ cursor: entry.cursor, ...entry.event })}\n`;
}

/** A CSV row as RFC 4180 writes one: every field quoted, quotes doubled, CRLF at the end. */
function csvRow(entry: AuditEntry): string {
  const { event } = entry;
  const values: Record<(typeof CSV_COLUMNS)[number], string | null> = {
    cursor: entry.cursor,
    position: event.position,
    occurredAt: event.occurredAt.toISOString(),
    type: event.type,
    streamId: event.streamId,
    actorArn: event.actorArn,
    accessKeyId: event.accessKeyId,
    sessionId: event.sessionId,
    requestId: event.requestId,
    sourceIp: event.sourceIp,
    userAgent: event.userAgent,
    resourceArn: event.resourceArn,
    data: JSON.stringify(event.data),
  };
  return `${CSV_COLUMNS.map((column) => `"${(values[column] ?? '').replaceAll('"', '""')}"`).join(',')}\r\n`;
}
