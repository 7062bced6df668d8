import { randomUUID } from 'node:crypto';
import { createDb, inAccountTransaction, migrateToLatest, type WardenDb } from '@warden/db';
import { driversUnderTest, migratedPGliteTemplate } from '@warden/db/testing';
import { bootstrap, type Caller, IamService, type LiveKeyring, replayReadModels } from '@warden/iam';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullMqJobRunner, createJobHandlers, InProcessJobRunner, JOBS } from '../src/index.js';

/**
 * Session expiry, by the handlers and by both runners, against a controllable clock. BullMQ tests
 * need Redis: CI sets REDIS_URL and WARDEN_REQUIRE_SERVICES=1, so there they never skip.
 */
const redisUrl = process.env['REDIS_URL'];
const databaseUrl = process.env['DATABASE_URL'];
if (process.env['WARDEN_REQUIRE_SERVICES'] === '1' && (!redisUrl || !databaseUrl)) throw new Error('WARDEN_REQUIRE_SERVICES=1 but REDIS_URL or DATABASE_URL is not set');
if (!redisUrl) console.warn('REDIS_URL is not set: the BullMQ tests are skipped (the in-process runner is still tested).');

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

class TestClock {
  offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
}

describe.each(driversUnderTest())('session expiry on %s', (driver) => {
  let wardenDb: WardenDb;
  let iam: IamService;
  const clock = new TestClock();
  let managementRoot: Caller;
  let keyring: LiveKeyring;

  beforeAll(async () => {
    wardenDb = await createDb(driver === 'postgres' ? { databaseUrl } : { dataDir: 'memory', template: await migratedPGliteTemplate() });
    await migrateToLatest(wardenDb.db);
    const boot = await bootstrap({ db: wardenDb.db, masterKey: Buffer.alloc(32, 7), dataDir: '/tmp/warden-test-bootstrap', partition: 'aws', clock });
    keyring = boot.keyring;
    iam = new IamService({ db: wardenDb.db, keyring: boot.keyring, clock });
    managementRoot = { accountId: boot.managementAccountId, arn: `arn:aws:iam::${boot.managementAccountId}:root`, kind: 'root', requestContext: {} };
  });
  afterAll(async () => {
    await wardenDb.close();
  });

  /** A fresh account and a session of its root, issued at `now + issueOffsetMs`, lasting 900 s. */
  async function issueSession(issueOffsetMs = 0): Promise<{ accountId: string; sessionId: string; accessKeyId: string }> {
    clock.offsetMs = issueOffsetMs;
    const created = await iam.accounts.create(managementRoot, { name: `expiry-${randomUUID().slice(0, 8)}` });
    const accountId = created.account.accountId;
    const root: Caller = { accountId, arn: `arn:aws:iam::${accountId}:root`, kind: 'root', requestContext: {} };
    const credentials = await iam.sts.getSessionToken(root, { durationSeconds: 900 });
    clock.offsetMs = 0;
    const row = await inAccountTransaction(wardenDb.db, accountId, (trx) =>
      trx.selectFrom('sessions').select('session_id').where('access_key_id', '=', credentials.accessKeyId).executeTakeFirstOrThrow(),
    );
    return { accountId, sessionId: row.session_id, accessKeyId: credentials.accessKeyId };
  }

  const expiredEvents = (accountId: string, sessionId: string) =>
    inAccountTransaction(wardenDb.db, accountId, (trx) => trx.selectFrom('events').select('type').where('stream_id', '=', `session/${sessionId}`).where('type', '=', 'SessionExpired').execute()).then(
      (rows) => rows.length,
    );

  it('is refused before the expiry, done once after it, and a rerun appends nothing', async () => {
    const { accountId, sessionId, accessKeyId } = await issueSession();
    expect(await iam.maintenance.expireSession(accountId, sessionId)).toBe('not-yet');
    clock.offsetMs = 901_000;
    expect(await iam.maintenance.expireSession(accountId, sessionId)).toBe('expired');
    expect(await iam.maintenance.expireSession(accountId, sessionId)).toBe('already-expired');
    clock.offsetMs = 0;
    expect(await expiredEvents(accountId, sessionId)).toBe(1);
    const left = await inAccountTransaction(wardenDb.db, accountId, (trx) => trx.selectFrom('sessions').select('session_id').where('session_id', '=', sessionId).execute());
    expect(left).toEqual([]);
    expect(await wardenDb.db.selectFrom('access_key_lookup').select('account_id').where('access_key_id', '=', accessKeyId).execute()).toEqual([]);
  });

  it('the sweep expires every session a lost job missed', async () => {
    const sessions = [await issueSession(), await issueSession(), await issueSession()];
    clock.offsetMs = 901_000;
    const result = await createJobHandlers(iam, { keyring, keyRotationDays: 30 })[JOBS.sweepExpiredSessions]({});
    clock.offsetMs = 0;
    expect(result).toMatch(/^expired \d+ of \d+ due sessions; forgot \d+ of \d+ used federation tokens past their expiry$/);
    for (const session of sessions) expect(await expiredEvents(session.accountId, session.sessionId)).toBe(1);
  });

  // A used token's record refuses its replay until the token's exp plus the verification skew
  // (TOKEN_CLOCK_SKEW_SECONDS, 300 s); a token that outlives its 900 s session is forgotten by the sweep then.
  it('the sweep forgets a used web identity token that outlived its session, once it is past its exp and skew, and replay agrees', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] };
    const federation = new IamService({ db: wardenDb.db, keyring, clock, webIdentityKeys: { keys: () => Promise.resolve(jwks) } });
    const created = await iam.accounts.create(managementRoot, { name: `prune-${randomUUID().slice(0, 8)}` });
    const accountId = created.account.accountId;
    const root: Caller = { accountId, arn: `arn:aws:iam::${accountId}:root`, kind: 'root', requestContext: {} };
    const issuer = 'https://issuer.example.com/prune';
    const provider = await federation.oidcProviders.create(root, { url: issuer, clientIdList: ['sts.amazonaws.com'] });
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: provider.arn }, Action: 'sts:AssumeRoleWithWebIdentity' }] };
    const role = await federation.roles.create(root, { roleName: 'ci', assumeRolePolicyDocument: JSON.stringify(trust) });
    clock.offsetMs = 0;
    const issuedAt = Math.floor(clock.now().getTime() / 1000);
    const token = await new SignJWT({ iss: issuer, aud: 'sts.amazonaws.com', sub: 'repo:acme/app', iat: issuedAt, exp: issuedAt + 3600, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(privateKey);
    await federation.webIdentity.assumeRoleWithWebIdentity({ roleArn: role.arn, roleSessionName: 'build', webIdentityToken: token, durationSeconds: 900 });
    const records = () => inAccountTransaction(wardenDb.db, accountId, (trx) => trx.selectFrom('used_federation_tokens').select('session_id').where('account_id', '=', accountId).execute());
    const forgotten = () =>
      inAccountTransaction(wardenDb.db, accountId, (trx) => trx.selectFrom('events').select('type').where('account_id', '=', accountId).where('type', '=', 'FederationTokenForgotten').execute());
    const sweep = () => createJobHandlers(federation, { keyring, keyRotationDays: 30 })[JOBS.sweepExpiredSessions]({});

    // The session has expired, the token has not: its record stays.
    clock.offsetMs = 901_000;
    await sweep();
    expect(await records()).toHaveLength(1);
    // Past the token's exp but within the skew, it could still be verified: kept.
    clock.offsetMs = 3_600_000 + 290_000;
    await sweep();
    expect(await records()).toHaveLength(1);
    // Past exp plus skew: forgotten, once, as an event of the session's stream.
    clock.offsetMs = 3_600_000 + 310_000;
    await sweep();
    await sweep();
    clock.offsetMs = 0;
    expect(await records()).toEqual([]);
    expect(await forgotten()).toHaveLength(1);
    const report = await replayReadModels(wardenDb.db, { accountId });
    expect(report.tables.find((table) => table.table === 'used_federation_tokens')).toMatchObject({ live: 0, rebuilt: 0, equal: true });
  });

  it("the in-process runner fires the expiry job at the session's expiry, once", async () => {
    // Issued 897 s ago: it expires 3 s from now, time enough to see it not expired yet on a slow machine.
    const session = await issueSession(-897_000);
    const runner = new InProcessJobRunner(createJobHandlers(iam, { keyring, keyRotationDays: 30 }), silent, clock.now, 3_600_000);
    const expiresAt = new Date(Date.now() + 3_000);
    await runner.scheduleSessionExpiry({ ...session, expiresAt });
    await runner.scheduleSessionExpiry({ ...session, expiresAt });
    expect(await expiredEvents(session.accountId, session.sessionId)).toBe(0);
    await expect.poll(() => expiredEvents(session.accountId, session.sessionId), { timeout: 10_000 }).toBe(1);
    await runner.close();
  });

  describe.skipIf(!redisUrl)('with BullMQ on Redis', () => {
    it('fires a delayed job once even when scheduled twice and raced by a second executor', async () => {
      const prefix = `warden-test-${randomUUID().slice(0, 8)}`;
      const runner = new BullMqJobRunner(createJobHandlers(iam, { keyring, keyRotationDays: 30 }), silent, { redisUrl: redisUrl!, processJobs: true, prefix, sweepEveryMs: 3_600_000 }, clock.now);
      await runner.start();
      try {
        const session = await issueSession(-899_000);
        const expiresAt = new Date(Date.now() + 1000);
        await runner.scheduleSessionExpiry({ ...session, expiresAt });
        await runner.scheduleSessionExpiry({ ...session, expiresAt });
        await expect.poll(() => expiredEvents(session.accountId, session.sessionId), { timeout: 20_000, interval: 200 }).toBe(1);
        // A second executor (a worker restarted after being killed mid-job) runs it again: nothing more.
        expect(await iam.maintenance.expireSession(session.accountId, session.sessionId)).toBe('already-expired');
        expect(await expiredEvents(session.accountId, session.sessionId)).toBe(1);
      } finally {
        await runner.close();
      }
    });

    it('puts poison input in the visible failed set after one attempt', async () => {
      const prefix = `warden-test-${randomUUID().slice(0, 8)}`;
      const runner = new BullMqJobRunner(createJobHandlers(iam, { keyring, keyRotationDays: 30 }), silent, { redisUrl: redisUrl!, processJobs: true, prefix, sweepEveryMs: 3_600_000 }, clock.now);
      await runner.start();
      try {
        await runner.scheduleSessionExpiry({ accountId: 'not-an-account', sessionId: 'nope', expiresAt: new Date() });
        await expect.poll(async () => (await runner.jobCounts())['failed'], { timeout: 20_000, interval: 200 }).toBe(1);
      } finally {
        await runner.close();
      }
    });
  });
});
