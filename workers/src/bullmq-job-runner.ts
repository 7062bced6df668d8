import { DelayedError, Queue, UnrecoverableError, Worker } from 'bullmq';
import { NotYetError, PoisonJobError, type JobHandler } from './job-handlers.js';
import { type ExpireSessionData, JOBS, type JobName } from './job-names.js';
import { PARTITION_UPKEEP_EVERY_MS, RETRY, ROTATION_CHECK_EVERY_MS, type JobRunner, type RunnerLogger, STATISTICS_EVERY_MS, SWEEP_EVERY_MS } from './job-runner.js';

/**
 * BullMQ on Redis: one queue, one worker dispatching on the job's name, schedulers upserted at
 * start. The queue and the worker have a connection each: the queue's, which request paths use,
 * fails fast while Redis is away; the worker's waits for it. Jobs carry ids, never secrets. A delayed expiry job's id is derived from the session, so
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

/** How long a request path may wait for Redis: an enqueue that takes longer is given up (and logged). */
export const ENQUEUE_TIMEOUT_MS = 500;
/** How long start() and a reconnection wait for the schedulers to be written before logging and going on. */
const SCHEDULERS_TIMEOUT_MS = 1000;
/** How long close() waits for the worker (its jobs in progress, and Redis) before going on without it. */
const CLOSE_TIMEOUT_MS = 10_000;
/** How long close() lets a start-up under way settle first: short, since with Redis away it never will. */
const SETTLE_TIMEOUT_MS = 1000;

function connectionOf(redisUrl: string) {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    retryStrategy: (times: number) => Math.min(times * 200, 5000),
  };
}

/** The worker's connection: it waits for Redis rather than fail commands while Redis is away (BullMQ requires this of workers). */
function waitingConnectionOf(redisUrl: string) {
  return { ...connectionOf(redisUrl), maxRetriesPerRequest: null };
}

/**
 * The queue's connection, used by request paths: every command fails fast while Redis is away
 * instead of waiting for it (BullMQ's advice for producers). Without the offline queue a command
 * is refused while the connection is down; the command timeout covers a Redis that keeps the
 * connection open and never answers (frozen, or a network that drops packets), which no
 * connection event reveals.
 */
function failFastConnectionOf(redisUrl: string) {
  return { ...connectionOf(redisUrl), enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: ENQUEUE_TIMEOUT_MS };
}

/**
 * `work`, or a rejection after `ms`. The connection's options cannot bound every call: BullMQ
 * waits for a first connection before it sends anything, so a queue made while Redis was down
 * would wait for it. A given-up promise is left to settle alone, its failure already reported.
 */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

export class BullMqJobRunner implements JobRunner {
  readonly kind = 'bullmq' as const;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  /** Whether the schedulers are known to be in Redis (false again when the connection drops: Redis may come back empty). */
  private schedulersInPlace = false;
  private restoring: Promise<void> | undefined;
  private restoreAgain = false;
  /** The queue's Redis client once it has connected: its status says whether Redis is reachable. */
  private queueClient: { readonly status: string } | undefined;

  constructor(
    private readonly handlers: Record<JobName, JobHandler>,
    private readonly logger: RunnerLogger,
    private readonly options: BullMqOptions,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.queue = new Queue(QUEUE_NAME, {
      connection: failFastConnectionOf(options.redisUrl),
      ...(options.prefix ? { prefix: options.prefix } : {}),
      defaultJobOptions: { attempts: RETRY.attempts, backoff: { type: 'exponential', delay: RETRY.backoffMs }, removeOnComplete: 1000, removeOnFail: 5000 },
    });
    this.queue.on('error', (error) => this.logger.error({ err: error }, 'job queue: Redis connection error (enqueues fail until it returns; the sweep expires sessions whose expiry job was lost)'));
  }

  /** Fails within ENQUEUE_TIMEOUT_MS when Redis is away: a request path calls it. */
  async scheduleSessionExpiry(session: ExpireSessionData & { expiresAt: Date }): Promise<void> {
    const added = this.queue.add(
      JOBS.expireSession,
      { accountId: session.accountId, sessionId: session.sessionId },
      { jobId: BullMqJobRunner.expiryJobId(session.accountId, session.sessionId), delay: Math.max(0, session.expiresAt.getTime() - this.now().getTime()) },
    );
    await within(added, ENQUEUE_TIMEOUT_MS, "enqueueing the session's expiry job");
  }

