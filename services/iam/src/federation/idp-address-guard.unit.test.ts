import { describe, expect, it } from 'vitest';
import { isRefusedIdpAddress } from './idp-address-guard.js';

describe('isRefusedIdpAddress', () => {
  it('refuses loopback, private, link-local, CGNAT, unspecified, multicast and reserved addresses, in IPv4-mapped form too', () => {
    for (const address of [
      '127.0.0.1',
      '127.255.255.254',
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.255',
      '0.0.0.0',
      '224.0.0.251',
      '239.255.255.250',
      '255.255.255.255',
      '::',
      '::1',
      'fc00::1',
      'fdff:ffff::1',
      'fe80::1',
      'febf::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:169.254.169.254',
      '::ffff:192.168.1.1',
      'not an address',
    ])
      expect(isRefusedIdpAddress(address), address).toBe(true);
  });

  it('admits public addresses, just outside the refused ranges', () => {
    for (const address of ['8.8.8.8', '172.32.0.1', '172.15.255.255', '100.128.0.1', '100.63.255.255', '169.255.0.1', '11.0.0.1', '2606:4700:4700::1111', 'fbff::1', 'fe7f::1', '::ffff:8.8.8.8'])
      expect(isRefusedIdpAddress(address), address).toBe(false);
  });
});
