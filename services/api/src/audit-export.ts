import type { AuditFilter, AuditLogPageEntry, AuditOutcome } from '@warden/iam';
import { AccessDeniedError, AUDIT_ENTRY_FIELDS, auditEntryFields, InvalidInputError } from '@warden/iam';
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

/** The CSV columns, in order: the cursor, then an audit entry's fields (`AuditEntryFields`: an event's and a call record's alike). */
const CSV_COLUMNS = ['cursor', ...AUDIT_ENTRY_FIELDS] as const;

/** Parameters that are lists: repeated, or comma-separated, or both. */
const LIST_PARAMETERS = ['eventTypes', 'operations', 'outcomes', 'errorCodes'] as const;
const PARAMETERS = new Set(['from', 'to', 'format', 'after', 'actor', 'principal', 'resourceArn', 'sourceIp', ...LIST_PARAMETERS]);
const OUTCOMES: ReadonlySet<string> = new Set<AuditOutcome>(['SUCCESS', 'DENIED', 'FAILED']);

/**
 * `GET /audit/export?from=…&to=…&format=ndjson|csv&after=CURSOR`: the caller's account's audit log
 * (its events and its call records, through the `auditEvents` query's filter, in its order, newest
 * first, with its cursors) as a file, streamed. Signed like any request (SigV4 in the Authorization header or presigned in
 * the query, or a console session's bearer token) and allowed by `warden:GetAuditEvents`. It holds
 * one page of entries at a time and writes the next only when the socket has drained, so memory does
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
  let pages: AsyncGenerator<readonly AuditLogPageEntry[], void, undefined>;
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
  const list = (name: (typeof LIST_PARAMETERS)[number]): string[] | null => {
    const values = query
      .getAll(name)
      .flatMap((value) => value.split(','))
      .filter((value) => value !== '');
    return values.length > 0 ? values : null;
  };
  const outcomes = list('outcomes');
  for (const outcome of outcomes ?? []) if (!OUTCOMES.has(outcome)) throw new InvalidInputError(`outcomes are ${[...OUTCOMES].join(', ')}: ${JSON.stringify(outcome.slice(0, 64))}.`);
  return {
    filter: {
      from,
      to,
      eventTypes: list('eventTypes'),
      operations: list('operations'),
      outcomes: outcomes as AuditOutcome[] | null,
      errorCodes: list('errorCodes'),
      actor: query.get('actor'),
      principal: query.get('principal'),
      resourceArn: query.get('resourceArn'),
      sourceIp: query.get('sourceIp'),
    },
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

/** An NDJSON line: the entry's fields, its cursor first. */
function ndjsonLine(entry: AuditLogPageEntry): string {
  return `${JSON.stringify({ cursor: entry.cursor, ...auditEntryFields(entry.entry) })}\n`;
}

/** A CSV row as RFC 4180 writes one: every field quoted, quotes doubled, CRLF at the end; lists and JSON values as JSON, null as empty. */
function csvRow(entry: AuditLogPageEntry): string {
  const fields: Record<string, unknown> = { cursor: entry.cursor, ...auditEntryFields(entry.entry) };
  return `${CSV_COLUMNS.map((column) => `"${csvText(fields[column]).replaceAll('"', '""')}"`).join(',')}\r\n`;
}

function csvText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}
