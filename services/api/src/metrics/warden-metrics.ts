import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { PoolUse } from '@warden/db';
import type { IamCacheName, IamObserver } from '@warden/iam';
import { JOBS, type JobName, type JobObserver, type JobOutcome } from '@warden/workers';
import type { RequestPath } from './request-path.js';
import { RequestTally } from './request-tally.js';
import { type Tally, talliedCounter } from './tallied-counter.js';

const CACHES: readonly IamCacheName[] = ['credentials', 'compiled-principals'];
const JOB_OUTCOMES: readonly JobOutcome[] = ['completed', 'deferred', 'failed'];

/**
 * The metrics of one Warden server, in a registry of its own (never prom-client's global one, so
 * that several servers in one process do not share or clash). Label values come from fixed sets or
 * from names Warden defines (a schema field, a known Query action), never from a tenant's data.
 * What every request counts is counted into plain numbers and folded in at scrape (request-tally.ts).
 */
export class WardenMetrics {
  readonly registry = new Registry();
  readonly #requests: RequestTally;
  /** Told by the IAM service: authorize decisions, cache lookups, appended events. */
  readonly iamObserver: IamObserver;
  /** Told by the job runner: each job run and how it ended. */
  readonly jobObserver: JobObserver;

  constructor() {
    const registers = [this.registry];
    this.#requests = new RequestTally(this.registry);
    this.iamObserver = iamObserverIn(this.registry);
    this.jobObserver = jobObserverIn(registers);
    collectDefaultMetrics({ register: this.registry });
  }

  /** The database pool, read at each scrape from now on (once: a server has one pool; none on PGlite). */
  watchPool(poolUse: () => PoolUse): void {
    new Gauge({
      name: 'warden_db_pool_connections',
      help: 'Database pool connections: total open, idle, and queries waiting for one.',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const use = poolUse();
        this.set({ state: 'total' }, use.total);
        this.set({ state: 'idle' }, use.idle);
        this.set({ state: 'waiting' }, use.waiting);
      },
    });
  }

  /** One answered request: `status` is the HTTP status sent, `seconds` how long since it was read. */
  requestAnswered(path: RequestPath, operation: string, status: number, seconds: number): void {
    this.#requests.answered(path, operation, status, seconds);
  }

  /** The Prometheus text exposition of every metric, with its content type. */
  async exposition(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Decisions and cache lookups are told on every authorize request: tallied (tallied-counter.ts). Appends are a write's, counted as they come. */
function iamObserverIn(registry: Registry): IamObserver {
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
  return {
    authorized: (decision) => {
      (decision === 'allow' ? allow : deny).count += 1;
    },
    cache: (cache, result) => {
      results.get(cache)![result].count += 1;
    },
    eventsAppended: (count) => appended.inc(count),
  };
}

function jobObserverIn(registers: Registry[]): JobObserver {
  const runs = new Counter({ name: 'warden_jobs_total', help: 'Background job runs, by job and how each ended.', labelNames: ['job', 'outcome'], registers });
  const children = new Map(Object.values(JOBS).map((job: JobName) => [job, new Map(JOB_OUTCOMES.map((outcome) => [outcome, runs.labels(job, outcome)]))]));
  return { jobRan: (job, outcome) => children.get(job)!.get(outcome)!.inc() };
}
