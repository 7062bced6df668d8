import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { accessLogOf, createLogger } from './logger.js';

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

  it('writes the line pino would write for the same fields, one JSON object per line', () => {
    const ours = capture();
    accessLogOf(createLogger('info', ours.stream)).request(entry);
    const theirs = capture();
    pino({ base: { service: 'warden' } }, theirs.stream).info({ ...entry }, 'request');
    expect(ours.lines).toHaveLength(1);
    expect(ours.lines[0]!.endsWith('}\n')).toBe(true);
    const [line, reference] = [JSON.parse(ours.lines[0]!) as LogLine, JSON.parse(theirs.lines[0]!) as LogLine];
    expect(Math.abs(line.time - Date.now())).toBeLessThan(5_000);
    expect({ ...line, time: 0 }).toEqual({ ...reference, time: 0 });
    expect(Object.keys(line)).toEqual(Object.keys(reference));
  });

  it('escapes what the client shaped and leaves out what is absent', () => {
    const { lines, stream } = capture();
    accessLogOf(createLogger('info', stream)).request({ ...entry, method: undefined, path: '/x"},"status":500,"y\\\n', accessKeyId: undefined });
    const line = JSON.parse(lines[0]!) as LogLine;
    expect(line.path).toBe('/x"},"status":500,"y\\\n');
    expect(line.status).toBe(200);
    expect('method' in line || 'accessKeyId' in line).toBe(false);
    expect(lines[0]!.split('\n')).toHaveLength(2);
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

  it('goes through the logger itself when the logger was made elsewhere', () => {
    const { lines, stream } = capture();
    accessLogOf(pino({ base: { service: 'other' } }, stream)).request(entry);
    expect(JSON.parse(lines[0]!)).toMatchObject({ service: 'other', msg: 'request', requestId: entry.requestId });
  });
});
