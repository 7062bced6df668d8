import { collectDefaultMetrics, Registry } from 'prom-client';
import type { PoolUse } from '@warden/db';
import type { IamObserver } from '@warden/iam';
import type { JobObserver } from '@warden/workers';
import { iamObserverIn } from './iam-metrics.js';
import { jobObserverIn } from './job-metrics.js';
import { watchPoolIn } from './pool-metrics.js';

/**
 * The metrics of a `warden worker` process: what a server counts less its HTTP requests (it
 * answers none). Job runs and their outcomes, the events its jobs commit, the pool and the process,
 * under the same names as a server's, so one dashboard sums both kinds of process.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly iamObserver: IamObserver;
  readonly jobObserver: JobObserver;

  constructor() {
    const registers = [this.registry];
    this.iamObserver = iamObserverIn(this.registry);
    this.jobObserver = jobObserverIn(registers);
    collectDefaultMetrics({ register: this.registry });
  }

  watchPool(poolUse: () => PoolUse): void {
    watchPoolIn(this.registry, poolUse);
  }

  async exposition(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
