import { Writable } from 'node:stream';
import { NoSuchEntityError } from '@warden/iam';
import { GraphQLError, locatedError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { logUnexpectedError } from './unexpected-error-log.js';
import { MASKED_ERROR_MESSAGE, maskError } from './yoga.js';

/** A log line as JSON; err is the serialized error. */
type LogLine = Record<string, unknown> & { err?: { stack?: string } };

function capture() {
  const lines: LogLine[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line) as LogLine);
        done();
      },
    }),
  );
  return { logger, lines };
}

const REQUEST_ID = '3f0c8a52-1d2e-4c1b-9a53-6f1c0e2d7b94';
const requestFacts = { requestId: REQUEST_ID, sourceIp: undefined, userAgent: undefined, secureTransport: false, now: new Date() };

describe('logUnexpectedError', () => {
  it('writes one error line with the request id, the type, message, code and stack, and nothing else of the error', () => {
    const { logger, lines } = capture();
    const error = Object.assign(new TypeError('the store failed'), { code: 'XX000', parameters: ['hunter2'], detail: 'Key (password)=(hunter2)' });
    logUnexpectedError(logger, REQUEST_ID, error);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, requestId: REQUEST_ID, err: { type: 'TypeError', message: 'the store failed', code: 'XX000' } });
    expect(lines[0]?.['err']?.stack).toMatch(/^TypeError: the store failed\n\s+at /);
    expect(JSON.stringify(lines[0])).not.toContain('hunter2');
  });

  it('keeps the stacks of the causes, and describes what was thrown when it is no Error', () => {
    const { logger, lines } = capture();
    logUnexpectedError(logger, REQUEST_ID, new Error('outer', { cause: new RangeError('inner') }));
    logUnexpectedError(logger, REQUEST_ID, 'a thrown string');
    expect(lines[0]?.['err']?.stack).toMatch(/caused by: RangeError: inner/);
    expect(lines[1]).toMatchObject({ level: 50, requestId: REQUEST_ID, err: { type: 'string', message: 'a thrown string' } });
  });
});

describe('maskError, given the request context', () => {
  const document = parse('query($p: String!) { user(userName: $p) { __typename } }');

  it('masks an unexpected error and logs it once, from the error graphql wrapped and never the document', () => {
    const { logger, lines } = capture();
    const wrapped = locatedError(new Error('connection reset'), document.definitions, ['user']);
    const masked = maskError(wrapped, { logger, requestFacts });
    expect(masked.toJSON()).toEqual({ message: MASKED_ERROR_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, requestId: REQUEST_ID, err: { type: 'Error', message: 'connection reset' } });
    expect(JSON.stringify(lines[0])).not.toContain('userName');
    // Masking what is masked already changes and logs nothing (yoga's own masking comes after).
    expect(maskError(masked, { logger, requestFacts })).toBe(masked);
    expect(maskError(masked)).toBe(masked);
    expect(lines).toHaveLength(1);
  });

  it('logs nothing for what the client may see: IAM errors, errors of the request', () => {
    const { logger, lines } = capture();
    const iam = maskError(locatedError(new NoSuchEntityError('The user with name ghost cannot be found.'), document.definitions, ['user']), { logger, requestFacts });
    expect(iam.extensions).toEqual({ code: 'NoSuchEntity' });
    const ofTheRequest = new GraphQLError('Variable "$p" of required type "String!" was not provided.');
    expect(maskError(ofTheRequest, { logger, requestFacts })).toBe(ofTheRequest);
    expect(lines).toEqual([]);
  });
});
