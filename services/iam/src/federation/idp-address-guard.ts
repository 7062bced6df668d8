import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where Warden may connect when it fetches an identity provider's documents. The issuer URL is
 * chosen by a tenant, and the jwks_uri by whatever serves the discovery document, so without a
 * guard a tenant could make Warden request its own network: the cloud metadata service
 * (169.254.169.254), a database on loopback, a service on a private range. Addresses that are not
 * publicly routable are refused: loopback, private (RFC 1918, RFC 4193), link-local, CGNAT
 * (RFC 6598), unspecified, multicast and reserved; node's BlockList also matches an IPv4 rule
 * against the IPv4-mapped IPv6 form (`::ffff:127.0.0.1`, `::ffff:7f00:1`).
 *
 * The check is made on the address actually connected to: a host name is resolved by the
 * connection's own `lookup`, which refuses the name when any address it resolves to is refused, so
 * a name that resolves to a public address when checked and a private one when connected (DNS
 * rebinding) cannot pass. An IP literal is checked before connecting (node does not look it up).
 * The operator's allow-list (WARDEN_OIDC_ALLOWED_HOSTS: host names or IP literals, compared
 * case-insensitively) lets an on-premises provider on a private address through.
 */
const REFUSED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", the unspecified address
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // CGNAT, RFC 6598
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, the cloud metadata address among them
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking networks
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the limited broadcast address
] as const)
  REFUSED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local, RFC 4193
  ['fe80::', 10], // link-local
  ['fec0::', 10], // the deprecated site-local range
  ['ff00::', 8], // multicast
] as const)
  REFUSED.addSubnet(network, prefix, 'ipv6');

/** Whether Warden refuses to connect to this IP address for an identity provider. */
export function isRefusedIdpAddress(address: string): boolean {
  const family = isIP(address);
  return family === 0 || REFUSED.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

export class IdpAddressGuard {
  private readonly allowedHosts: ReadonlySet<string>;

  /** `allowedHosts`: host names or IP literals connected to whatever they resolve to. */
  constructor(allowedHosts: readonly string[] = []) {
    this.allowedHosts = new Set(allowedHosts.map(hostKey));
  }

  /**
   * Why Warden may not connect to the URL's host before any lookup, or undefined: an IP literal in
   * a refused range that the allow-list does not name. A host name is checked by `lookupFor`.
   */
  refusalBeforeLookup(url: URL): string | undefined {
    const host = hostKey(url.hostname);
    if (this.allowedHosts.has(host) || isIP(host) === 0) return undefined;
    return isRefusedIdpAddress(host) ? `${host} is not a public address (set WARDEN_OIDC_ALLOWED_HOSTS to allow it)` : undefined;
  }

  /** The `lookup` for a connection to the URL's host: dns.lookup's own, refusing what it must. */
  lookupFor(url: URL): LookupFunction | undefined {
    if (this.allowedHosts.has(hostKey(url.hostname))) return undefined;
    return (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, '');
        const refused = addresses.find((entry) => isRefusedIdpAddress(entry.address));
        if (refused) {
          const refusal: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${refused.address}, which is not a public address (set WARDEN_OIDC_ALLOWED_HOSTS to allow it)`);
          refusal.code = 'EADDRNOTPUBLIC';
          return callback(refusal, '');
        }
        if (options.all) return callback(null, addresses);
        const first = addresses[0];
        if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
        return callback(null, first.address, first.family);
      });
    };
  }
}

/** A host as the allow-list compares it: lower case, an IPv6 literal without its brackets. */
function hostKey(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}
