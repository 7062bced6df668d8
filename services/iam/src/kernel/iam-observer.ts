/**
 * The caches whose lookups an IamObserver is told of: resolved credentials, principals' compiled
 * policy sets, and the stored policies compiled for them (a miss is one compile of a policy version).
 */
export type IamCacheName = 'credentials' | 'compiled-principals' | 'compiled-policies';

/**
 * What the IAM service tells whoever watches it (api's metrics), without knowing who that is: iam
 * imports no metrics library. Every call is on a request's path, so an observer must only count.
 * Nothing it is given names a tenant.
 */
export interface IamObserver {
  /** One decision answered by `authorize` or `authorizeBatch` (a batch tells each of its decisions). */
  authorized(decision: 'allow' | 'deny'): void;
  /** A hit: an answer taken from the cache; a miss: one built anew (read and resolved, or compiled) and then kept. */
  cache(cache: IamCacheName, result: 'hit' | 'miss'): void;
  /** Events committed by one write. */
  eventsAppended(count: number): void;
  /** Call records written by one flush of the call recorder, or dropped (the queue was full, or the insert failed). */
  callRecords(result: 'written' | 'dropped', count: number): void;
  /**
   * Last-accessed counts lost: a batch whose write failed, or a use counted while the map was full
   * and a flush was still writing. Usage is telemetry; the request it came from was unaffected.
   */
  lastAccessedLost(count: number, reason: LastAccessedLoss): void;
}

export type LastAccessedLoss = 'flush-failed' | 'full';

/** The observer when nobody watches. */
export const NO_IAM_OBSERVER: IamObserver = {
  authorized: () => undefined,
  cache: () => undefined,
  eventsAppended: () => undefined,
  callRecords: () => undefined,
  lastAccessedLost: () => undefined,
};
