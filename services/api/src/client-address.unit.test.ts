import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ClientAddress } from './client-address.js';
import { ConfigError, readConfig } from './config.js';

const request = (peer: string, forwardedFor?: string, proto?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: { ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }), ...(proto === undefined ? {} : { 'x-forwarded-proto': proto }) },
  }) as unknown as IncomingMessage;

describe('ClientAddress', () => {
  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    const addresses = new ClientAddress();
    expect(addresses.of(request('::ffff:198.51.100.7', '203.0.113.9'))).toBe('198.51.100.7');
  });

  it('behind trusted proxies, is the nearest forwarded address that is not a proxy', () => {
    const addresses = new ClientAddress(['10.0.0.0/8', '::1']);
    expect(addresses.of(request('10.1.2.3', '203.0.113.9'))).toBe('203.0.113.9');
    // A client cannot pick its address: what it put in the header is further out than the real hop.
    expect(addresses.of(request('10.1.2.3', '1.2.3.4, 203.0.113.9, 10.9.9.9'))).toBe('203.0.113.9');
    expect(addresses.of(request('::1', 'not-an-ip, 198.51.100.20'))).toBe('198.51.100.20');
    // Ports, as some proxies write them, are not addresses to skip past.
    expect(addresses.of(request('10.1.2.3', '6.6.6.6, 203.0.113.9:5555'))).toBe('203.0.113.9');
    expect(addresses.of(request('10.1.2.3', '6.6.6.6, [2001:db8::1]:443'))).toBe('2001:db8::1');
    // A hop that is no address ends the walk: what the client wrote beyond it is not believed.
    expect(addresses.of(request('10.1.2.3', '6.6.6.6, garbage'))).toBe('10.1.2.3');
    expect(addresses.of(request('10.1.2.3', '6.6.6.6, garbage, 10.5.5.5'))).toBe('10.5.5.5');
    // Only proxies in the chain: the furthest one.
    expect(addresses.of(request('10.1.2.3', '10.4.4.4'))).toBe('10.4.4.4');
    expect(addresses.of(request('10.1.2.3'))).toBe('10.1.2.3');
    // An untrusted peer's header is ignored.
    expect(addresses.of(request('198.51.100.1', '203.0.113.9'))).toBe('198.51.100.1');
  });

  it('says TLS was used only when a trusted proxy says so', () => {
    const addresses = new ClientAddress(['10.0.0.0/8']);
    expect(addresses.secure(request('10.1.2.3', '203.0.113.9', 'https'))).toBe(true);
    expect(addresses.secure(request('10.1.2.3', '203.0.113.9', 'http, https'))).toBe(true);
    expect(addresses.secure(request('10.1.2.3', '203.0.113.9', 'https, http'))).toBe(false);
    expect(addresses.secure(request('10.1.2.3', '203.0.113.9'))).toBe(false);
    expect(addresses.secure(request('198.51.100.1', undefined, 'https'))).toBe(false);
    expect(new ClientAddress().secure(request('10.1.2.3', undefined, 'https'))).toBe(false);
  });

  it('refuses a malformed configuration', () => {
    expect(() => new ClientAddress(['not-an-address'])).toThrow(/not an IP address/);
    expect(() => new ClientAddress(['10.0.0.0/33'])).toThrow(/prefix length/);
    expect(() => new ClientAddress(['10.0.0.0/'])).toThrow(/not an IP address/);
    expect(() => new ClientAddress(['10.0.0.0/8/9'])).toThrow(/not an IP address/);
    expect(() => readConfig({ WARDEN_TRUSTED_PROXIES: '10.0.0.1, nonsense' })).toThrow(ConfigError);
    expect(readConfig({ WARDEN_TRUSTED_PROXIES: ' 10.0.0.0/8 , ::1 ' }).trustedProxies).toEqual(['10.0.0.0/8', '::1']);
    expect(readConfig({}).trustedProxies).toEqual([]);
  });
});
