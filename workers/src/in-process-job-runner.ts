import type { JobHandler } from './job-handlers.js';
import { NotYetError, PoisonJobError } from './job-handlers.js';
import { type ExpireSessionData, JOBS, type JobName } from './job-names.js';
import { PARTITION_UPKEEP_EVERY_MS, RETRY, ROTATION_CHECK_EVERY_MS, type JobRunner, type RunnerLogger, STATISTICS_EVERY_MS, SWEEP_EVERY_MS } from './job-runner.js';

/**
 * The embedded default: the same handlers on timers of this process. Timers are unref'd so they
 * never keep the process alive; a failing job is retried with exponential backoff, like BullMQ's.
 */
export class InProcessJobRunner implements JobRunner {
  readonly kind = 'in-process' as const;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly scheduled = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private started = false;
  private closed = false;

  constructor(
    private readonly handlers: Record<JobName, JobHandler>,
    private readonly logger: RunnerLogger,
    private readonly now: () => Date = () => new Date(),
    private readonly sweepEveryMs = SWEEP_EVERY_MS,
  ) {}

  private later(delayMs: number, work: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        work();
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    this.timers.add(timer);
  }

  private run(name: JobName, data: unknown, attempt = 1): void {
    if (this.closed) return;
    const execution = this.handlers[name](data)
      .then((result) => this.logger.info({ job: name, attempt, result }, 'job done'))
      .catch((error: unknown) => {
        if (error instanceof PoisonJobError) {
          this.logger.error({ job: name, err: error }, 'job failed for good: its input cannot be processed');
        } else if (attempt < RETRY.attempts || error instanceof NotYetError) {
          this.later(RETRY.backoffMs * 2 ** (attempt - 1), () => this.run(name, data, attempt + 1));
        } else {
          this.logger.error({ job: name, attempt, err: error }, 'job failed after its last attempt');
        }
      });
    const tracked = execution.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async for the JobRunner interface: a throw becomes a rejection, as in the BullMQ runner
  async scheduleSessionExpiry(session: ExpireSessionData & { expiresAt: Date }): Promise<void> {
    const key = `${session.accountId}:${session.sessionId}`;
    if (this.scheduled.has(key)) return;
    this.scheduled.add(key);
    this.later(session.expiresAt.getTime() - this.now().getTime(), () => {
      this.scheduled.delete(key);
      this.run(JOBS.expireSession, { accountId: session.accountId, sessionId: session.sessionId });
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async for the JobRunner interface: a throw becomes a rejection, as in the BullMQ runner
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const sweep = () => {
      this.run(JOBS.sweepExpiredSessions, {});
      this.later(this.sweepEveryMs, sweep);
    };
    const rotate = () => {
      this.run(JOBS.rotateKeyring, {});
      this.run(JOBS.deactivateStaleAccessKeys, {});
      this.later(ROTATION_CHECK_EVERY_MS, rotate);
    };
    const partitions = () => {
      this.run(JOBS.upkeepApiCallPartitions, {});
      this.later(PARTITION_UPKEEP_EVERY_MS, partitions);
    };
    const statistics = () => {
      this.run(JOBS.refreshPlannerStatistics, {});
      this.later(STATISTICS_EVERY_MS, statistics);
    };
    this.later(0, sweep);
    this.later(0, rotate);
    this.later(0, partitions);
    this.later(STATISTICS_EVERY_MS, statistics);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}
