import { expireSession, findExpiredSessions, type IamService } from '@warden/iam';
import { type ExpireSessionData, JOBS, type JobName } from './job-names.js';

/**
 * What each job does, independent of how it is run (BullMQ or in-process timers). A handler that
 * throws is retried with backoff; `PoisonJobError` marks input that retrying cannot fix.
 */
export class PoisonJobError extends Error {}

/** The job ran before its time (a clock ahead, a delay cut short): retry later. */
export class NotYetError extends Error {}

export type JobHandler = (data: unknown) => Promise<string>;

function isExpireSessionData(data: unknown): data is ExpireSessionData {
  const candidate = data as Partial<ExpireSessionData> | null;
  return typeof candidate?.accountId === 'string' && /^\d{12}$/.test(candidate.accountId) && typeof candidate.sessionId === 'string' && /^[0-9a-f]{24}$/.test(candidate.sessionId);
}

export const SWEEP_BATCH = 500;

export function createJobHandlers(iam: IamService): Record<JobName, JobHandler> {
  return {
    [JOBS.expireSession]: async (data) => {
      if (!isExpireSessionData(data)) throw new PoisonJobError(`expire-session needs { accountId, sessionId }, got ${JSON.stringify(data)}`);
      const outcome = await expireSession(iam.core, data.accountId, data.sessionId);
      if (outcome === 'not-yet') throw new NotYetError(`session ${data.sessionId} has not expired yet`);
      return outcome;
    },
    [JOBS.sweepExpiredSessions]: async () => {
      const due = await findExpiredSessions(iam.core.db, iam.core.clock.now(), SWEEP_BATCH);
      let expired = 0;
      for (const session of due) if ((await expireSession(iam.core, session.accountId, session.sessionId)) === 'expired') expired++;
      return `expired ${expired} of ${due.length} due sessions`;
    },
  };
}
