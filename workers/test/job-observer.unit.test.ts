import { describe, expect, it } from 'vitest';
import { type JobHandler, JOBS, type JobName, type JobOutcome, NotYetError, observedHandlers, PoisonJobError } from '../src/index.js';

describe('observedHandlers', () => {
  it('tells each run of each job once, as completed, deferred or failed, and passes on what the handler answered or threw', async () => {
    const told: [JobName, JobOutcome][] = [];
    const outcomes: Record<JobName, JobHandler> = {
      [JOBS.expireSession]: () => Promise.resolve('expired'),
      [JOBS.sweepExpiredSessions]: () => Promise.reject(new NotYetError('later')),
      [JOBS.rotateKeyring]: () => Promise.reject(new Error('the database is gone')),
      [JOBS.deactivateStaleAccessKeys]: () => Promise.reject(new PoisonJobError('bad data')),
      [JOBS.upkeepApiCallPartitions]: () => Promise.resolve('made 0'),
      [JOBS.refreshPlannerStatistics]: () => Promise.resolve('analyzed'),
    };
    const handlers = observedHandlers(outcomes, { jobRan: (job, outcome) => told.push([job, outcome]) });
    await expect(handlers[JOBS.expireSession]({})).resolves.toBe('expired');
    await expect(handlers[JOBS.sweepExpiredSessions]({})).rejects.toBeInstanceOf(NotYetError);
    await expect(handlers[JOBS.rotateKeyring]({})).rejects.toThrow('the database is gone');
    await expect(handlers[JOBS.deactivateStaleAccessKeys]({})).rejects.toBeInstanceOf(PoisonJobError);
    expect(told).toEqual([
      [JOBS.expireSession, 'completed'],
      [JOBS.sweepExpiredSessions, 'deferred'],
      [JOBS.rotateKeyring, 'failed'],
      [JOBS.deactivateStaleAccessKeys, 'failed'],
    ]);
  });
});
