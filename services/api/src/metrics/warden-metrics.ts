import { collectDefaultMetrics, Registry } from 'prom-client';
import type { PoolUse } from '@warden/db';
import type { IamObserver } from '@warden/iam';
import type { JobObserver } from '@warden/workers';
import { iamObserverIn } from './iam-metrics.js';
import { jobObserverIn } from './job-metrics.js';
import { watchPoolIn } from './pool-metrics.js';
import type { RequestPath } from './request-path.js';
import { RequestTally } from './request-tally.js';

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
    watchPoolIn(this.registry, poolUse);
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
