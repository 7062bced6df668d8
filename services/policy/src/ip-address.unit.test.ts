import { describe, expect, it } from 'vitest';
import { type CidrBlock, cidrContains, parseCidr, parseIpAddress } from './ip-address.js';

function bytes(text: string): number[] | undefined {
  const parsed = parseIpAddress(text);
  return parsed ? [...parsed] : undefined;
}

function contains(cidr: string, address: string): boolean {
  const block = parseCidr(cidr);
  const parsed = parseIpAddress(address);
  if (!block || !parsed) throw new Error(`bad fixture ${cidr} / ${address}`);
  return cidrContains(block, parsed);
}

describe('parseIpAddress: IPv4', () => {
  it('reads four decimal octets', () => {
    expect(bytes('203.0.113.5')).toEqual([203, 0, 113, 5]);
    expect(bytes('0.0.0.0')).toEqual([0, 0, 0, 0]);
    expect(bytes('255.255.255.255')).toEqual([255, 255, 255, 255]);
  });

  it('refuses octets above 255', () => {
    expect(bytes('256.1.1.1')).toBeUndefined();
    expect(bytes('1.1.1.999')).toBeUndefined();
    expect(bytes('1000.1.1.1')).toBeUndefined();
  });

  it('refuses leading zeros', () => {
    expect(bytes('01.2.3.4')).toBeUndefined();
    expect(bytes('1.2.3.04')).toBeUndefined();
    expect(bytes('1.2.3.00')).toBeUndefined();
  });

  it('refuses the wrong number of parts and stray characters', () => {
    expect(bytes('1.2.3')).toBeUndefined();
    expect(bytes('1.2.3.4.5')).toBeUndefined();
    expect(bytes('1.2.3.')).toBeUndefined();
    expect(bytes('')).toBeUndefined();
    expect(bytes('1.2.3.-4')).toBeUndefined();
    expect(bytes('1.2.3.+4')).toBeUndefined();
    expect(bytes(' 1.2.3.4')).toBeUndefined();
    expect(bytes('1.2.3.4 ')).toBeUndefined();
    expect(bytes('a.b.c.d')).toBeUndefined();
  });
});

describe('parseIpAddress: IPv6', () => {
  it('reads eight full groups', () => {
    expect(bytes('2001:0db8:0000:0000:0000:0000:0000:0001')).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(bytes('2001:db8:0:0:0:0:0:1')).toEqual(bytes('2001:0db8:0000:0000:0000:0000:0000:0001'));
  });

  it('expands :: to the missing zero groups', () => {
    expect(bytes('::')).toEqual(new Array<number>(16).fill(0));
    expect(bytes('::1')).toEqual([...new Array<number>(15).fill(0), 1]);
    expect(bytes('2001:db8::')).toEqual([0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(12).fill(0)]);
    expect(bytes('2001:db8::1')).toEqual(bytes('2001:db8:0:0:0:0:0:1'));
    expect(bytes('1:2:3::6:7:8')).toEqual(bytes('1:2:3:0:0:6:7:8'));
  });

  it('accepts upper- and lower-case hex alike', () => {
    expect(bytes('2001:DB8:ABCD::')).toEqual(bytes('2001:db8:abcd::'));
  });

  it('reads an embedded IPv4 address in the last 32 bits', () => {
    expect(bytes('::ffff:192.0.2.1')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]);
    expect(bytes('::192.0.2.1')).toEqual([...new Array<number>(12).fill(0), 192, 0, 2, 1]);
    expect(bytes('1:2:3:4:5:6:1.2.3.4')).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4]);
  });

  it('refuses an invalid or misplaced embedded IPv4', () => {
    expect(bytes('::ffff:256.0.2.1')).toBeUndefined();
    expect(bytes('::ffff:01.0.2.1')).toBeUndefined();
    expect(bytes('1.2.3.4::')).toBeUndefined();
    expect(bytes('1.2.3.4::1')).toBeUndefined();
    expect(bytes('::1.2.3.4:1')).toBeUndefined();
    expect(bytes('1:2:3:4:5:6:7:1.2.3.4')).toBeUndefined();
  });

  it('refuses more than one ::', () => {
    expect(bytes('1::2::3')).toBeUndefined();
    expect(bytes('::1::')).toBeUndefined();
  });

  it('refuses :: that stands for no group at all', () => {
    expect(bytes('1:2:3:4:5:6:7::8')).toBeUndefined();
    expect(bytes('1:2:3:4::5:6:7:8')).toBeUndefined();
  });

  it('refuses the wrong number of groups and malformed groups', () => {
    expect(bytes('1:2:3:4:5:6:7')).toBeUndefined();
    expect(bytes('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(bytes('12345::')).toBeUndefined();
    expect(bytes('g::')).toBeUndefined();
    expect(bytes(':1:2:3:4:5:6:7')).toBeUndefined();
    expect(bytes('1:2:3:4:5:6:7:')).toBeUndefined();
    expect(bytes(':::')).toBeUndefined();
    expect(bytes('1:::2')).toBeUndefined();
    expect(bytes('fe80::1%eth0')).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it('reads an IPv4 CIDR block', () => {
    const block = parseCidr('203.0.113.0/24');
    expect(block && [...block.bytes]).toEqual([203, 0, 113, 0]);
    expect(block?.prefixLength).toBe(24);
  });

  it('reads an IPv6 CIDR block', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_IPAddress — IPv6 blocks such as 2001:DB8:1234:5678::/64 are accepted
    const block = parseCidr('2001:DB8:1234:5678::/64');
    expect(block?.prefixLength).toBe(64);
    expect(block && [...block.bytes]).toEqual(bytes('2001:db8:1234:5678::'));
  });

  it('treats a bare address as a single host', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_IPAddress — "an address without a prefix length means /32"
    expect(parseCidr('203.0.113.5')?.prefixLength).toBe(32);
    expect(parseCidr('2001:db8::1')?.prefixLength).toBe(128);
  });

  it('accepts /0 and the maximum prefix, refuses larger', () => {
    expect(parseCidr('0.0.0.0/0')?.prefixLength).toBe(0);
    expect(parseCidr('203.0.113.5/32')?.prefixLength).toBe(32);
    expect(parseCidr('203.0.113.5/33')).toBeUndefined();
    expect(parseCidr('::/0')?.prefixLength).toBe(0);
    expect(parseCidr('2001:db8::1/128')?.prefixLength).toBe(128);
    expect(parseCidr('2001:db8::1/129')).toBeUndefined();
  });

  it('refuses malformed prefixes and addresses', () => {
    expect(parseCidr('203.0.113.0/')).toBeUndefined();
    expect(parseCidr('203.0.113.0/-1')).toBeUndefined();
    expect(parseCidr('203.0.113.0/24x')).toBeUndefined();
    expect(parseCidr('203.0.113.0/1234')).toBeUndefined();
    expect(parseCidr('203.0.113.0/24/8')).toBeUndefined();
    expect(parseCidr('256.0.113.0/24')).toBeUndefined();
    expect(parseCidr('/24')).toBeUndefined();
    expect(parseCidr('')).toBeUndefined();
  });
});

