import type { GraphQLSchema } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolUse } from '@warden/db';
import type { IamCacheName, IamObserver } from '@warden/iam';
import { JOBS, type JobName, type JobObserver, type JobOutcome } from '@warden/workers';
import { OperationLabels } from './operation-label.js';
import type { RequestPath } from './request-path.js';

const REQUEST_PATHS: readonly RequestPath[] = ['compiled', 'yoga', 'aws-query', 'sign-in', 'health', 'other'];

/** The `outcome` label: the answer's status class, 1xx to 5xx. */
const OUTCOMES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/**
 * Seconds. Warden's answers run from well under a millisecond (a cached authorize) to a second
 * or so (a password hash, a cold document compile).
 */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

type Child = ReturnType<Counter<string>['labels']>;

const CACHES: readonly IamCacheName[] = ['credentials', 'compiled-principals', 'compiled-policies'];
const JOB_OUTCOMES: readonly JobOutcome[] = ['completed', 'deferred', 'failed'];

export interface WardenMetricsOptions {
  /** The schema whose root fields name GraphQL operations. */
  readonly schema: GraphQLSchema;
}

/**
 * The metrics of one Warden server, in a registry of its own (never prom-client's global one, so
 * that several servers in one process do not share or clash). Label values come from fixed sets or
 * from names Warden defines (a schema field, a known Query action), never from a tenant's data.
 * The children a request counts into are made once per label set and kept, so counting a request
 * allocates nothing once its operation has been seen.
 */
export class WardenMetrics {
  readonly registry = new Registry();
  /** The `operation` label of GraphQL requests. */
  readonly operationLabels: OperationLabels;
  readonly #requests: Counter<'path' | 'operation' | 'outcome'>;
  readonly #durations: Map<RequestPath, ReturnType<Histogram<'path'>['labels']>>;
  readonly #requestChildren = new Map<RequestPath, Map<string, Child[]>>();
  /** Told by the IAM service: authorize decisions, cache lookups, appended events. */
  readonly iamObserver: IamObserver;
  /** Told by the job runner: each job run and how it ended. */
  readonly jobObserver: JobObserver;

  constructor(options: WardenMetricsOptions) {
    this.operationLabels = new OperationLabels(options.schema);
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'warden_http_requests_total',
      help: 'HTTP requests answered, by what answered them, their operation and their status class.',
      labelNames: ['path', 'operation', 'outcome'],
      registers,
    });
    const durations = new Histogram({
      name: 'warden_http_request_duration_seconds',
      help: 'Time from reading a request to its answer, by what answered it.',
      labelNames: ['path'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#durations = new Map(REQUEST_PATHS.map((path) => [path, durations.labels(path)]));
    for (const path of REQUEST_PATHS) this.#requestChildren.set(path, new Map());
    this.iamObserver = iamObserverIn(registers);
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
    const byOperation = this.#requestChildren.get(path)!;
    let children = byOperation.get(operation);
    if (!children) {
      children = OUTCOMES.map((outcome) => this.#requests.labels(path, operation, outcome));
      byOperation.set(operation, children);
    }
    const statusClass = Math.floor(status / 100);
    // A status outside 100–599 is not one Node sends; counted as a server error rather than lost.
    children[statusClass >= 1 && statusClass <= 5 ? statusClass - 1 : 4]!.inc();
    this.#durations.get(path)!.observe(seconds);
  }

  /** The Prometheus text exposition of every metric, with its content type. */
  async exposition(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function iamObserverIn(registers: Registry[]): IamObserver {
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

function jobObserverIn(registers: Registry[]): JobObserver {
  const runs = new Counter({ name: 'warden_jobs_total', help: 'Background job runs, by job and how each ended.', labelNames: ['job', 'outcome'], registers });
  const children = new Map(Object.values(JOBS).map((job: JobName) => [job, new Map(JOB_OUTCOMES.map((outcome) => [outcome, runs.labels(job, outcome)]))]));
  return { jobRan: (job, outcome) => children.get(job)!.get(outcome)!.inc() };
}
