import { isIPv4, isIPv6 } from 'node:net';
import { InvalidInputError } from '../kernel/iam-error.js';

/**
 * The source-IP filter's value: a CIDR block (`203.0.113.0/24`, `2001:db8::/32`) or one address
 * (a block of one), as PostgreSQL's inet reads it; anything else is invalid input, never a query error.
 */
export function sourceIpRange(text: string): string {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const prefix = slash === -1 ? undefined : text.slice(slash + 1);
  const bits = isIPv4(address) ? 32 : isIPv6(address) && !address.includes('%') ? 128 : undefined;
  const valid = bits !== undefined && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits));
  if (!valid) throw new InvalidInputError(`The source IP filter is not an IP address or a CIDR block (203.0.113.0/24, 2001:db8::/32): ${JSON.stringify(text.slice(0, 64))}.`);
  return text;
}
