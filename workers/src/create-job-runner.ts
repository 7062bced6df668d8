import type { IamService } from '@warden/iam';
import { BullMqJobRunner } from './bullmq-job-runner.js';
import { InProcessJobRunner } from './in-process-job-runner.js';
import { createJobHandlers, type JobSettings } from './job-handlers.js';
import { type JobObserver, type JobTracer, NO_JOB_OBSERVER, observedHandlers } from './job-observer.js';
import type { JobRunner, RunnerLogger } from './job-runner.js';

/** BullMQ when REDIS_URL is set, in-process timers otherwise; wired to the IAM service's hooks. */
export interface CreateJobRunnerOptions {
  readonly redisUrl: string | undefined;
  /** false: only enqueue, for an API process next to a separate `warden worker`. */
  readonly processJobs: boolean;
  readonly logger: RunnerLogger;
  readonly prefix?: string;
  readonly sweepEveryMs?: number;
  readonly settings: JobSettings;
  /** Told how each job run ended (api's metrics); nobody by default. */
  readonly observer?: JobObserver;
  /** Runs each job run in a span (api's tracing); none by default. */
  readonly tracer?: JobTracer | undefined;
}

export function createJobRunner(iam: IamService, options: CreateJobRunnerOptions): JobRunner {
  const handlers = observedHandlers(createJobHandlers(iam, options.settings), options.observer ?? NO_JOB_OBSERVER, options.tracer);
  const now = () => iam.maintenance.now();
  const runner: JobRunner = options.redisUrl
    ? new BullMqJobRunner(
        handlers,
        options.logger,
        {
          redisUrl: options.redisUrl,
          processJobs: options.processJobs,
          ...(options.prefix ? { prefix: options.prefix } : {}),
          ...(options.sweepEveryMs ? { sweepEveryMs: options.sweepEveryMs } : {}),
        },
        now,
      )
    : new InProcessJobRunner(handlers, options.logger, now, options.sweepEveryMs);
  // Called after the session's commit and not awaited: a lost enqueue is logged, and the sweep
  // expires the session in its place.
  iam.maintenance.onSessionIssued((session) => {
    runner
      .scheduleSessionExpiry(session)
      .catch((error: unknown) =>
        options.logger.warn({ err: error, accountId: session.accountId, sessionId: session.sessionId }, "could not schedule the session's expiry job; the periodic sweep will expire it"),
      );
  });
  return runner;
}
