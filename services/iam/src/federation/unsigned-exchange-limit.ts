import { AddressRateLimit } from '../kernel/address-rate-limit.js';
import { ThrottlingError } from '../kernel/iam-error.js';

/**
 * The one ceiling on STS's unsigned credential exchanges (AssumeRoleWithWebIdentity, and
 * AssumeRoleWithSAML with it): requests per client address and minute, in this process. Nothing
 * authenticates such a request before it costs a token's verification, a database read, perhaps a
 * fetch from the identity provider, so every attempt counts, whatever its outcome. It lives in the
 * operations, not in a front, so that GraphQL and the Query front, which both admit these calls
 * unsigned and both call the operations with the client address that `api/client-address.ts`
 * decides, are held to the same count. A request without an address (a call in process) is not
 * counted.
 */
export const DEFAULT_UNSIGNED_EXCHANGES_PER_MINUTE = 600;

export class UnsignedExchangeLimit {
  private readonly window: AddressRateLimit | undefined;

  /** `perMinute`: exchanges per address and minute; 0 turns the ceiling off. */
  constructor(perMinute = DEFAULT_UNSIGNED_EXCHANGES_PER_MINUTE) {
    this.window = perMinute > 0 ? new AddressRateLimit(perMinute) : undefined;
  }

  /** Counts one exchange from the address, refused with ThrottlingError once the address has had its minute's share. */
  admit(sourceIp: string | undefined, now: Date): void {
    if (!this.window || sourceIp === undefined) return;
    const wait = this.window.retryAfter(sourceIp, now);
    if (wait > 0) throw new ThrottlingError(wait);
    this.window.record(sourceIp, now);
  }
}
