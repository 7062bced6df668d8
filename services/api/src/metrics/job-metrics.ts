import { Counter, type Registry } from 'prom-client';
import { JOBS, type JobName, type JobObserver, type JobOutcome } from '@warden/workers';

const JOB_OUTCOMES: readonly JobOutcome[] = ['completed', 'deferred', 'failed'];

/** What the job runner tells (each job run and how it ended), counted in the registries given. */
export function jobObserverIn(registers: Registry[]): JobObserver {
  const runs = new Counter({ name: 'warden_jobs_total', help: 'Background job runs, by job and how each ended.', labelNames: ['job', 'outcome'], registers });
  const children = new Map(Object.values(JOBS).map((job: JobName) => [job, new Map(JOB_OUTCOMES.map((outcome) => [outcome, runs.labels(job, outcome)]))]));
  return { jobRan: (job, outcome) => children.get(job)!.get(outcome)!.inc() };
}
