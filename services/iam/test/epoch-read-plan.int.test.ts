import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Caller } from '../src/index.js';
import { EPOCH_STATEMENT } from '../src/service/account-epochs.js';
import { type PlanNode, planNodes } from './query-plans.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest } from './test-service.js';

const POLICIES = 300;

/**
 * The epoch read runs for nearly every request on Postgres, prepared, so with a generic plan after
 * its fifth run: the changed policies it brings must be looked up from the change records, never by
 * reading the account's policies. Explained with the generic plan forced, over an account of 300
 * policies after ANALYZE. (A first version, a semi-join, left that to the planner, which read every
 * policy of a small account on each request.)
 */
describe.runIf(DRIVERS.includes('postgres'))('the epoch read on Postgres', () => {
  let service: ServiceUnderTest;
  let root: Caller;
  const allow = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

  beforeAll(async () => {
    service = await openService('postgres');
    root = await newAccount(service);
    for (let i = 0; i < POLICIES; i++) await service.iam.policies.create(root, { policyName: `p${i}`, policyDocument: allow(`s3:Get${i}`) });
    await sql`ANALYZE policies`.execute(service.wardenDb.db);
    await sql`ANALYZE policy_versions`.execute(service.wardenDb.db);
    await sql`ANALYZE account_changes`.execute(service.wardenDb.db);
  });
  afterAll(async () => {
    await service?.wardenDb.close();
  });

  /** The generic plan's run after `since`: rows it read from `policies`, and what it answered. */
  async function explained(since: string): Promise<{ policyRows: number; policies: { id: string; version: string }[] }> {
    return service.wardenDb.db.connection().execute(async (connection) => {
      await sql`SET plan_cache_mode = force_generic_plan`.execute(connection);
      try {
        await sql`${sql.raw(`PREPARE epoch_read_under_test(text, int8) AS ${EPOCH_STATEMENT}`)}`.execute(connection);
        // EXECUTE takes no bind parameters: both are digits, written in.
        const execute = `EXECUTE epoch_read_under_test('${/^\d{12}$/.exec(root.accountId)![0]}', ${BigInt(since)})`;
        const { rows } = await sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>`${sql.raw(`EXPLAIN (ANALYZE, FORMAT JSON) ${execute}`)}`.execute(connection);
        const read = planNodes(rows[0]!['QUERY PLAN'][0].Plan).filter((node) => node['Relation Name'] === 'policies');
        const policyRows = read.reduce((sum, node) => sum + (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 0) + (node['Rows Removed by Filter'] ?? 0), 0);
        const answer = await sql<{ policies: { id: string; version: string }[] | null }>`${sql.raw(execute)}`.execute(connection);
        return { policyRows, policies: (answer.rows[0]!.policies ?? []).filter((policy) => policy !== null) };
      } finally {
        await sql`DEALLOCATE epoch_read_under_test`.execute(connection);
        await sql`RESET plan_cache_mode`.execute(connection);
      }
    });
  }

  const epoch = async () => (await sql<{ change_epoch: string }>`SELECT change_epoch::text FROM accounts WHERE account_id = ${root.accountId}`.execute(service.wardenDb.db)).rows[0]!.change_epoch;

  it('reads no policy for an account with no change since, and only the changed one after a new default version', async () => {
    const before = await epoch();
    expect(await explained(before)).toEqual({ policyRows: 0, policies: [] });

    const arn = `arn:aws:iam::${root.accountId}:policy/p7`;
    await service.iam.policies.createVersion(root, arn, allow('s3:PutObject'), true);
    const { policyRows, policies } = await explained(before);
    expect(policyRows).toBeLessThanOrEqual(1);
    expect(policies).toEqual([expect.objectContaining({ arn, version: 'v2' })]);
  });
});
