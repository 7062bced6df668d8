import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWarden } from '@warden/api';
import { createDb } from '@warden/db';
import { migratedPGliteTemplate } from '@warden/db/testing';
import { CompiledQuery } from 'kysely';
import { signedGet } from './support/signed-get.js';
import { type Credentials, type GraphQLData, SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden, TEST_MASTER_KEY } from './support/warden-under-test.js';

const CREATE_USER = `mutation ($userName: String!) { createUser(input: { userName: $userName, tags: [{ key: "team", value: "audit" }] }) { __typename } }`;
const CSV_HEADER = [
  'cursor',
  'kind',
  'occurredAt',
  'type',
  'operation',
  'outcome',
  'errorCode',
  'errorMessage',
  'readOnly',
  'actorArn',
  'principalArn',
  'accessKeyId',
  'sessionId',
  'sourceIdentity',
  'requestId',
  'sourceIp',
  'userAgent',
  'resourceArn',
  'resourceArns',
  'position',
  'streamId',
  'decision',
  'data',
];

interface ExportedLine extends GraphQLData {
  readonly cursor: string;
  readonly kind: 'EVENT' | 'CALL';
  readonly position: string | null;
  readonly type: string;
}

/** A call record written as the recorder writes one (as the store's owner), `at` its time. */
async function recordCall(warden: RunningWarden, accountId: string, at: Date, outcome: 'denied' | 'failed', target: string): Promise<void> {
  await warden.wardenDb.db
    .insertInto('api_calls')
    .values({
      account_id: accountId,
      occurred_at: at,
      request_id: `req-${target}`,
      operation: 'iam:GetUser',
      read_only: true,
      outcome,
      error_code: outcome === 'denied' ? 'AccessDenied' : 'NoSuchEntity',
      error_message: outcome === 'denied' ? 'not allowed, "quoted"' : 'no such user',
      decision: outcome === 'denied' ? JSON.stringify({ decision: 'implicit_deny' }) : null,
      caller_arn: `arn:aws:iam::${accountId}:user/alice`,
      principal_arn: `arn:aws:iam::${accountId}:user/alice`,
      source_ip: '192.0.2.10',
      resource_arns: [`arn:aws:iam::${accountId}:user/${target}`],
    })
    .execute();
}

const AUDIT_CURSORS = `query($filter: AuditEventFilter, $first: Int, $after: String) { auditEvents(first: $first, after: $after, filter: $filter) {
  ... on AuditEventsSuccess { data { edges { cursor node { kind } } pageInfo { endCursor } } }
} }`;

const ndjson = (text: string): ExportedLine[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ExportedLine);

