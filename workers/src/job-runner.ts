import type { ExpireSessionData } from './job-names.js';

/**
 * How background jobs are run: BullMQ on Redis (several processes, durable) or in-process timers
 * (the embedded default). Both run the same handlers with the same retry policy.
 */
export interface JobRunner {
  readonly kind: 'bullmq' | 'in-process';
  /**
   * Delayed job at the session's expiry; scheduling the same session twice runs it once. Settles
   * quickly, failing rather than waiting for an absent Redis: it runs for a request.
   */
  scheduleSessionExpiry(session: ExpireSessionData & { expiresAt: Date }): Promise<void>;
  /** Start processing jobs (and upsert the periodic schedulers). */
  start(): Promise<void>;
  /** Stop taking jobs, let the running ones finish, close connections. */
  close(): Promise<void>;
  /** With Redis: whether it answers the queue's connection now (readiness). Absent without Redis. */
  redisAnswers?(): Promise<boolean>;
}

export interface RunnerLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export const RETRY = { attempts: 5, backoffMs: 1000 } as const;
/** How often the sweep runs. */
export const SWEEP_EVERY_MS = 60_000;
/**
 * How often the planner's statistics are refreshed where no autovacuum does it. ANALYZE samples a
 * bounded number of rows per table, so a run costs little; the first comes one interval after start
 * (a reopened data directory keeps the statistics it had).
 */
export const STATISTICS_EVERY_MS = 300_000;
/** How often the rotation check runs (it rotates only when the active key is old enough). */
export const ROTATION_CHECK_EVERY_MS = 3_600_000;
/** How often the call records' partitions are kept up: daily (each run makes a week ahead, so a missed day costs nothing). */
export const PARTITION_UPKEEP_EVERY_MS = 86_400_000;
