import { Counter, type Registry } from 'prom-client';
import type { IamCacheName, IamObserver } from '@warden/iam';

const CACHES: readonly IamCacheName[] = ['credentials', 'compiled-principals'];

/** What the IAM service tells (authorize decisions, cache lookups, appended events), counted in the registries given. */
export function iamObserverIn(registers: Registry[]): IamObserver {
  const decisions = new Counter({
    name: 'warden_authorize_decisions_total',
    help: 'Decisions answered by authorize and authorizeBatch (each of a batch), by decision.',
    labelNames: ['decision'],
    registers,
  });
  const allow = decisions.labels('allow');
  const deny = decisions.labels('deny');
  const lookups = new Counter({ name: 'warden_cache_requests_total', help: 'Cache lookups: hits answered from the cache, misses built anew.', labelNames: ['cache', 'result'], registers });
  const results = new Map(CACHES.map((cache) => [cache, { hit: lookups.labels(cache, 'hit'), miss: lookups.labels(cache, 'miss') }]));
  const appended = new Counter({ name: 'warden_events_appended_total', help: 'Events committed to the event store.', registers });
  return {
    authorized: (decision) => (decision === 'allow' ? allow : deny).inc(),
    cache: (cache, result) => results.get(cache)![result].inc(),
    eventsAppended: (count) => appended.inc(count),
  };
}