describe.each([...DRIVERS])('GET /audit/export (%s)', (driver) => {
  let warden: RunningWarden;

  beforeAll(async () => {
    warden = await startTestWarden(driver);
  });
  afterAll(async () => {
    await warden.close();
  });

  it("exports the caller's account's log as NDJSON, events and call records, in the query's order and with its cursors, and resumes after one", async () => {
    const { accountId, root, credentials } = await newTenant(warden);
    const other = await newTenant(warden);
    for (const userName of ['exp-1', 'exp-2']) await root.data(CREATE_USER, { userName });
    await recordCall(warden, accountId, new Date(), 'denied', 'exp-1');
    for (const userName of ['exp-3', 'exp-4']) await root.data(CREATE_USER, { userName });
    await recordCall(warden, accountId, new Date(), 'failed', 'ghost');
    await other.root.data(CREATE_USER, { userName: 'elsewhere' });
    await recordCall(warden, other.accountId, new Date(), 'denied', 'elsewhere');
    const response = await signedGet(warden.url, '/audit/export', credentials, {});
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = ndjson(await response.text());
    const listed = await root.data(AUDIT_CURSORS, { first: 100 });
    const edges = listed['auditEvents'].data.edges as { cursor: string; node: { kind: string } }[];
    expect(lines.map((line) => [line.cursor, line.kind])).toEqual(edges.map((edge) => [edge.cursor, edge.node.kind]));
    expect(lines.filter((line) => line.type === 'UserCreated').map((line) => line.data.userName)).toEqual(['exp-4', 'exp-3', 'exp-2', 'exp-1']);
    const calls = lines.filter((line) => line.kind === 'CALL');
    expect(calls).toEqual([
      expect.objectContaining({
        type: 'iam:GetUser',
        operation: 'iam:GetUser',
        outcome: 'FAILED',
        errorCode: 'NoSuchEntity',
        resourceArns: [`arn:aws:iam::${accountId}:user/ghost`],
        position: null,
        data: null,
      }),
      expect.objectContaining({
        outcome: 'DENIED',
        errorCode: 'AccessDenied',
        errorMessage: 'not allowed, "quoted"',
        decision: { decision: 'implicit_deny' },
        actorArn: `arn:aws:iam::${accountId}:user/alice`,
        principalArn: `arn:aws:iam::${accountId}:user/alice`,
        sourceIp: '192.0.2.10',
        readOnly: true,
        resourceArn: `arn:aws:iam::${accountId}:user/exp-1`,
      }),
    ]);
    // The failed call came after exp-4's creation, the denied one between exp-2's and exp-3's.
    expect(lines.findIndex((line) => line.kind === 'CALL')).toBe(0);
    // The account's root key was made with it: its secret stays out of the file.
    expect(JSON.stringify(lines)).not.toContain(credentials.secretAccessKey);

    const resumed = ndjson(await (await signedGet(warden.url, '/audit/export', credentials, { after: lines[2]!.cursor })).text());
    expect(resumed).toEqual(lines.slice(3));
    // A page of the query ends where the export can go on, and the other way round.
    const page = await root.data(AUDIT_CURSORS, { first: 2 });
    const fromQuery = ndjson(await (await signedGet(warden.url, '/audit/export', credentials, { after: page['auditEvents'].data.pageInfo.endCursor as string })).text());
    expect(fromQuery).toEqual(lines.slice(2));
    const rest = await root.data(AUDIT_CURSORS, { first: 100, after: lines[4]!.cursor });
    expect((rest['auditEvents'].data.edges as { cursor: string }[]).map((edge) => edge.cursor)).toEqual(lines.slice(5).map((line) => line.cursor));
  });

  it('exports CSV with one header and one row per entry, the record fields in their columns, and narrows by type, outcome and time', async () => {
    const { accountId, root, credentials } = await newTenant(warden);
    for (const userName of ['csv-1', 'csv-2']) await root.data(CREATE_USER, { userName });
    await recordCall(warden, accountId, new Date(), 'denied', 'csv-1');
    const everything = ndjson(await (await signedGet(warden.url, '/audit/export', credentials, {})).text());
    const response = await signedGet(warden.url, '/audit/export', credentials, { format: 'csv', eventTypes: 'UserCreated' }, 'presigned');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows: string[][] = parse(await response.text());
    expect(rows[0]).toEqual(CSV_HEADER);
    const column = (name: string): number => CSV_HEADER.indexOf(name);
    const created = everything.filter((line) => line.type === 'UserCreated');
    expect(rows.slice(1).map((row) => [row[column('cursor')], row[column('type')], row[column('outcome')], JSON.parse(row[column('data')]!)])).toEqual(
      created.map((line) => [line.cursor, 'UserCreated', 'SUCCESS', line.data]),
    );

    const denied: string[][] = parse(await (await signedGet(warden.url, '/audit/export', credentials, { format: 'csv', outcomes: 'DENIED,FAILED' })).text());
    expect(denied).toHaveLength(2);
    const record = Object.fromEntries(CSV_HEADER.map((name, index) => [name, denied[1]![index]]));
    expect(record).toMatchObject({
      kind: 'CALL',
      type: 'iam:GetUser',
      operation: 'iam:GetUser',
      outcome: 'DENIED',
      errorCode: 'AccessDenied',
      errorMessage: 'not allowed, "quoted"',
      readOnly: 'true',
      actorArn: `arn:aws:iam::${accountId}:user/alice`,
      principalArn: `arn:aws:iam::${accountId}:user/alice`,
      sourceIp: '192.0.2.10',
      requestId: 'req-csv-1',
      resourceArn: `arn:aws:iam::${accountId}:user/csv-1`,
      position: '',
      streamId: '',
      data: '',
    });
    expect(JSON.parse(record['resourceArns']!)).toEqual([`arn:aws:iam::${accountId}:user/csv-1`]);
    expect(JSON.parse(record['decision']!)).toEqual({ decision: 'implicit_deny' });

    const newest = everything[0]!;
    const before = ndjson(await (await signedGet(warden.url, '/audit/export', credentials, { to: newest.occurredAt as string })).text());
    // `to` is exclusive: exactly the entries that happened before it, every one of them, none at it.
    const cut = new Date(newest.occurredAt as string).getTime();
    expect(before).toEqual(everything.filter((line) => new Date(line.occurredAt as string).getTime() < cut));
    expect(before.length).toBeLessThan(everything.length);
    const from = ndjson(await (await signedGet(warden.url, '/audit/export', credentials, { from: newest.occurredAt as string })).text());
    expect(from).toEqual(everything.filter((line) => new Date(line.occurredAt as string).getTime() >= cut));
  });

  it('refuses an unsigned request (401), a caller without warden:GetAuditEvents (403) and bad parameters (400), each with a typed body', async () => {
    const { root, credentials } = await newTenant(warden);
    expect((await fetch(new URL('/audit/export', warden.url))).status).toBe(401);
    await root.data(CREATE_USER, { userName: 'no-audit' });
    const key = await root.data(`mutation { createAccessKey(input: { userName: "no-audit" }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }`);
    const denied = await signedGet(warden.url, '/audit/export', key['createAccessKey'].data, {});
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('ACCESS_DENIED');
    for (const query of [
      { format: 'xml' },
      { from: 'yesterday' },
      { after: 'not-a-cursor' },
      { after: '12:5' },
      { outcomes: 'MAYBE' },
      { limit: '5' },
      { from: '2026-12-05T10:00:00Z', to: '2026-12-05T09:00:00Z' },
    ]) {
      const refused = await signedGet(warden.url, '/audit/export', credentials, query);
      expect(refused.status, JSON.stringify(query)).toBe(400);
      expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('INVALID_INPUT');
    }
  });
});

