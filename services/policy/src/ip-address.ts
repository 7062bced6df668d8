/**
 * IPv4 and IPv6 addresses and CIDR blocks for the IpAddress / NotIpAddress operators. AWS accepts a
 * CIDR (`203.0.113.0/24`, `2001:DB8:1234:5678::/64`) or a bare address, which means the single host.
 */
export interface CidrBlock {
  readonly bytes: Uint8Array;
  readonly prefixLength: number;
}

const IPV4_OCTET = /^(?:0|[1-9]\d{0,2})$/;

export function parseIpAddress(text: string): Uint8Array | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!IPV4_OCTET.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return bytes;
}

const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const groups: number[] = [];
  const readGroups = (parts: string[], into: number[], allowIpv4Last: boolean): boolean => {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (allowIpv4Last && i === parts.length - 1 && part.includes('.')) {
        const ipv4 = parseIpv4(part);
        if (!ipv4) return false;
        into.push((ipv4[0]! << 8) | ipv4[1]!, (ipv4[2]! << 8) | ipv4[3]!);
      } else if (HEXTET.test(part)) into.push(parseInt(part, 16));
      else return false;
    }
    return true;
  };
  const tailGroups: number[] = [];
  if (!readGroups(head, groups, halves.length === 1)) return undefined;
  if (!readGroups(tail, tailGroups, true)) return undefined;
  if (halves.length === 2) {
    const missing = 8 - groups.length - tailGroups.length;
    if (missing < 1) return undefined;
    for (let i = 0; i < missing; i++) groups.push(0);
  }
  groups.push(...tailGroups);
  if (groups.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

export function parseCidr(text: string): CidrBlock | undefined {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) return undefined;
  const maxPrefix = address.length * 8;
  if (slash < 0) return { bytes: address, prefixLength: maxPrefix };
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  if (prefixLength > maxPrefix) return undefined;
  return { bytes: address, prefixLength };
}

export function cidrContains(block: CidrBlock, address: Uint8Array): boolean {
  if (block.bytes.length !== address.length) return false;
  let remaining = block.prefixLength;
  for (let i = 0; remaining > 0; i++, remaining -= 8) {
    const mask = remaining >= 8 ? 0xff : (0xff << (8 - remaining)) & 0xff;
    if ((block.bytes[i]! & mask) !== (address[i]! & mask)) return false;
  }
  return true;
}
