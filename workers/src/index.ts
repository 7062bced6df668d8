export { BullMqJobRunner, QUEUE_NAME } from './bullmq-job-runner.js';
export { createJobRunner, type CreateJobRunnerOptions } from './create-job-runner.js';
export { InProcessJobRunner } from './in-process-job-runner.js';
export { createJobHandlers, type JobHandler, type JobSettings, NotYetError, PoisonJobError } from './job-handlers.js';
export { type ExpireSessionData, JOBS, type JobName } from './job-names.js';
export { type JobObserver, type JobOutcome, type JobTracer, NO_JOB_OBSERVER, observedHandlers } from './job-observer.js';
export { type JobRunner, RETRY, type RunnerLogger, STATISTICS_EVERY_MS } from './job-runner.js';