describe('cidrContains', () => {
  it('contains addresses inside the block and no others', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_IPAddress — IpAddress matches when the address lies in the CIDR range
    expect(contains('203.0.113.0/24', '203.0.113.0')).toBe(true);
    expect(contains('203.0.113.0/24', '203.0.113.255')).toBe(true);
    expect(contains('203.0.113.0/24', '203.0.114.0')).toBe(false);
    expect(contains('203.0.113.0/24', '203.0.112.255')).toBe(false);
  });

  it('handles prefixes that are not multiples of eight', () => {
    expect(contains('10.0.0.0/9', '10.127.255.255')).toBe(true);
    expect(contains('10.0.0.0/9', '10.128.0.0')).toBe(false);
    expect(contains('192.0.2.0/31', '192.0.2.1')).toBe(true);
    expect(contains('192.0.2.0/31', '192.0.2.2')).toBe(false);
    expect(contains('2001:db8::/33', '2001:db8:7fff::1')).toBe(true);
    expect(contains('2001:db8::/33', '2001:db8:8000::1')).toBe(false);
  });

  it('a bare address matches only itself', () => {
    expect(contains('203.0.113.5', '203.0.113.5')).toBe(true);
    expect(contains('203.0.113.5', '203.0.113.6')).toBe(false);
    expect(contains('2001:db8::1', '2001:db8::1')).toBe(true);
    expect(contains('2001:db8::1', '2001:db8::2')).toBe(false);
  });

  it('ignores host bits set in the block address', () => {
    expect(contains('203.0.113.77/24', '203.0.113.200')).toBe(true);
    expect(contains('203.0.113.77/24', '203.0.114.77')).toBe(false);
  });

  it('/0 contains every address of its own family only', () => {
    expect(contains('0.0.0.0/0', '198.51.100.7')).toBe(true);
    expect(contains('0.0.0.0/0', '2001:db8::1')).toBe(false);
    expect(contains('::/0', '2001:db8::1')).toBe(true);
    expect(contains('::/0', '198.51.100.7')).toBe(false);
  });

  it('an IPv4 block never matches an IPv6 address, not even the IPv4-mapped form', () => {
    expect(contains('203.0.113.0/24', '::ffff:203.0.113.5')).toBe(false);
    expect(contains('::ffff:203.0.113.0/120', '203.0.113.5')).toBe(false);
    expect(contains('::ffff:203.0.113.0/120', '::ffff:203.0.113.5')).toBe(true);
  });

  it('works on hand-built blocks', () => {
    const block: CidrBlock = { bytes: Uint8Array.from([10, 0, 0, 0]), prefixLength: 8 };
    expect(cidrContains(block, Uint8Array.from([10, 255, 0, 1]))).toBe(true);
    expect(cidrContains(block, Uint8Array.from([11, 0, 0, 1]))).toBe(false);
  });
});
