import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledQuery, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, sql, type UnknownRow } from 'kysely';
import type { AuditFilter, Caller } from '../src/index.js';
import { findAuditLog } from '../src/audit/audit-log-repository.js';
import { inAccountTransaction } from '@warden/db';
import { DRIVERS, newAccount, openService, type ServiceUnderTest } from './test-service.js';

/** Keeps every query a Kysely instance runs, to explain them afterwards. */
class QueryCapture implements KyselyPlugin {
  readonly nodes: RootOperationNode[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.nodes.push(args.node);
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

/**
 * The audit query's plans on Postgres (PGlite's planner is Postgres's, but its plans are not the
 * server's to promise): after ANALYZE over a modest data set (15,000 records a day), each filter's
 * page reads api_calls through an index. A partition with few rows or none (the days ahead, the
 * default partition that other suites' old rows land in) may rightly be scanned in full, so the
 * test fails on a sequential scan that read SMALL_PARTITION rows or more: one of the data set's days.
 */
const SMALL_PARTITION = 1000;
describe.runIf(DRIVERS.includes('postgres'))('the audit query plans on Postgres', () => {
  let service: ServiceUnderTest;
  let root: Caller;
  const RECORDS = 30_000;

  beforeAll(async () => {
    service = await openService('postgres');
    root = await newAccount(service);
    const other = await newAccount(service);
    const db = service.wardenDb.db;
    await sql`SELECT warden_prepare_api_call_partitions((now() AT TIME ZONE 'UTC')::date - 3, 5)`.execute(db);
    for (const account of [root.accountId, other.accountId]) {
      await sql`
        INSERT INTO api_calls (account_id, occurred_at, operation, read_only, outcome, error_code, caller_arn, principal_arn, source_ip, resource_arns)
        SELECT ${account}, now() - (i::float8 / ${RECORDS} * 3) * interval '1 day', 'iam:Operation' || (i % 40), i % 10 < 7,
          CASE WHEN i % 10 < 7 THEN 'success' WHEN i % 10 < 9 THEN 'denied' ELSE 'failed' END,
          CASE WHEN i % 10 < 7 THEN NULL WHEN i % 10 < 9 THEN 'AccessDenied' ELSE 'NoSuchEntity' END,
          CASE WHEN i % 200 < 150 THEN 'arn:aws:iam::' || ${account} || ':user/u' || (i % 200) ELSE 'arn:aws:sts::' || ${account} || ':assumed-role/r' || (i % 200) || '/s' END,
          CASE WHEN i % 200 < 150 THEN 'arn:aws:iam::' || ${account} || ':user/u' || (i % 200) ELSE 'arn:aws:iam::' || ${account} || ':role/r' || (i % 200) END,
          ('10.' || (i % 4) || '.' || ((i / 4) % 256) || '.' || (i % 251))::inet,
          ARRAY['arn:aws:iam::' || ${account} || ':user/target' || (i % 1000)]
        FROM generate_series(0, ${RECORDS - 1}::int) AS i`.execute(db);
    }
    await sql`ANALYZE api_calls`.execute(db);
  });
  afterAll(async () => {
    await service?.wardenDb.close();
  });

  const day = 24 * 3600_000;
  it.each<[string, (accountId: string) => AuditFilter]>([
    ['no filter', () => ({})],
    ['a user', (account) => ({ principal: `arn:aws:iam::${account}:user/u7` })],
    ['a role', (account) => ({ principal: `arn:aws:iam::${account}:role/r170` })],
    ['an operation', () => ({ operations: ['iam:Operation7'] })],
    ['an outcome', () => ({ outcomes: ['DENIED'] })],
    ['an error code', () => ({ errorCodes: ['NoSuchEntity'] })],
    ['a CIDR block', () => ({ sourceIp: '10.1.0.0/16' })],
    ['one address', () => ({ sourceIp: '10.0.250.247' })],
    ['a time range', () => ({ from: new Date(Date.now() - 2 * day), to: new Date(Date.now() - 2 * day + 3600_000) })],
  ])('%s: an index scan of api_calls, no sequential scan of a partition with rows', async (_label, filter) => {
    await expectIndexScans(filter);
  });

  // Not checked: the resource filter. `resource_arns @> ARRAY[…]` is the GIN index's operator but
  // not leakproof, so under row security it cannot be an index condition; the planner then reads
  // the account's records newest first through the primary key, or a partition in full, depending
  // on the partitions' sizes (it did both on this data set across runs). docs/performance.md has it.

  async function expectIndexScans(filter: (accountId: string) => AuditFilter): Promise<void> {
    // As the service reads: in the account's transaction, as warden_app, under row-level security.
    await inAccountTransaction(service.wardenDb.db, root.accountId, async (trx) => {
      const capture = new QueryCapture();
      const db = trx.withPlugin(capture);
      const page = await findAuditLog(db, root.accountId, filter(root.accountId), null, 51);
      expect(page.length).toBeGreaterThan(0);
      const recordQueries = capture.nodes.map((node) => db.getExecutor().compileQuery(node, { queryId: 'plan' })).filter((query) => query.sql.includes('from "api_calls"'));
      expect(recordQueries.length).toBeGreaterThan(0);
      for (const query of recordQueries) {
        const explained = await trx.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(CompiledQuery.raw(`EXPLAIN (ANALYZE, FORMAT JSON) ${query.sql}`, [...query.parameters]));
        const nodes = flatten(explained.rows[0]!['QUERY PLAN'][0].Plan).filter((node) => node['Relation Name']?.startsWith('api_calls') || node['Index Name']?.startsWith('api_calls'));
        const summary = nodes.map((node) => `${node['Node Type']} ${node['Index Name'] ?? node['Relation Name']}`).join('\n');
        expect(
          nodes.some((node) => /Index/.test(node['Node Type'])),
          summary,
        ).toBe(true);
        const fullScans = nodes.filter((node) => node['Node Type'] === 'Seq Scan' && (node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) >= SMALL_PARTITION);
        expect(
          fullScans.map((node) => node['Relation Name']),
          summary,
        ).toEqual([]);
      }
    });
  }
});
