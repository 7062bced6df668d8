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
      const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(entry);
      const family = match ? isIP(match[1]!) : 0;
      if (!match || family === 0) throw new Error(`${JSON.stringify(entry)} is not an IP address or CIDR range`);
      const type = family === 6 ? 'ipv6' : 'ipv4';
      if (match[2] === undefined) this.trusted.addAddress(match[1]!, type);
      else {
        const bits = Number(match[2]);
        if (bits > (family === 6 ? 128 : 32)) throw new Error(`${JSON.stringify(entry)} has no valid prefix length`);
        this.trusted.addSubnet(match[1]!, bits, type);
      }
    }
  }

  private isTrusted(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.trusted!.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }

  /**
   * Whether the client's connection used TLS (aws:SecureTransport). This server speaks plain HTTP,
   * so only a trusted proxy that ended TLS can say so, in X-Forwarded-Proto (its nearest value).
   */
  secure(request: IncomingMessage): boolean {
    const peer = unmapped(request.socket.remoteAddress);
    if (!this.trusted || peer === undefined || !this.isTrusted(peer)) return false;
    const header = request.headers['x-forwarded-proto'];
    const nearest = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').pop()?.trim().toLowerCase();
    return nearest === 'https';
  }

  of(request: IncomingMessage): string | undefined {
    const peer = unmapped(request.socket.remoteAddress);
    if (!this.trusted || peer === undefined || !this.isTrusted(peer)) return peer;
    const header = request.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((hop) => withoutPort(hop.trim()));
    // From the nearest hop outwards: the first that is not one of our proxies is the client. A hop
    // that is no address ends the walk at the last proxy: what lies beyond it, the client wrote.
    let nearest = peer;
    for (let index = hops.length - 1; index >= 0; index--) {
      const hop = hops[index]!;
      if (isIP(hop) === 0) return nearest;
      if (!this.isTrusted(hop)) return hop;
      nearest = hop;
    }
    return nearest;
  }
}

/** `203.0.113.9:5555` and `[2001:db8::1]:443`, as some proxies write them, without the port. */
function withoutPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return unmapped(bracketed[1])!;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  return unmapped(v4WithPort ? v4WithPort[1] : hop)!;
}

function unmapped(address: string | undefined): string | undefined {
  return address?.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
