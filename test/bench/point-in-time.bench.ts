/**
 * Point-in-time `authorize` over an account of 100,000 events (embedded PGlite, or a fresh database
 * on the DATABASE_URL server): p50 and p99 at random past instants from snapshots, the same without
 * snapshots (every fold from the account's first event), and the live `authorize` of the same
 * principal measured in the same run as the baseline. The account is built fast: a few hundred
 * entities through the IAM operations, then the rest appended straight through the event store in
 * batches (valid events of those streams: attachments, tags, memberships, policy versions).
 *
 * Knobs: BENCH_EVENTS (default 100,000), BENCH_SAMPLES (default 200; a tenth of it without snapshots).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { appendToStream, createDb, inAccountTransaction, migrateToLatest } from '@warden/db';
import { bootstrap, type Caller, IamService, PointInTimeChecks } from '@warden/iam';
import { freshBenchDatabaseUrl } from './bench-support.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 200);
const USERS = 200;
const GROUPS = 10;
const POLICIES = 20;
const EVENTS_PER_APPEND = 20;
const APPENDS_PER_TRANSACTION = 50;

const databaseUrl = await freshBenchDatabaseUrl('point_in_time');
const driver = databaseUrl ? 'Postgres' : 'embedded PGlite';
const wardenDb = await createDb(databaseUrl ? { databaseUrl, poolSize: 4 } : { dataDir: 'memory' });
const { db } = wardenDb;

const seeded = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
};
const random = seeded(2026);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;
const document = (action: string, effect = 'Allow') => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Action: action, Resource: '*' }] });
const ACTIONS = ['s3:GetObject', 's3:PutObject', 'sqs:SendMessage', 'dynamodb:GetItem', 'ec2:Describe*', 'iam:Get*', 's3:*'];

try {
  await migrateToLatest(db);
  // The history starts three days ago on a clock of the bench's own, so that every event is past.
  let now = new Date(Date.now() - 3 * 86_400_000);
  const clock = { now: () => now };
  const boot = await bootstrap({ db, masterKey: Buffer.alloc(32, 7), dataDir: mkdtempSync(join(tmpdir(), 'warden-bench-history-')), partition: 'aws', clock });
  const iam = new IamService({ db, keyring: boot.keyring, clock });
  const management: Caller = { accountId: boot.managementAccountId, arn: `arn:aws:iam::${boot.managementAccountId}:root`, kind: 'root', requestContext: {} };
  const created = await iam.accounts.create(management, { name: 'history-bench' });
  const accountId = created.account.accountId;
  const root: Caller = { accountId, arn: `arn:aws:iam::${accountId}:root`, kind: 'root', requestContext: {} };

  const started = performance.now();
  const policies: string[] = [];
  for (let index = 0; index < POLICIES; index++) policies.push((await iam.policies.create(root, { policyName: `p${index}`, policyDocument: document(pick(ACTIONS)) })).arn);
  for (let index = 0; index < GROUPS; index++) {
    await iam.groups.create(root, { groupName: `g${index}` });
    await iam.groups.attachPolicy(root, `g${index}`, pick(policies));
  }
  for (let index = 0; index < USERS; index++) await iam.users.create(root, { userName: `u${index}` });
  const target = `arn:aws:iam::${accountId}:user/u0`;
  const targetUser = await db.selectFrom('users').select('user_id').where('account_id', '=', accountId).where('user_name', '=', 'u0').executeTakeFirstOrThrow();
  const targetStream = `user/${targetUser.user_id}`;

  // What the generator keeps of each stream, so that every appended event is one a decider could have made.
  const streams = await db
    .selectFrom('events')
    .select(['stream_id'])
    .select(({ fn }) => fn.max('stream_version').as('version'))
    .where('account_id', '=', accountId)
    .groupBy('stream_id')
    .execute();
  const versionOf = new Map(streams.map((row) => [row.stream_id, Number(row.version)]));
  const groupIds = streams.filter((row) => row.stream_id.startsWith('group/')).map((row) => row.stream_id.slice('group/'.length));
  const userStreams = streams.filter((row) => row.stream_id.startsWith('user/')).map((row) => row.stream_id);
  const policyStreams = streams.filter((row) => row.stream_id.startsWith('policy/')).map((row) => row.stream_id);
  const attached = new Map<string, Set<string>>();
  const memberOf = new Map<string, Set<string>>();
  const policyVersion = new Map<string, number>(policyStreams.map((stream) => [stream, 1]));
  const userBatch = (stream: string) => {
    const holds = attached.get(stream) ?? new Set<string>();
    const groups = memberOf.get(stream) ?? new Set<string>();
    attached.set(stream, holds);
    memberOf.set(stream, groups);
    const events: { type: string; data: unknown }[] = [];
    while (events.length < EVENTS_PER_APPEND) {
      const roll = random();
      if (roll < 0.4) {
        const arn = pick(policies);
        if (holds.has(arn)) {
          holds.delete(arn);
          events.push({ type: 'PolicyDetachedFromUser', data: { policyArn: arn } });
        } else if (holds.size < 10) {
          holds.add(arn);
          events.push({ type: 'PolicyAttachedToUser', data: { policyArn: arn } });
        }
      } else if (roll < 0.6) {
        const groupId = pick(groupIds);
        if (groups.has(groupId)) {
          groups.delete(groupId);
          events.push({ type: 'UserRemovedFromGroup', data: { groupId, groupName: 'g' } });
        } else {
          groups.add(groupId);
          events.push({ type: 'UserAddedToGroup', data: { groupId, groupName: 'g' } });
        }
      } else if (roll < 0.8) {
        events.push({ type: 'UserTagged', data: { tags: [{ key: 'team', value: pick(['red', 'blue', 'green']) }] } });
      } else {
        events.push({ type: 'UserPolicyPut', data: { policyName: pick(['inline-a', 'inline-b']), document: document(pick(ACTIONS), pick(['Allow', 'Deny'])) } });
      }
    }
    return events;
  };
  const policyBatch = (stream: string) => {
    const events: { type: string; data: unknown }[] = [];
    while (events.length < EVENTS_PER_APPEND) {
      const version = policyVersion.get(stream)! + 1;
      policyVersion.set(stream, version);
      events.push({ type: 'PolicyVersionCreated', data: { versionId: `v${version}`, document: document(pick(ACTIONS)), setAsDefault: true } });
      events.push({ type: 'PolicyVersionDeleted', data: { versionId: `v${version - 1}` } });
    }
    return events;
  };

  const count = await db
    .selectFrom('events')
    .select(({ fn }) => fn.countAll<string>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  let events = Number(count.count);
  const appendsLeft = Math.ceil((EVENTS - events) / EVENTS_PER_APPEND);
  // Spread over the two days up to a minute ago.
  const step = Math.floor((2 * 86_400_000) / Math.max(1, appendsLeft));
  now = new Date(Date.now() - 2 * 86_400_000);
  const metadata = { actorArn: root.arn, requestId: 'bench-history' };
  while (events < EVENTS) {
    await inAccountTransaction(db, accountId, async (trx) => {
      for (let append = 0; append < APPENDS_PER_TRANSACTION && events < EVENTS; append++) {
        // One stream in four is the target's, so the principal asked about has a long history of its own.
        const stream = random() < 0.25 ? targetStream : random() < 0.8 ? pick(userStreams) : pick(policyStreams);
        const batch = stream.startsWith('user/') ? userBatch(stream) : policyBatch(stream);
        const expectedVersion = versionOf.get(stream)!;
        await appendToStream(trx, { accountId, streamId: stream, expectedVersion, events: batch, metadata, occurredAt: now });
        versionOf.set(stream, expectedVersion + batch.length);
        events += batch.length;
        now = new Date(now.getTime() + step);
      }
    });
  }
  const end = new Date(now.getTime() - step);
  const begin = new Date(Date.now() - 2 * 86_400_000);
  now = new Date();
  console.log(`point-in-time authorize (${driver}): account of ${events} events built in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const question = { principal: target, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q1.csv' };
  const instant = () => new Date(begin.getTime() + random() * (end.getTime() - begin.getTime()));
  const timed = async (samples: number, ask: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let index = 0; index < samples; index++) {
      const before = performance.now();
      await ask();
      times.push(performance.now() - before);
    }
    return { p50: percentile(times, 50), p99: percentile(times, 99) };
  };

  const withSnapshots = iam.pointInTime;
  const withoutSnapshots = new PointInTimeChecks(iam.core, iam.authorization, { useSnapshots: false, snapshotInterval: 0 });
  const first = performance.now();
  await withSnapshots.authorizeAt(root, [{ ...question, at: now }]);
  const snapshots = await db
    .selectFrom('history_snapshots')
    .select(({ fn }) => fn.countAll<string>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  console.log(`  first fold to now, taking snapshots: ${(performance.now() - first).toFixed(0)} ms (${snapshots.count} snapshots)`);

  await timed(10, () => iam.authorization.authorize(root, question));
  const live = await timed(SAMPLES, () => iam.authorization.authorize(root, question));
  const fromSnapshots = await timed(SAMPLES, () => withSnapshots.authorizeAt(root, [{ ...question, at: instant() }]));
  const fromStart = await timed(Math.max(5, Math.floor(SAMPLES / 10)), () => withoutSnapshots.authorizeAt(root, [{ ...question, at: instant() }]));
  const line = (name: string, run: { p50: number; p99: number }) =>
    `  ${name}: p50 ${run.p50.toFixed(2)} ms, p99 ${run.p99.toFixed(2)} ms (p50 ${(run.p50 / live.p50).toFixed(1)}× the live authorize)`;
  console.log(`  live authorize of the same principal (baseline): p50 ${live.p50.toFixed(2)} ms, p99 ${live.p99.toFixed(2)} ms`);
  console.log(`${line('at a random past instant, from snapshots', fromSnapshots)} (target p50 ≤ 50 ms: ${fromSnapshots.p50 <= 50 ? 'met' : 'NOT met'})`);
  console.log(line('at a random past instant, without snapshots', fromStart));
} finally {
  await wardenDb.close();
}