/** The resident set of a process, from /proc (Linux), in bytes. */
function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) * 1024;
}

/** A `warden serve` process of its own on `env`'s store, with its heap capped; its URL once it listens. */
async function startServerProcess(dataDir: string, env: Record<string, string>): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(
    process.execPath,
    ['--max-old-space-size=128', join(import.meta.dirname, '..', '..', 'services', 'api', 'bin', 'warden.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir],
    { env: { PATH: process.env['PATH'] ?? '', WARDEN_MASTER_KEY: TEST_MASTER_KEY, WARDEN_METRICS_PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  server.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const listening = /"url":"(http:\/\/127\.0\.0\.1:\d+\/graphql)"/.exec(log);
      if (listening) resolve(listening[1]!);
    });
    server.once('exit', (code) => reject(new Error(`the server exited (${code}): ${log}`)));
  });
  return { server, url };
}

async function stopServerProcess(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null) return;
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
}

/** A million events of one account, written straight into the log in the event shape, then analyzed as autovacuum would after such a load. */
const BULK_EVENTS = `INSERT INTO events (account_id, stream_id, stream_version, type, data, metadata, occurred_at)
  SELECT $1, 'user/BULK' || (n / 1000), n % 1000, 'UserTagged',
         jsonb_build_object('tags', jsonb_build_array(jsonb_build_object('key', 'k', 'value', 'value ' || n))),
         jsonb_build_object('actorArn', 'arn:aws:iam::' || $1 || ':root', 'requestId', md5(n::text)),
         now() - interval '1 day' + n * interval '1 millisecond'
  FROM generate_series(1, 1000000) AS n`;

