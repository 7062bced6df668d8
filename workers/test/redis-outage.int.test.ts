import { randomUUID } from 'node:crypto';
import { createDb, migrateToLatest, type WardenDb } from '@warden/db';
import { migratedPGliteTemplate } from '@warden/db/testing';
import { bootstrap, type Caller, IamService, type LiveKeyring } from '@warden/iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullMqJobRunner, createJobHandlers } from '../src/index.js';
import { startThrowawayRedis } from '../src/testing/throwaway-redis.js';

/**
 * Redis going away and coming back, on a private redis-server of this test's own (never the
 * machine's shared one): the runner reports the outage, jobs queued before it survive, and they run
 * once Redis returns. Needs the redis-server binary, which CI's machine has (REDIS_URL is set there).
 */
const hasRedis = process.env['REDIS_URL'] !== undefined;

describe.skipIf(!hasRedis)('when Redis goes away', () => {
  let wardenDb: WardenDb;
  let iam: IamService;
  let managementRoot: Caller;
  let keyring: LiveKeyring;
  const offset = { ms: 0 };
  const clock = { now: () => new Date(Date.now() + offset.ms) };

  beforeAll(async () => {
    wardenDb = await createDb({ dataDir: 'memory', template: await migratedPGliteTemplate() });
    await migrateToLatest(wardenDb.db);
    const boot = await bootstrap({ db: wardenDb.db, masterKey: Buffer.alloc(32, 5), dataDir: `/tmp/warden-outage-${randomUUID()}`, partition: 'aws', clock });
    iam = new IamService({ db: wardenDb.db, keyring: boot.keyring, clock });
    managementRoot = { accountId: boot.managementAccountId, arn: `arn:aws:iam::${boot.managementAccountId}:root`, kind: 'root', requestContext: {} };
    keyring = boot.keyring;
  });
  afterAll(async () => {
    await wardenDb.close();
  });

  it('reports the outage, and once Redis is back restores its schedulers and expires the session', { timeout: 60_000 }, async () => {
    const redis = await startThrowawayRedis();
    const errors: string[] = [];
    const logger = { info: () => undefined, warn: () => undefined, error: (_object: object, message: string) => void errors.push(message) };
    const runner = new BullMqJobRunner(createJobHandlers(iam, { keyring, keyRotationDays: 30 }), logger, { redisUrl: redis.url, processJobs: true, prefix: 'outage', sweepEveryMs: 500 }, clock.now);
    try {
      await runner.start();
      const tenant = await iam.accounts.create(managementRoot, { name: 'outage' });
      const root: Caller = { accountId: tenant.account.accountId, arn: `arn:aws:iam::${tenant.account.accountId}:root`, kind: 'root', requestContext: {} };
      await redis.kill();
      await expect.poll(() => errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(errors.some((message) => /Redis/.test(message))).toBe(true);
      // While Redis is away, sessions are still issued (scheduling their expiry is best effort)…
      offset.ms = -899_000;
      const credentials = await iam.sts.getSessionToken(root, { durationSeconds: 900 });
      offset.ms = 0;
      const session = await wardenDb.db.selectFrom('sessions').select(['session_id', 'expires_at']).where('access_key_id', '=', credentials.accessKeyId).executeTakeFirstOrThrow();
      // …and expire by their time alone, which is what authentication checks.
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(new Date(session.expires_at).getTime()).toBeLessThan(Date.now());
      // Redis returns empty (it kept nothing): the same runner reconnects, restores its schedulers,
      // and the sweep expires the session once.
      await redis.restart();
      await expect
        .poll(async () => (await wardenDb.db.selectFrom('events').select('type').where('stream_id', '=', `session/${session.session_id}`).where('type', '=', 'SessionExpired').execute()).length, {
          timeout: 30_000,
          interval: 250,
        })
        .toBe(1);
    } finally {
      await runner.close();
      await redis.stop();
    }
  });
});
