import { createDb, migrateToLatest, type WardenDb } from '@warden/db';
import { driversUnderTest, migratedPGliteTemplate } from '@warden/db/testing';
import { bootstrap, type Caller, IamService, type LiveKeyring } from '@warden/iam';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createJobHandlers, InProcessJobRunner, type JobHandler, JOBS, type JobName, STATISTICS_EVERY_MS } from '../src/index.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The planner's statistics job: ANALYZE where no autovacuum keeps them (the embedded PGlite, where
 * `pg_class.reltuples` stays -1, "never analyzed", however many rows a table holds), nothing where
 * Postgres's autovacuum launcher runs; and the in-process runner runs it every STATISTICS_EVERY_MS.
 */
describe('refresh-planner-statistics', () => {
  let wardenDb: WardenDb | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await wardenDb?.close();
    wardenDb = undefined;
  });

  async function service(driver: 'pglite' | 'postgres'): Promise<{ iam: IamService; keyring: LiveKeyring; root: Caller }> {
    wardenDb = await createDb(driver === 'postgres' ? { databaseUrl: process.env['DATABASE_URL'] } : { dataDir: 'memory', template: await migratedPGliteTemplate() });
    await migrateToLatest(wardenDb.db);
    const boot = await bootstrap({ db: wardenDb.db, masterKey: Buffer.alloc(32, 7), dataDir: '/tmp/warden-test-bootstrap', partition: 'aws', clock: { now: () => new Date() } });
    const iam = new IamService({ db: wardenDb.db, keyring: boot.keyring });
    const managementRoot: Caller = { accountId: boot.managementAccountId, arn: `arn:aws:iam::${boot.managementAccountId}:root`, kind: 'root', requestContext: {} };
    const tenant = await iam.accounts.create(managementRoot, { name: 'statistics' });
    const root: Caller = { accountId: tenant.account.accountId, arn: `arn:aws:iam::${tenant.account.accountId}:root`, kind: 'root', requestContext: {} };
    return { iam, keyring: boot.keyring, root };
  }

  const statistics = async (table: string) => {
    const { rows } = await sql<{ reltuples: number }>`SELECT reltuples FROM pg_class WHERE relname = ${table} AND relkind IN ('r', 'p')`.execute(wardenDb!.db);
    return Number(rows[0]!.reltuples);
  };

  it.skipIf(!driversUnderTest().includes('pglite'))('analyzes the embedded store, which never does by itself: the users table gets its row count', async () => {
    const { iam, keyring, root } = await service('pglite');
    for (let index = 0; index < 30; index++) await iam.users.create(root, { userName: `u-${index}` });
    expect(await statistics('users')).toBe(-1);
    const outcome = await createJobHandlers(iam, { keyring, keyRotationDays: 30 })[JOBS.refreshPlannerStatistics]({});
    expect(outcome).toBe('analyzed');
    expect(await statistics('users')).toBeGreaterThanOrEqual(30);
    const { rows } = await sql<{ analyzed: boolean }>`SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'users'`.execute(wardenDb!.db);
    expect(rows[0]!.analyzed).toBe(true);
  });

  it.skipIf(!driversUnderTest().includes('postgres'))('leaves Postgres to its autovacuum when the launcher runs, and analyzes when it does not', async () => {
    const { iam, keyring } = await service('postgres');
    const { rows } = await sql<{ running: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE backend_type = 'autovacuum launcher') AS running`.execute(wardenDb!.db);
    const outcome = await createJobHandlers(iam, { keyring, keyRotationDays: 30 })[JOBS.refreshPlannerStatistics]({});
    expect(outcome).toBe(rows[0]!.running ? 'kept-by-autovacuum' : 'analyzed');
  });

  it('is run by the in-process runner every STATISTICS_EVERY_MS, first one interval after start', async () => {
    vi.useFakeTimers();
    const runs: JobName[] = [];
    const handler =
      (job: JobName): JobHandler =>
      () => {
        runs.push(job);
        return Promise.resolve('done');
      };
    const handlers = Object.fromEntries(Object.values(JOBS).map((job) => [job, handler(job)])) as Record<JobName, JobHandler>;
    const runner = new InProcessJobRunner(handlers, silent);
    await runner.start();
    await vi.advanceTimersByTimeAsync(STATISTICS_EVERY_MS - 1);
    expect(runs.filter((job) => job === JOBS.refreshPlannerStatistics)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs.filter((job) => job === JOBS.refreshPlannerStatistics)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(STATISTICS_EVERY_MS);
    expect(runs.filter((job) => job === JOBS.refreshPlannerStatistics)).toHaveLength(2);
    await runner.close();
  });
});
