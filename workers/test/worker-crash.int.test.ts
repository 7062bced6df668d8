import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createDb, migrateToLatest, type WardenDb } from '@warden/db';
import { bootstrap, type Caller, IamService, type LiveKeyring } from '@warden/iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { BullMqJobRunner, createJobHandlers, QUEUE_NAME } from '../src/index.js';

/**
 * A worker process killed in the middle of an expiry job (its event appended, the job not yet
 * acknowledged), then another worker taking the stalled job over: exactly one SessionExpired. No
 * step depends on how fast the machine is: the session has expired before its job is queued (so
 * the job is due at once), and the takeover is shown by BullMQ's own record of the job (found
 * stalled once, started twice, completed), not by how long anything took.
 * Needs the shared Postgres and Redis (two processes), as CI has.
 */
const databaseUrl = process.env['DATABASE_URL'];
const redisUrl = process.env['REDIS_URL'];

describe.skipIf(!databaseUrl || !redisUrl)('a worker killed mid-job', () => {
  let wardenDb: WardenDb;
  let iam: IamService;
  let keyring: LiveKeyring;
  let managementRoot: Caller;
  const offset = { ms: 0 };
  const clock = { now: () => new Date(Date.now() + offset.ms) };
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

  beforeAll(async () => {
    wardenDb = await createDb({ databaseUrl });
    await migrateToLatest(wardenDb.db);
    const boot = await bootstrap({ db: wardenDb.db, masterKey: Buffer.alloc(32, 7), dataDir: '/tmp/warden-test-bootstrap', partition: 'aws', clock });
    keyring = boot.keyring;
    iam = new IamService({ db: wardenDb.db, keyring, clock });
    managementRoot = { accountId: boot.managementAccountId, arn: `arn:aws:iam::${boot.managementAccountId}:root`, kind: 'root', requestContext: {} };
  });
  afterAll(async () => {
    await wardenDb.close();
  });

  it('leaves exactly one SessionExpired after the restart', { timeout: 90_000 }, async () => {
    const prefix = `warden-crash-${randomUUID().slice(0, 8)}`;
    const tenant = await iam.accounts.create(managementRoot, { name: 'crash' });
    const root: Caller = { accountId: tenant.account.accountId, arn: `arn:aws:iam::${tenant.account.accountId}:root`, kind: 'root', requestContext: {} };
    // Issued 901 s ago for 900 s: expired before the test goes on, however slowly it runs.
    offset.ms = -901_000;
    const credentials = await iam.sts.getSessionToken(root, { durationSeconds: 900 });
    offset.ms = 0;
    const session = await wardenDb.db.selectFrom('sessions').select(['session_id', 'expires_at']).where('access_key_id', '=', credentials.accessKeyId).executeTakeFirstOrThrow();
    expect(new Date(session.expires_at).getTime()).toBeLessThan(clock.now().getTime());

    const child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures', 'die-mid-job.mjs'), databaseUrl!, redisUrl!, prefix], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await expect.poll(() => output, { timeout: 30_000 }).toContain('ready');

    const producer = new BullMqJobRunner(createJobHandlers(iam, { keyring, keyRotationDays: 30 }), silent, { redisUrl: redisUrl!, processJobs: false, prefix }, clock.now);
    await producer.scheduleSessionExpiry({ accountId: root.accountId, sessionId: session.session_id, expiresAt: new Date(session.expires_at) });
    expect(await exited).toBe(1);
    expect(output).toContain('did expired');
    await producer.close();

    // The restarted worker finds the stalled job and runs it again: it appends nothing more.
    const restarted = new BullMqJobRunner(
      createJobHandlers(iam, { keyring, keyRotationDays: 30 }),
      silent,
      { redisUrl: redisUrl!, processJobs: true, prefix, sweepEveryMs: 3_600_000, lockDurationMs: 2000, stalledIntervalMs: 1000 },
      clock.now,
    );
    await restarted.start();
    try {
      const jobId = BullMqJobRunner.expiryJobId(root.accountId, session.session_id);
      await expect.poll(() => restarted.jobState(jobId), { timeout: 60_000, interval: 500 }).toBe('completed');
      // The restarted worker resumed the job the dead one had started: BullMQ found it stalled and ran it again.
      const queue = new Queue(QUEUE_NAME, { connection: { url: redisUrl! }, prefix });
      try {
        const job = await queue.getJob(jobId);
        expect(job?.stalledCounter).toBe(1);
        expect(job?.attemptsStarted).toBe(2);
        expect(job?.returnvalue).toBe('already-expired');
      } finally {
        await queue.close();
      }
      const expired = await wardenDb.db.selectFrom('events').select('type').where('stream_id', '=', `session/${session.session_id}`).where('type', '=', 'SessionExpired').execute();
      expect(expired).toHaveLength(1);
    } finally {
      await restarted.close();
    }
  });
});
