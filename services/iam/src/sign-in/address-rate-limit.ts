/**
 * A ceiling on sign-in attempts per source address and minute, in this process, applied before the
 * account is even looked up: attempts against accounts that do not exist cannot be audited or
 * counted in an account, yet each costs an argon2 verification. It counts every attempt alike, so
 * being refused says nothing about whether an account exists. Generous, since behind a proxy (without
 * WARDEN_TRUSTED_PROXIES) one address is everyone.
 */
export const ATTEMPTS_PER_ADDRESS_PER_MINUTE = 600;
const MAX_TRACKED = 50_000;

export class AddressRateLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly limit = ATTEMPTS_PER_ADDRESS_PER_MINUTE) {}

  /** Counts an attempt; the seconds to wait when over the ceiling, or 0. */
  take(address: string, now: Date): number {
    const minute = Math.floor(now.getTime() / 60_000) * 60_000;
    const window = this.windows.get(address);
    if (!window || window.start !== minute) {
      if (this.windows.size >= MAX_TRACKED) this.windows.clear();
      this.windows.set(address, { start: minute, count: 1 });
      return 0;
    }
    window.count++;
    return window.count > this.limit ? Math.ceil((minute + 60_000 - now.getTime()) / 1000) : 0;
  }
}