/** Exports the account's UserTagged events, counting the lines, while sampling the server's resident set; idle and peak. */
async function measureExport(url: string, credentials: Credentials, pid: number): Promise<{ lines: number; idle: number; peak: number }> {
  // Idle, but warmed up: one small export has loaded everything the path needs.
  expect((await signedGet(url, '/audit/export', credentials, { eventTypes: 'UserCreated' })).status).toBe(200);
  const idle = residentBytes(pid);
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, residentBytes(pid));
  }, 50);
  let lines = 0;
  try {
    const response = await signedGet(url, '/audit/export', credentials, { eventTypes: 'UserTagged' });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let at = value.indexOf(10); at >= 0; at = value.indexOf(10, at + 1)) lines++;
    }
  } finally {
    clearInterval(sampler);
  }
  return { lines, idle, peak };
}

/**
 * The server under measurement runs in a process of its own (the `warden` command), so that its
 * resident set is its alone, not the test's reading too. Its heap is capped at 128 MB, as a
 * container's memory limit would have it: an export that kept what it had sent would run out of
 * heap long before a million records (about 300 MB of NDJSON), and the cap keeps V8 from letting
 * garbage pile up to its own default threshold, which without it lifts the resident set by about
 * 110 MB while the live heap stays under 40 MB (docs/performance.md). On Postgres it shares the
 * test's database; on the embedded store the resident set holds PGlite too, whose data directory
 * is the server's alone, so the million events are written into it while the server is stopped.
 */
describe.skipIf(!existsSync('/proc/self/status')).each([...DRIVERS])('exporting 1,000,000 records (%s)', (driver) => {
  let server: ChildProcess | undefined;
  afterAll(async () => {
    await stopServerProcess(server);
  });

  it('streams them all while the server process grows by less than 100 MB', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'warden-export-'));
    let credentials: Credentials;
    let started: { server: ChildProcess; url: string };
    if (driver === 'postgres') {
      const warden = await startTestWarden('postgres');
      try {
        const tenant = await newTenant(warden);
        credentials = tenant.credentials;
        const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
        await client.connect();
        try {
          await client.query(BULK_EVENTS, [tenant.accountId]);
          // Without statistics, the planner takes the account for a few rows and sorts them all for every page instead of reading its index in order.
          await client.query('ANALYZE events');
        } finally {
          await client.end();
        }
      } finally {
        await warden.close();
      }
      started = await startServerProcess(dataDir, { DATABASE_URL: process.env['DATABASE_URL']! });
    } else {
      const embedded = { WARDEN_PGLITE_TEMPLATE: await migratedPGliteTemplate() };
      const first = await startServerProcess(dataDir, embedded);
      server = first.server;
      const management = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8')) as Credentials;
      const created = await new SignedClient(first.url, management).request<{ createAccount: { data: { account: { accountId: string }; rootAccessKey: Credentials } } }>(
        'mutation { createAccount(input: { name: "export" }) { ... on CreateAccountSuccess { data { account { accountId } rootAccessKey { accessKeyId secretAccessKey } } } } }',
      );
      const { account, rootAccessKey } = created.body.data!.createAccount.data;
      credentials = { accessKeyId: rootAccessKey.accessKeyId, secretAccessKey: rootAccessKey.secretAccessKey };
      await stopServerProcess(server);
      const store = await createDb({ dataDir });
      try {
        await store.db.executeQuery(CompiledQuery.raw(BULK_EVENTS, [account.accountId]));
        await store.db.executeQuery(CompiledQuery.raw('ANALYZE events'));
      } finally {
        await store.close();
      }
      started = await startServerProcess(dataDir, embedded);
    }
    server = started.server;
    const { lines, idle, peak } = await measureExport(started.url, credentials, server.pid!);
    expect(lines).toBe(1_000_000);
    console.log(`export of 1,000,000 records (${driver}): the server's resident set ${Math.round(idle / 2 ** 20)} MB idle, ${Math.round(peak / 2 ** 20)} MB at most`);
    expect(peak - idle).toBeLessThan(100 * 1024 * 1024);
  }, 900_000);
});
