import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../kernel/iam-error.js';
import { decodeAuditLogCursor, decodeCommitOrderCursor, encodeAuditLogCursor, encodeCommitOrderCursor } from './audit-cursor.js';

const text = (raw: string) => Buffer.from(raw, 'utf8').toString('base64url');

describe('audit cursors', () => {
  it('a page cursor decodes to the key it was made from', () => {
    const key = { occurredAt: '2026-12-06T10:11:12.123456Z', kind: 'CALL' as const, id: '42' };
    expect(decodeAuditLogCursor(encodeAuditLogCursor(key))).toEqual(key);
  });

  it.each([
    ['an id with leading zeros', '2026-12-06T10:11:12.123456Z|C|0042'],
    ['30 February', '2026-02-30T10:11:12.123456Z|E|1'],
    ['24:00', '2026-12-06T24:00:00.000000Z|E|1'],
    ['an id past int8', '2026-12-06T10:11:12.123456Z|E|9223372036854775808'],
    ['a kind that is neither', '2026-12-06T10:11:12.123456Z|X|1'],
  ])('a page cursor with %s is refused', (_, raw) => {
    expect(() => decodeAuditLogCursor(text(raw))).toThrow(InvalidInputError);
  });

  it('a commit-order cursor has one spelling per key', () => {
    const key = { transactionId: '900', kind: 'EVENT' as const, id: '7' };
    expect(decodeCommitOrderCursor(encodeCommitOrderCursor(key))).toEqual(key);
    expect(() => decodeCommitOrderCursor(text('0900|E|7'))).toThrow(InvalidInputError);
    expect(() => decodeCommitOrderCursor(text('900|E|07'))).toThrow(InvalidInputError);
  });
});
