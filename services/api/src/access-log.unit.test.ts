import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { accessLogOf } from './access-log.js';
import { createLogger } from './logger.js';

/** A log line as JSON. */
type LogLine = Record<string, unknown> & { time: number };

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('the access log', () => {
  const entry = { requestId: '8d7c6b5a-0000-4000-8000-000000000001', method: 'POST', path: '/graphql', status: 200, ms: 1.3, accessKeyId: 'AKIAWARDENTEST000001' };

  it('is an info line of the application logger, with its service field and its message', () => {
    const { lines, stream } = capture();
    accessLogOf(createLogger('info', stream)).request(entry);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as LogLine;
    expect(Math.abs(line.time - Date.now())).toBeLessThan(5_000);
    expect({ ...line, time: 0, pid: 0, hostname: '' }).toEqual({ level: 30, time: 0, pid: 0, hostname: '', service: 'warden', ...entry, msg: 'request' });
  });

  it('carries the trace and span ids when the request is traced, and leaves out what is absent', () => {
    const { lines, stream } = capture();
    const log = accessLogOf(createLogger('info', stream));
    log.request({ ...entry, trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' });
    log.request({ ...entry, method: undefined, accessKeyId: undefined, trace_id: undefined, span_id: undefined });
    expect(JSON.parse(lines[0]!)).toMatchObject({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331', msg: 'request' });
    const untraced = JSON.parse(lines[1]!) as LogLine;
    expect('trace_id' in untraced || 'span_id' in untraced || 'method' in untraced || 'accessKeyId' in untraced).toBe(false);
  });

  it('escapes what the client shaped', () => {
    const { lines, stream } = capture();
    accessLogOf(createLogger('info', stream)).request({ ...entry, path: '/x"},"status":500,"y\\\n' });
    const line = JSON.parse(lines[0]!) as LogLine;
    expect(line.path).toBe('/x"},"status":500,"y\\\n');
    expect(line.status).toBe(200);
    expect(lines[0]!.split('\n')).toHaveLength(2);
  });

  it("goes through the logger's redaction rules", () => {
    const { lines, stream } = capture();
    // A field the entry never has: were one added that a rule covers, the rule would apply to it.
    accessLogOf(createLogger('info', stream)).request({ ...entry, token: 'a-session-token' } as typeof entry);
    expect(lines[0]).not.toContain('a-session-token');
    expect(JSON.parse(lines[0]!)).toMatchObject({ token: '[redacted]' });
  });

  it('follows the logger level, also when it changes at run time', () => {
    const { lines, stream } = capture();
    const logger = createLogger('warn', stream);
    accessLogOf(logger).request(entry);
    expect(lines).toEqual([]);
    logger.level = 'info';
    accessLogOf(logger).request(entry);
    expect(lines).toHaveLength(1);
  });
});
