import { randomUUID } from 'node:crypto';
import { createDb, migrateToLatest, type WardenDb } from '@warden/db';
import { migratedPGliteTemplate } from '@warden/db/testing';
import { bootstrap, IamService, type LiveKeyring } from '@warden/iam';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobHandlers, JOBS } from '../src/index.js';

/**
 * The daily upkeep of the call records' partitions, on an isolated embedded store with a clock that
 * moves: a server down for weeks gets today's and the week's partitions on its next run, and the
 * days past the retention go.
 */
describe('the call records partitions job', () => {
  let wardenDb: WardenDb;
  let iam: IamService;
  let keyring: LiveKeyring;
  const clock = { offsetMs: 0, now: (): Date => new Date(Date.now() + clock.offsetMs) };

  beforeAll(async () => {
    wardenDb = await createDb({ dataDir: 'memory', template: await migratedPGliteTemplate() });
    await migrateToLatest(wardenDb.db);
    const boot = await bootstrap({ db: wardenDb.db, masterKey: Buffer.alloc(32, 9), dataDir: `/tmp/warden-partitions-${randomUUID()}`, partition: 'aws', clock });
    keyring = boot.keyring;
    iam = new IamService({ db: wardenDb.db, keyring, clock });
  });
  afterAll(async () => {
    await wardenDb.close();
  });

  async function partitionDays(): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`
      SELECT child.relname AS name FROM pg_inherits
      JOIN pg_class child ON child.oid = pg_inherits.inhrelid JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
      WHERE parent.relname = 'api_calls' AND child.relname ~ '^api_calls_[0-9]{8}$' ORDER BY 1`.execute(wardenDb.db);
    return rows.map((row) => row.name.slice('api_calls_'.length));
  }

  const day = (at: Date, plus = 0) => new Date(at.getTime() + plus * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');

  it("makes today's and the next week's partitions after weeks away, and drops those past the retention", async () => {
    const handlers = createJobHandlers(iam, { keyring, keyRotationDays: 30, auditRetentionDays: 10 });
    // A record of today (thirty days before the clock moves), and the resource rows it leaves (migration 0030).
    await sql`INSERT INTO api_calls (account_id, occurred_at, operation, read_only, outcome, caller_arn, principal_arn, resource_arns)
      VALUES ('111122223333', now(), 'iam:GetUser', true, 'denied', 'arn:aws:iam::111122223333:user/a', 'arn:aws:iam::111122223333:user/a',
        ARRAY['arn:aws:iam::111122223333:user/b', 'arn:aws:iam::111122223333:user/c', 'arn:aws:iam::111122223333:user/b'])`.execute(wardenDb.db);
    const resourceRows = async (): Promise<string[]> =>
      (await sql<{ resource_arn: string }>`SELECT resource_arn FROM api_call_resources WHERE account_id = '111122223333' ORDER BY 1`.execute(wardenDb.db)).rows.map((row) => row.resource_arn);
    expect(await resourceRows()).toEqual(['arn:aws:iam::111122223333:user/b', 'arn:aws:iam::111122223333:user/c']);
    clock.offsetMs = 30 * 86_400_000;
    const now = clock.now();
    const result = await handlers[JOBS.upkeepApiCallPartitions]({});
    expect(result).toMatch(/^made 8 call record partitions; dropped \d+ past the retention$/);
    const days = await partitionDays();
    for (let plus = 0; plus < 8; plus++) expect(days).toContain(day(now, plus));
    // Those the migration made (yesterday to a week ahead, thirty days ago) are past ten days' retention.
    expect(days.filter((each) => each < day(now, -10))).toEqual([]);
    // The record's resource rows went with its partition.
    expect(await resourceRows()).toEqual([]);
    // Idempotent: a second run makes and drops nothing.
    expect(await handlers[JOBS.upkeepApiCallPartitions]({})).toBe('made 0 call record partitions; dropped 0 past the retention');
  });
});
