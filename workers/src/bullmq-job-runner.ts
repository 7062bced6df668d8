import { DelayedError, Queue, UnrecoverableError, Worker } from 'bullmq';
import { NotYetError, PoisonJobError, type JobHandler } from './job-handlers.js';
import { type ExpireSessionData, JOBS, type JobName } from './job-names.js';
import { RETRY, ROTATION_CHECK_EVERY_MS, type JobRunner, type RunnerLogger, SWEEP_EVERY_MS } from './job-runner.js';

/**
 * BullMQ on Redis: one queue, one worker dispatching on the job's name, schedulers upserted at
 * start. Jobs carry ids, never secrets. A delayed expiry job's id is derived from the session, so
 * scheduling it twice keeps one job. A worker killed mid-job leaves the job to be retried; the
 * handlers are idempotent, so the retry appends nothing twice.
 */
export const QUEUE_NAME = 'warden';

export interface BullMqOptions {
  readonly redisUrl: string;
  /** false: only enqueue (an API process next to a separate `warden worker`). */
  readonly processJobs: boolean;
  readonly prefix?: string;
  readonly sweepEveryMs?: number;
  /** How long a worker holds a job before another may take it over (BullMQ's lockDuration). */
  readonly lockDurationMs?: number;
  /** How often stalled jobs (their worker died) are looked for (BullMQ's stalledInterval). */
  readonly stalledIntervalMs?: number;
}

function connectionOf(redisUrl: string) {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    // BullMQ workers must wait for Redis rather than fail commands while it is away.
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 200, 5000),
  };
}

export class BullMqJobRunner implements JobRunner {
  readonly kind = 'bullmq' as const;
  private readonly queue: Queue;
  private worker: Worker | undefined;

  constructor(
    private readonly handlers: Record<JobName, JobHandler>,
    private readonly logger: RunnerLogger,
    private readonly options: BullMqOptions,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.queue = new Queue(QUEUE_NAME, {
      connection: connectionOf(options.redisUrl),
      ...(options.prefix ? { prefix: options.prefix } : {}),
      defaultJobOptions: { attempts: RETRY.attempts, backoff: { type: 'exponential', delay: RETRY.backoffMs }, removeOnComplete: 1000, removeOnFail: 5000 },
    });
    this.queue.on('error', (error) => this.logger.error({ err: error }, 'job queue: Redis connection error (jobs will be enqueued when it returns)'));
  }

  async scheduleSessionExpiry(session: ExpireSessionData & { expiresAt: Date }): Promise<void> {
    await this.queue.add(
      JOBS.expireSession,
      { accountId: session.accountId, sessionId: session.sessionId },
      { jobId: BullMqJobRunner.expiryJobId(session.accountId, session.sessionId), delay: Math.max(0, session.expiresAt.getTime() - this.now().getTime()) },
    );
  }

  private async upsertSchedulers(): Promise<void> {
    await this.queue.upsertJobScheduler('sweep-expired-sessions', { every: this.options.sweepEveryMs ?? SWEEP_EVERY_MS }, { name: JOBS.sweepExpiredSessions, data: {} });
    await this.queue.upsertJobScheduler('rotate-keyring', { every: ROTATION_CHECK_EVERY_MS }, { name: JOBS.rotateKeyring, data: {} });
    await this.queue.upsertJobScheduler('deactivate-stale-access-keys', { every: ROTATION_CHECK_EVERY_MS }, { name: JOBS.deactivateStaleAccessKeys, data: {} });
  }

  async start(): Promise<void> {
    await this.upsertSchedulers();
    // A Redis that comes back may have lost its data: put the schedulers back each time it does.
    const client = await this.queue.client;
    let lost = false;
    client.on('end', () => (lost = true));
    client.on('close', () => (lost = true));
    client.on('ready', () => {
      if (!lost) return;
      lost = false;
      this.logger.info({}, 'job queue: Redis is back; schedulers restored');
      void this.upsertSchedulers().catch((error: unknown) => this.logger.error({ err: error }, 'job queue: could not restore the schedulers'));
    });
    if (!this.options.processJobs) return;
    this.worker = new Worker(
      QUEUE_NAME,
      async (job) => {
        const handler = this.handlers[job.name as JobName];
        if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
        try {
          return await handler(job.data);
        } catch (error) {
          if (error instanceof PoisonJobError) throw new UnrecoverableError(error.message);
          if (error instanceof NotYetError) {
            // Not a failure: put the job back until its time.
            await job.moveToDelayed(Date.now() + RETRY.backoffMs, job.token);
            throw new DelayedError();
          }
          throw error;
        }
      },
      {
        connection: connectionOf(this.options.redisUrl),
        ...(this.options.prefix ? { prefix: this.options.prefix } : {}),
        ...(this.options.lockDurationMs ? { lockDuration: this.options.lockDurationMs } : {}),
        ...(this.options.stalledIntervalMs ? { stalledInterval: this.options.stalledIntervalMs } : {}),
        concurrency: 4,
      },
    );
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'job worker: error (it reconnects to Redis on its own)'));
    this.worker.on('failed', (job, error) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) this.logger.error({ job: job.name, id: job.id, err: error }, 'job failed after its last attempt; it stays in the failed set');
      else this.logger.warn({ job: job?.name, id: job?.id, err: error }, 'job failed; it will be retried');
    });
    this.worker.on('completed', (job, result) => this.logger.info({ job: job.name, id: job.id, result }, 'job done'));
  }

  /** The state of one job ('completed', 'failed', 'active', 'delayed', 'waiting', 'unknown'). */
  jobState(jobId: string): Promise<string> {
    return this.queue.getJobState(jobId);
  }

  /** The id of a session's expiry job. */
  static expiryJobId(accountId: string, sessionId: string): string {
    return `expire-${accountId}-${sessionId}`;
  }

  /** Counts of the queue's jobs by state, to make the failed set visible. */
  jobCounts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed');
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
