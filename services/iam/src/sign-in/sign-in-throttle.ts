import { createHash } from 'node:crypto';
import type { SignInFailureRow } from '@warden/db';
import type { SignInThrottleSettings } from '../accounts/sign-in-throttle-settings.js';

/**
 * Sign-in throttling, as pure functions of the failure counters and the account's settings.
 * Failures count per user name (`user:NAME` for a user, `user#HASH` for a name that is no user:
 * throttled alike, so throttling tells nothing about which users exist) and per source address (`ip:ADDRESS`). After
 * `failuresBeforeDelay` consecutive failures, each further attempt must wait a delay that doubles
 * with every failure (up to `maxDelaySeconds`); after `failuresBeforeLockout` the subject is locked
 * for `lockoutSeconds`, or until an admin clears it (a source address is only ever delayed). A
 * quiet `lockoutSeconds` since the last failure forgets the count.
 */

export interface FailureCounter {
  readonly failures: number;
  readonly lastFailureAt: Date;
  /**
   * False for a source address: it is delayed but never locked, since behind a proxy or NAT one
   * address is many people, and a lockout of it would be a denial of service for all of them.
   */
  readonly lockable?: boolean;
}

export interface ThrottleVerdict {
  readonly retryAfterSeconds: number;
  readonly locked: boolean;
}

function forgotten(settings: SignInThrottleSettings, counter: FailureCounter, now: Date): boolean {
  return now.getTime() - counter.lastFailureAt.getTime() >= settings.lockoutSeconds * 1000;
}

/** A counter as throttling reads it; an address (`ip:…`) is never lockable. */
export function failureCounter(row: Pick<SignInFailureRow, 'subject' | 'failures' | 'last_failure_at'>): FailureCounter {
  return { failures: row.failures, lastFailureAt: new Date(row.last_failure_at), lockable: !row.subject.startsWith('ip:') };
}

/** Whether an attempt may go ahead now; if not, how long to wait and whether it is a lockout. */
export function throttleVerdict(settings: SignInThrottleSettings, counters: readonly FailureCounter[], now: Date): ThrottleVerdict | undefined {
  let verdict: ThrottleVerdict | undefined;
  for (const counter of counters) {
    if (forgotten(settings, counter, now)) continue;
    const since = now.getTime() - counter.lastFailureAt.getTime();
    let waitMs = 0;
    let locked = false;
    if (counter.failures >= settings.failuresBeforeLockout && counter.lockable !== false) {
      waitMs = settings.lockoutSeconds * 1000 - since;
      locked = true;
    } else if (counter.failures >= settings.failuresBeforeDelay) {
      const delay = Math.min(settings.baseDelaySeconds * 2 ** (counter.failures - settings.failuresBeforeDelay), settings.maxDelaySeconds);
      waitMs = delay * 1000 - since;
    }
    if (waitMs <= 0) continue;
    const retryAfterSeconds = Math.ceil(waitMs / 1000);
    if (!verdict || locked > verdict.locked || (locked === verdict.locked && retryAfterSeconds > verdict.retryAfterSeconds)) verdict = { retryAfterSeconds, locked };
  }
  return verdict;
}

export function userSubject(userName: string): string {
  return `user:${userName.toLowerCase()}`;
}

/** A name that is no user: counted under a hash of it, so that the name itself is not stored. */
export function unknownUserSubject(userName: string): string {
  return `user#${createHash('sha256').update(userName.toLowerCase()).digest('hex').slice(0, 32)}`;
}

export const ROOT_SUBJECT = 'root';

export function addressSubject(sourceIp: string): string {
  return `ip:${sourceIp}`;
}