  private async upsertSchedulers(): Promise<void> {
    await this.queue.upsertJobScheduler('sweep-expired-sessions', { every: this.options.sweepEveryMs ?? SWEEP_EVERY_MS }, { name: JOBS.sweepExpiredSessions, data: {} });
    await this.queue.upsertJobScheduler('rotate-keyring', { every: ROTATION_CHECK_EVERY_MS }, { name: JOBS.rotateKeyring, data: {} });
    await this.queue.upsertJobScheduler('deactivate-stale-access-keys', { every: ROTATION_CHECK_EVERY_MS }, { name: JOBS.deactivateStaleAccessKeys, data: {} });
    await this.queue.upsertJobScheduler('upkeep-api-call-partitions', { every: PARTITION_UPKEEP_EVERY_MS }, { name: JOBS.upkeepApiCallPartitions, data: {} });
    // First run one interval after start, as the in-process runner does: a server that starts (and,
    // in tests, stops) at once then has one job fewer running while it closes.
    await this.queue.upsertJobScheduler(
      'refresh-planner-statistics',
      { every: STATISTICS_EVERY_MS, startDate: this.now().getTime() + STATISTICS_EVERY_MS },
      { name: JOBS.refreshPlannerStatistics, data: {} },
    );
  }

  /**
   * Writes the schedulers. A call while a write is under way asks for another after it, should it
   * fail: Redis may have become ready too late for the one under way.
   */
  private restoreSchedulers(reason: 'start' | 'redis-back'): Promise<void> {
    if (this.restoring) {
      this.restoreAgain = true;
      return this.restoring;
    }
    this.restoreAgain = false;
    this.restoring = within(this.upsertSchedulers(), SCHEDULERS_TIMEOUT_MS, 'writing the job schedulers')
      .then(
        () => {
          this.schedulersInPlace = true;
          if (reason === 'redis-back') this.logger.info({}, 'job queue: Redis is back; schedulers restored');
        },
        (error: unknown) => this.logger.error({ err: error }, 'job queue: could not write the schedulers; they will be once Redis is ready'),
      )
      .finally(() => {
        this.restoring = undefined;
        if (!this.schedulersInPlace && this.restoreAgain) void this.restoreSchedulers('redis-back');
      });
    return this.restoring;
  }

  /**
   * Starts without waiting for Redis: the schedulers are written now if Redis answers in time, and
   * otherwise once it is ready; they are written again whenever Redis comes back, since it may
   * come back empty. The worker waits for Redis on its own.
   */
  async start(): Promise<void> {
    // BullMQ gives the client once it has connected, which may be long after start() returns.
    void this.queue.client.then(
      (client) => {
        this.queueClient = client;
        const dropped = () => (this.schedulersInPlace = false);
        client.on('end', dropped);
        client.on('close', dropped);
        client.on('ready', () => {
          if (!this.schedulersInPlace) void this.restoreSchedulers('redis-back');
        });
        if (!this.schedulersInPlace) void this.restoreSchedulers('redis-back');
      },
      (error: unknown) => this.logger.error({ err: error }, 'job queue: no connection to Redis'),
    );
    await this.restoreSchedulers('start');
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
        connection: waitingConnectionOf(this.options.redisUrl),
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
    this.worker.on('completed', (job, result: unknown) => this.logger.info({ job: job.name, id: job.id, result }, 'job done'));
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

  /** Whether Redis answers the queue's connection now, within ENQUEUE_TIMEOUT_MS (any cheap command will do). */
  async redisAnswers(): Promise<boolean> {
    if (this.queueClient?.status !== 'ready') return false;
    return within(this.queue.isPaused(), ENQUEUE_TIMEOUT_MS, 'checking Redis').then(
      () => true,
      () => false,
    );
  }

  /**
   * Never fails, and waits for an absent Redis only so long: a shutdown must go on to close the
   * database. The worker is given time to finish its jobs; a queue that cannot say goodbye to
   * Redis drops its connection, so that it stops reconnecting.
   */
  async close(): Promise<void> {
    // Closed while BullMQ is still connecting, or writing the schedulers, ioredis rejects the
    // commands under way with "Connection is closed." where BullMQ does not catch them (an unhandled
    // rejection, which fails a test run and is logged by the server): let those settle first.
    await within(Promise.allSettled([this.restoring, this.queue.waitUntilReady(), this.worker?.waitUntilReady()]), SETTLE_TIMEOUT_MS, 'settling the start-up').catch(() => undefined);
    const worker = this.worker;
    if (worker) {
      // With Redis unreachable a graceful close would wait for it (its jobs could not be
      // acknowledged anyway, and are taken over when a worker runs again): close at once instead.
      await within(worker.close(!(await this.redisAnswers())), CLOSE_TIMEOUT_MS, 'closing the job worker').catch((error: unknown) => {
        this.logger.warn({ err: error }, 'job worker: not closed in time (a job still running, or Redis away); dropping its connection');
        // Not awaited, as below for the queue.
        void worker.disconnect().catch(() => undefined);
      });
    }
    await this.queue.close().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'job queue: Redis did not answer the close; dropping the connection');
      // Not awaited: BullMQ waits for an 'end' that a connection already lost may never emit.
      void this.queue.disconnect().catch(() => undefined);
    });
  }
}
