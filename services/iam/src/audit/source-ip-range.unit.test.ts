import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../kernel/iam-error.js';
import { sourceIpRange } from './source-ip-range.js';

describe('sourceIpRange', () => {
  it.each(['203.0.113.7', '203.0.113.0/24', '0.0.0.0/0', '10.1.2.3/32', '2001:db8::1', '2001:db8::/32', '::/0', '::ffff:192.0.2.1/128'])('takes %s', (text) => {
    expect(sourceIpRange(text)).toBe(text);
  });

  it.each(['', 'localhost', '203.0.113.0/33', '203.0.113/24', '203.0.113.0/', '203.0.113.0/-1', '2001:db8::/129', 'fe80::1%eth0', '203.0.113.0/24/1', '999.0.0.1', ' 203.0.113.7'])(
    'refuses %j as invalid input',
    (text) => {
      expect(() => sourceIpRange(text)).toThrow(InvalidInputError);
    },
  );
});
