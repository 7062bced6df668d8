import { describe, expect, it } from 'vitest';
import { AddressRateLimit } from './address-rate-limit.js';

describe('AddressRateLimit', () => {
  it('lets the ceiling through each minute, per address, then says how long to wait', () => {
    const limit = new AddressRateLimit(3);
    const at = new Date('2026-11-28T12:00:15Z');
    expect([1, 2, 3].map(() => limit.take('192.0.2.1', at))).toEqual([0, 0, 0]);
    expect(limit.take('192.0.2.1', at)).toBe(45);
    expect(limit.take('192.0.2.2', at)).toBe(0);
    expect(limit.take('192.0.2.1', new Date('2026-11-28T12:01:00Z'))).toBe(0);
  });
});
