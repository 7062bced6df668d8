import { isIPv6 } from 'node:net';

const MAX_TRACKED = 50_000;

/**
 * A ceiling on events per source address and minute, in this process: counted in fixed one-minute
 * windows, in a bounded table (when it is full, the windows of past minutes are forgotten first; if
 * every one is current, a new address is not tracked until the minute turns). IPv6 addresses count
 * by /64, since one host has a whole /64 to choose from. What counts is the user's to say: sign-in
 * counts failures (FAILURES_PER_ADDRESS_PER_MINUTE), the unsigned STS exchanges every attempt.
 */

export class AddressRateLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly limit: number) {}

  /** Seconds to wait before this address may try again, or 0. */
  retryAfter(address: string, now: Date): number {
    const window = this.windows.get(addressKey(address));
    const minute = minuteOf(now);
    if (!window || window.start !== minute || window.count < this.limit) return 0;
    return Math.ceil((minute + 60_000 - now.getTime()) / 1000);
  }

  record(address: string, now: Date): void {
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
