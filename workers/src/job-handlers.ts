import { DEFAULT_AUDIT_RETENTION_DAYS, type IamService, type LiveKeyring } from '@warden/iam';
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

export interface JobSettings {
  /** The keyring whose keys rotate (the process's own, so it sees the new key at once). */
  readonly keyring: LiveKeyring;
  /** Days a data key stays active (default 30). */
  readonly keyRotationDays: number;
  /** Days the call records are kept (WARDEN_AUDIT_RETENTION_DAYS; default 90). */
  readonly auditRetentionDays?: number;
}

export const REENCRYPT_BATCH = 200;
/** An old key is retired no sooner than a day after its replacement (processes reload far sooner). */
export const RETIREMENT_GRACE_MS = 86_400_000;
const MAX_BATCHES_PER_RUN = 50;

/** Runs `work` on batches of REENCRYPT_BATCH until one comes back short (or the run's cap); the total done. */
async function inBatches(work: (size: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const done = await work(REENCRYPT_BATCH);
    total += done;
    if (done < REENCRYPT_BATCH) break;
  }
  return total;
}

export function createJobHandlers(iam: IamService, settings: JobSettings): Record<JobName, JobHandler> {
  return {
    [JOBS.deactivateStaleAccessKeys]: async () => {
      const deactivated = await inBatches((size) => iam.maintenance.deactivateStaleAccessKeys(size));
      return `deactivated ${deactivated} access keys past their account's maximum age`;
    },
    [JOBS.rotateKeyring]: async () => {
      const rotation = await iam.maintenance.rotateKeyringIfDue(settings.keyring, settings.keyRotationDays);
      const reencrypted = await inBatches((size) => iam.maintenance.reencryptSecrets(settings.keyring, size));
      const retired = await iam.maintenance.retireUnusedKeys(settings.keyring, RETIREMENT_GRACE_MS);
      return `${rotation.rotated ? 'rotated to' : 'active key'} ${rotation.activeKeyId}; re-encrypted ${reencrypted} secrets; retired ${retired.length} unused keys`;
    },
    [JOBS.upkeepApiCallPartitions]: async () => {
      const upkeep = await iam.maintenance.upkeepApiCallPartitions(settings.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS);
      return `made ${upkeep.made} call record partitions; dropped ${upkeep.dropped} past the retention`;
    },
    [JOBS.expireSession]: async (data) => {
      if (!isExpireSessionData(data)) throw new PoisonJobError(`expire-session needs { accountId, sessionId }, got ${JSON.stringify(data)}`);
      const outcome = await iam.maintenance.expireSession(data.accountId, data.sessionId);
      if (outcome === 'not-yet') throw new NotYetError(`session ${data.sessionId} has not expired yet`);
      return outcome;
    },
    [JOBS.refreshPlannerStatistics]: async () => iam.maintenance.refreshPlannerStatistics(),
    [JOBS.sweepExpiredSessions]: async () => {
      const due = await iam.maintenance.findExpiredSessions(SWEEP_BATCH);
      let expired = 0;
      for (const session of due) if ((await iam.maintenance.expireSession(session.accountId, session.sessionId)) === 'expired') expired++;
      // Then the records of used federation tokens (web identity, SAML) past their expiry and skew, which a token that
      // outlived its session leaves behind (expiring a session drops only a token already past them).
      const unused = await iam.maintenance.findForgettableFederationTokens(SWEEP_BATCH);
      let forgotten = 0;
      for (const token of unused) if ((await iam.maintenance.forgetFederationToken(token.accountId, token.sessionId)) === 'forgotten') forgotten++;
      return `expired ${expired} of ${due.length} due sessions; forgot ${forgotten} of ${unused.length} used federation tokens past their expiry`;
    },
  };
}
