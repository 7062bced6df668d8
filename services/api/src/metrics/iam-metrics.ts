import { Counter, type Registry } from 'prom-client';
import type { IamCacheName, IamObserver } from '@warden/iam';
import { type Tally, talliedCounter } from './tallied-counter.js';

const CACHES: readonly IamCacheName[] = ['credentials', 'compiled-principals', 'compiled-policies'];

/**
 * What the IAM service tells, counted in the registry given. Decisions and cache lookups are told on
 * every authorize request: tallied (tallied-counter.ts). Appends are a write's, counted as they come.
 */
export function iamObserverIn(registry: Registry): IamObserver {
  const [allow, deny] = talliedCounter(
    registry,
    { name: 'warden_authorize_decisions_total', help: 'Decisions answered by authorize and authorizeBatch (each of a batch), by decision.', labelNames: ['decision'] },
    [{ decision: 'allow' }, { decision: 'deny' }],
  ) as [Tally, Tally];
  const lookups = talliedCounter(
    registry,
    { name: 'warden_cache_requests_total', help: 'Cache lookups: hits answered from the cache, misses built anew.', labelNames: ['cache', 'result'] },
    CACHES.flatMap((cache) => [
      { cache, result: 'hit' },
      { cache, result: 'miss' },
    ]),
  );
  const results = new Map(CACHES.map((cache, index) => [cache, { hit: lookups[2 * index]!, miss: lookups[2 * index + 1]! }]));
  const appended = new Counter({ name: 'warden_events_appended_total', help: 'Events committed to the event store.', registers: [registry] });
  const written = new Counter({ name: 'warden_audit_call_records_written_total', help: 'API call records (denied, failed, opted-in reads) written to api_calls.', registers: [registry] });
  const dropped = new Counter({
    name: 'warden_audit_call_records_dropped_total',
    help: 'API call records lost: the recorder queue was full, or a batch could not be written (the database was unavailable).',
    registers: [registry],
  });
  const lost = new Counter({
    name: 'warden_last_accessed_lost_total',
    help: 'Last-accessed counts lost (Access Advisor telemetry): a batch whose write failed, or uses counted while the map was full.',
    labelNames: ['reason'],
    registers: [registry],
  });
  return {
    authorized: (decision) => {
      (decision === 'allow' ? allow : deny).count += 1;
    },
    cache: (cache, result) => {
      results.get(cache)![result].count += 1;
    },
    eventsAppended: (count) => appended.inc(count),
    callRecords: (result, count) => (result === 'written' ? written : dropped).inc(count),
    lastAccessedLost: (count, reason) => lost.inc({ reason }, count),
  };
}
