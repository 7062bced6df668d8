import { isIPv6 } from 'node:net';

/**
 * A ceiling on failed sign-ins per source address and minute, in this process, checked before the
 * account is even looked up. Attempts against accounts that do not exist cannot be audited or
 * counted in an account, yet each costs an argon2 verification; this is what bounds them. Every
 * failure counts alike, whether or not the account exists, so being refused tells nothing about
 * which accounts exist; successes do not count. IPv6 addresses count by /64, since one host has a
 * whole /64 to choose from.
 */
export const FAILURES_PER_ADDRESS_PER_MINUTE = 120;
const MAX_TRACKED = 50_000;

export class AddressRateLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly limit = FAILURES_PER_ADDRESS_PER_MINUTE) {}

  /** Seconds to wait before this address may try again, or 0. */
  retryAfter(address: string, now: Date): number {
    const window = this.windows.get(addressKey(address));
    const minute = minuteOf(now);
    if (!window || window.start !== minute || window.count < this.limit) return 0;
    return Math.ceil((minute + 60_000 - now.getTime()) / 1000);
  }

  recordFailure(address: string, now: Date): void {
    const key = addressKey(address);
    const minute = minuteOf(now);
    const window = this.windows.get(key);
    if (window && window.start === minute) {
      window.count++;
      return;
    }
    if (!window && this.windows.size >= MAX_TRACKED) {
      // Full: forget the windows of past minutes; if every one is current, this address is not tracked.
      for (const [tracked, entry] of this.windows) if (entry.start !== minute) this.windows.delete(tracked);
      if (this.windows.size >= MAX_TRACKED) return;
    }
    this.windows.set(key, { start: minute, count: 1 });
  }
}

function minuteOf(now: Date): number {
  return Math.floor(now.getTime() / 60_000) * 60_000;
}

/** The address, or for IPv6 its /64 (the first four groups, written out in full). */
export function addressKey(address: string): string {
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = address.includes('::') ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups] : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().padStart(4, '0'))
    .join(':')}::/64`;
}
