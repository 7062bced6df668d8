import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * The client's address: the socket's, unless the socket is a trusted proxy
 * (WARDEN_TRUSTED_PROXIES), in which case the nearest address in X-Forwarded-For that is not itself
 * a trusted proxy. Untrusted peers cannot choose their address by sending the header. It is what
 * aws:SourceIp and sign-in throttling by address see.
 */
export class ClientAddress {
  private readonly trusted: BlockList | undefined;

  /** `proxies`: addresses and CIDR ranges (`10.0.0.0/8`, `::1`), as configured. */
  constructor(proxies: readonly string[] = []) {
    if (proxies.length === 0) return;
    this.trusted = new BlockList();
    for (const entry of proxies) {
      const [address, prefix] = entry.split('/');
      const family = isIP(address ?? '');
      if (family === 0) throw new Error(`${JSON.stringify(entry)} is not an IP address or CIDR range`);
      const type = family === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.trusted.addAddress(address!, type);
      else {
        const bits = Number(prefix);
        if (!Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) throw new Error(`${JSON.stringify(entry)} has no valid prefix length`);
        this.trusted.addSubnet(address!, bits, type);
      }
    }
  }

  private isTrusted(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.trusted!.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }

  of(request: IncomingMessage): string | undefined {
    const peer = unmapped(request.socket.remoteAddress);
    if (!this.trusted || peer === undefined || !this.isTrusted(peer)) return peer;
    const header = request.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((hop) => unmapped(hop.trim())!).filter((hop) => isIP(hop) !== 0);
    // From the nearest hop outwards: the first that is not one of our proxies is the client.
    for (let index = hops.length - 1; index >= 0; index--) if (!this.isTrusted(hops[index]!)) return hops[index];
    return hops[0] ?? peer;
  }
}

function unmapped(address: string | undefined): string | undefined {
  return address?.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
