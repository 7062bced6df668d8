import { describe, expect, it } from 'vitest';
import { AddressRateLimit, addressKey } from './address-rate-limit.js';

describe('AddressRateLimit', () => {
  it('refuses an address after the ceiling of failures in a minute, until the next minute; successes do not count', () => {
    const limit = new AddressRateLimit(3);
    const at = new Date('2026-11-28T12:00:15Z');
    for (let i = 0; i < 3; i++) {
      expect(limit.retryAfter('192.0.2.1', at)).toBe(0);
      limit.record('192.0.2.1', at);
    }
    expect(limit.retryAfter('192.0.2.1', at)).toBe(45);
    expect(limit.retryAfter('192.0.2.2', at)).toBe(0);
    expect(limit.retryAfter('192.0.2.1', new Date('2026-11-28T12:01:00Z'))).toBe(0);
  });

  it('counts IPv6 addresses by /64', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:0db8:0001:0002::/64');
    expect(addressKey('2001:db8:1:2::ffff')).toBe(addressKey('2001:DB8:1:2:1:2:3:4'));
    expect(addressKey('::1')).toBe('0000:0000:0000:0000::/64');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    const limit = new AddressRateLimit(1);
    const at = new Date('2026-11-28T12:00:00Z');
    limit.record('2001:db8:1:2::1', at);
    expect(limit.retryAfter('2001:db8:1:2::2', at)).toBe(60);
    expect(limit.retryAfter('2001:db8:1:3::1', at)).toBe(0);
  });
});
