import { type JobHandler, NotYetError } from './job-handlers.js';
import type { JobName } from './job-names.js';

/**
 * How one run of a job ended: `completed`; `deferred`, when its handler says it is too early
 * (NotYetError: it runs again later); `failed`, for any other error (retried, unless poison).
 */
export type JobOutcome = 'completed' | 'deferred' | 'failed';

/** Told of every job run, whichever runner ran it (api's metrics); workers import no metrics library. */
export interface JobObserver {
  jobRan(job: JobName, outcome: JobOutcome): void;
}

export const NO_JOB_OBSERVER: JobObserver = { jobRan: () => undefined };

/** Runs each job run inside a span of its own (api's tracing), so the statements it sends are its children; workers import no tracing library. */
export interface JobTracer {
  run<R>(job: JobName, handler: () => Promise<R>): Promise<R>;
}

/**
 * The handlers, each telling the observer how its run ended, and run by the tracer when there is
 * one: both runners run these, so each run is told and traced once.
 */
export function observedHandlers(handlers: Record<JobName, JobHandler>, observer: JobObserver, tracer?: JobTracer): Record<JobName, JobHandler> {
  const observed = {} as Record<JobName, JobHandler>;
  for (const [name, handler] of Object.entries(handlers) as [JobName, JobHandler][]) {
    const counted: JobHandler = async (data) => {
      try {
        const result = await handler(data);
        observer.jobRan(name, 'completed');
        return result;
      } catch (error) {
        observer.jobRan(name, error instanceof NotYetError ? 'deferred' : 'failed');
        throw error;
      }
    };
    observed[name] = tracer ? (data) => tracer.run(name, () => counted(data)) : counted;
  }
  return observed;
}
