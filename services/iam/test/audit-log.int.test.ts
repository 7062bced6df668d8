import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToStream, inAccountTransaction, type NewApiCallRow } from '@warden/db';
import { sql } from 'kysely';
import { isIP } from 'node:net';
import { type AuditFilter, type AuditLogEntry, type Caller, InvalidInputError } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest } from './test-service.js';

/**
 * The audit log is two sources, events and call records, read as one: each filter must mean the
 * same on both and find exactly its entries, whatever the other accounts hold (some of their rows
 * name this account's principals and resources, as a cross-account caller's would), and the pages
 * must list each entry once, in the log's order, while entries are written between them.
 */
describe.each([...DRIVERS])('the audit log of events and call records on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  let root: Caller;
  let other: Caller;
  /** An hour ahead of the account's own bootstrap events, so that the hand-built entries come first. */
  const T0 = Date.now() + 3_600_000 - (Date.now() % 1000);
  const at = (seconds: number) => new Date(T0 + seconds * 1000);
  /** What each hand-built entry is called in the expectations: its label, by its event's stream or its record's request id. */
  const labelOf = (entry: AuditLogEntry): string => (entry.kind === 'EVENT' ? entry.streamId.replace(/^test\//, '') : (entry.requestId ?? '?'));
  let bootstrapEvents: string[];

  const arns = (accountId: string) => ({
    alice: `arn:aws:iam::${accountId}:user/alice`,
    bob: `arn:aws:iam::${accountId}:user/bob`,
    carol: `arn:aws:iam::${accountId}:user/carol`,
    deploy: `arn:aws:iam::${accountId}:role/deploy`,
    deployProd: `arn:aws:iam::${accountId}:role/deploy-prod`,
    session: `arn:aws:sts::${accountId}:assumed-role/deploy/s1`,
    policy: `arn:aws:iam::${accountId}:policy/p`,
    root: `arn:aws:iam::${accountId}:root`,
  });

  async function event(accountId: string, label: string, type: string, occurredAt: Date, metadata: { actorArn: string; sourceIp?: string; resourceArn?: string }) {
    await inAccountTransaction(service.wardenDb.db, accountId, (trx) =>
      appendToStream(trx, { accountId, streamId: `test/${label}`, expectedVersion: -1, events: [{ type, data: { label } }], metadata, occurredAt }),
    );
  }

  function record(accountId: string, label: string, row: Omit<NewApiCallRow, 'account_id' | 'request_id' | 'read_only'> & { read_only?: boolean }): NewApiCallRow {
    return { account_id: accountId, request_id: label, read_only: false, ...row };
  }

  /** The same entries in an account; in another, rows that name the first account's principals and resources. */
  async function fill(accountId: string, named: ReturnType<typeof arns>, prefix: string) {
    await event(accountId, `${prefix}e1`, 'UserCreated', at(1), { actorArn: named.alice, sourceIp: '203.0.113.5', resourceArn: named.bob });
    await event(accountId, `${prefix}e2`, 'PolicyCreated', at(3), { actorArn: named.session, sourceIp: '198.51.100.7', resourceArn: named.policy });
    await event(accountId, `${prefix}e3`, 'UserDeleted', at(5), { actorArn: named.root, resourceArn: named.bob });
    // Not an address: the source-IP filter passes over it instead of failing.
    await event(accountId, `${prefix}e4`, 'GroupCreated', at(7), { actorArn: named.alice, sourceIp: 'not-an-ip' });
    // A session of another role whose name begins with the role's.
    await event(accountId, `${prefix}e5`, 'GroupDeleted', at(8), { actorArn: named.session.replace('/deploy/', '/deploy-prod/') });
    const rows = [
      record(accountId, `${prefix}r0`, {
        occurred_at: new Date('2020-01-01T00:00:00Z'),
        operation: 'iam:ListUsers',
        read_only: true,
        outcome: 'success',
        caller_arn: named.bob,
        principal_arn: named.bob,
        source_ip: '10.0.0.1',
      }),
      record(accountId, `${prefix}r1`, {
        occurred_at: at(2),
        operation: 'iam:CreateUser',
        outcome: 'denied',
        error_code: 'AccessDenied',
        error_message: 'not allowed',
        decision: JSON.stringify({ decision: 'implicit_deny' }),
        caller_arn: named.alice,
        principal_arn: named.alice,
        source_ip: '203.0.113.9',
        resource_arns: [named.carol],
      }),
      record(accountId, `${prefix}r2`, {
        occurred_at: at(4),
        operation: 'iam:DeleteRole',
        outcome: 'failed',
        error_code: 'NoSuchEntity',
        caller_arn: named.session,
        principal_arn: named.deploy,
        session_id: 's1',
        source_ip: '198.51.100.7',
        resource_arns: [`${named.deploy}x`],
      }),
      record(accountId, `${prefix}r3`, {
        occurred_at: at(6),
        operation: 'iam:GetUser',
        read_only: true,
        outcome: 'success',
        caller_arn: named.alice,
        principal_arn: named.alice,
        source_ip: '2001:db8::1',
        resource_arns: [named.bob],
      }),
      // The same instant as e3: the event comes first.
      record(accountId, `${prefix}r4`, {
        occurred_at: at(5),
        operation: 'iam:CreateUser',
        outcome: 'denied',
        error_code: 'AccessDenied',
        caller_arn: named.session,
        principal_arn: named.deploy,
        source_ip: '203.0.113.200',
        resource_arns: [named.bob, named.policy],
      }),
      record(accountId, `${prefix}r5`, {
        occurred_at: at(8),
        operation: 'iam:GetRole',
        read_only: true,
        outcome: 'success',
        caller_arn: named.session.replace('/deploy/', '/deploy-prod/'),
        principal_arn: named.deployProd,
      }),
    ];
    await service.wardenDb.db.insertInto('api_calls').values(rows).execute();
  }

  beforeAll(async () => {
    service = await openService(driver);
    root = await newAccount(service);
    other = await newAccount(service);
    bootstrapEvents = (await service.iam.audit.events(root, {}, { first: 1000 })).map((entry) => `${entry.kind}:${labelOf(entry)}`);
    await fill(root.accountId, arns(root.accountId), '');
    // The other account's rows name this account's ARNs: none may appear in this account's log.
    await fill(other.accountId, arns(root.accountId), 'other-');
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  const labels = async (filter: AuditFilter) => (await service.iam.audit.events(root, filter, { first: 1000 })).map(labelOf);
  const mine = { from: at(0) };

  it('lists both sources, newest first, an event before a record of the same instant, and nothing of another account', async () => {
    const all = await service.iam.audit.events(root, {}, { first: 1000 });
    expect(all.slice(0, 10).map(labelOf)).toEqual(['e5', 'r5', 'e4', 'r3', 'e3', 'r4', 'r2', 'e2', 'r1', 'e1']);
    // Then the account's own events from its creation, and the record of 2020 (the default partition).
    expect(all.slice(10).map((entry) => `${entry.kind}:${labelOf(entry)}`)).toEqual([...bootstrapEvents, 'CALL:r0']);
    expect(all.every((entry) => !labelOf(entry).startsWith('other-'))).toBe(true);
    const r1 = all.find((entry) => labelOf(entry) === 'r1');
    expect(r1).toMatchObject({
      kind: 'CALL',
      operation: 'iam:CreateUser',
      outcome: 'DENIED',
      errorCode: 'AccessDenied',
      errorMessage: 'not allowed',
      decision: { decision: 'implicit_deny' },
      sourceIp: '203.0.113.9',
    });
  });

  type Named = ReturnType<typeof arns>;
  it.each<[string, AuditFilter | ((named: Named) => AuditFilter), string[]]>([
    ['a user, as principal: its events and the records it made', (n) => ({ principal: n.alice }), ['e4', 'r3', 'r1', 'e1']],
    ['a user, by the older name actor', (n) => ({ actor: n.alice }), ['e4', 'r3', 'r1', 'e1']],
    ["a role: its sessions' events and records, not those of a role whose name begins with its", (n) => ({ principal: n.deploy }), ['r4', 'r2', 'e2']],
    ['a session, by its ARN', (n) => ({ principal: n.session }), ['r4', 'r2', 'e2']],
    ['a resource: the events on it and the records naming it', (n) => ({ resourceArn: n.bob }), ['r3', 'e3', 'r4', 'e1']],
    ['an operation: records only', { operations: ['iam:CreateUser'] }, ['r4', 'r1']],
    ['an event type: events only', { eventTypes: ['UserCreated'] }, ['e1']],
    ['event types and operations, as one list', { eventTypes: ['UserCreated'], operations: ['iam:CreateUser'] }, ['r4', 'r1', 'e1']],
    ['outcome DENIED', { outcomes: ['DENIED'] }, ['r4', 'r1']],
    ['outcome FAILED', { outcomes: ['FAILED'] }, ['r2']],
    ['outcome SUCCESS: every event, and the successful records', { outcomes: ['SUCCESS'], ...mine }, ['e5', 'r5', 'e4', 'r3', 'e3', 'e2', 'e1']],
    ['outcomes DENIED or FAILED', { outcomes: ['DENIED', 'FAILED'] }, ['r4', 'r2', 'r1']],
    ['an error code: no event has one', { errorCodes: ['AccessDenied'] }, ['r4', 'r1']],
    ['another error code', { errorCodes: ['NoSuchEntity', 'Throttling'] }, ['r2']],
    ['a CIDR block', { sourceIp: '203.0.113.0/24' }, ['r4', 'r1', 'e1']],
    ['one address', { sourceIp: '198.51.100.7' }, ['r2', 'e2']],
    ['an IPv6 block', { sourceIp: '2001:db8::/32' }, ['r3']],
    ['a block of the default partition', { sourceIp: '10.0.0.0/8' }, ['r0']],
    ['a time range: from inclusive, to exclusive', () => ({ from: at(3), to: at(6) }), ['e3', 'r4', 'r2', 'e2']],
    ['a principal and an outcome together', (n) => ({ principal: n.alice, outcomes: ['DENIED'] }), ['r1']],
    ['a role and a resource together', (n) => ({ principal: n.deploy, resourceArn: n.policy }), ['r4', 'e2']],
  ])('%s', async (_label, filter, expected) => {
    expect(await labels(typeof filter === 'function' ? filter(arns(root.accountId)) : filter)).toEqual(expected);
  });

  it('pages across both sources: every entry once, in order, while entries are written between the pages', async () => {
    const account = await newAccount(service);
    const named = arns(account.accountId);
    await fill(account.accountId, named, '');
    // Entries a microsecond apart, and several of one instant in each source.
    await sql`INSERT INTO api_calls (account_id, request_id, occurred_at, operation, read_only, outcome, caller_arn, principal_arn)
      VALUES (${account.accountId}, 'u1', ${new Date(T0 + 9000).toISOString().replace('Z', '100Z')}::timestamptz, 'iam:GetUser', true, 'success', ${named.bob}, ${named.bob}),
             (${account.accountId}, 'u2', ${new Date(T0 + 9000).toISOString().replace('Z', '200Z')}::timestamptz, 'iam:GetUser', true, 'success', ${named.bob}, ${named.bob}),
             (${account.accountId}, 'u3', ${new Date(T0 + 9000).toISOString().replace('Z', '200Z')}::timestamptz, 'iam:GetUser', true, 'success', ${named.bob}, ${named.bob})`.execute(
      service.wardenDb.db,
    );
    for (const label of ['t1', 't2']) await event(account.accountId, label, 'UserUpdated', new Date(T0 + 9000), { actorArn: named.bob });
    // The account's own events are an hour older than its hand-built ones: the older entries written between pages fall between.
    const filter = { from: new Date(T0 - 1000) };
    const listed = async () => (await service.iam.audit.events(account, filter, { first: 1000 })).map(labelOf);
    expect(await listed()).toEqual(['u3', 'u2', 'u1', 't2', 't1', 'e5', 'r5', 'e4', 'r3', 'e3', 'r4', 'r2', 'e2', 'r1', 'e1']);

    for (const first of [1, 2, 4]) {
      const before = await listed();
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 50; page++) {
        const entries = await service.iam.audit.log(account, filter, { first, after });
        seen.push(...entries.map(({ entry }) => labelOf(entry)));
        if (entries.length < first) break;
        after = entries[entries.length - 1]!.cursor;
        if (page === 1) {
          // Newer than every cursor: not in the later pages. Older than all: in its place, last.
          await event(account.accountId, `new-${first}`, 'UserUpdated', at(60), { actorArn: named.bob });
          await service.wardenDb.db
            .insertInto('api_calls')
            .values([record(account.accountId, `newer-${first}`, { occurred_at: at(60), operation: 'iam:GetUser', outcome: 'success', caller_arn: named.bob, principal_arn: named.bob })])
            .execute();
          await service.wardenDb.db
            .insertInto('api_calls')
            .values([
              record(account.accountId, `older-${first}`, { occurred_at: new Date(T0 - 500 - first), operation: 'iam:GetUser', outcome: 'success', caller_arn: named.bob, principal_arn: named.bob }),
            ])
            .execute();
        }
      }
      expect(seen, `pages of ${first}`).toEqual([...before, `older-${first}`]);
    }
  });

  it('refuses a cursor it did not make, and a source IP that is not an address or a block, as invalid input', async () => {
    const [entry] = await service.iam.audit.log(root, {}, { first: 1 });
    const cursor = entry!.cursor;
    const bytes = Buffer.from(cursor, 'base64url').toString('utf8');
    for (const bad of ['12', 'not a cursor', Buffer.from('2026-12-06T00:00:00Z|E|1').toString('base64url'), Buffer.from(bytes.replace('|', '|X')).toString('base64url'), `${cursor}=`, `${cursor}A`]) {
      await expect(service.iam.audit.log(root, {}, { first: 1, after: bad }), bad).rejects.toThrow(InvalidInputError);
    }
    for (const sourceIp of ['203.0.113.0/33', 'example.com', '203.0.113.0/24; DROP TABLE events']) {
      await expect(service.iam.audit.log(root, { sourceIp }, { first: 1 }), sourceIp).rejects.toThrow(InvalidInputError);
    }
    // The cursor it made is taken.
    await expect(service.iam.audit.log(root, {}, { first: 1, after: cursor })).resolves.toHaveLength(1);
  });
});

describe.each([...DRIVERS])("an event's recorded source address, read for the source-IP filter, on %s", (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it('is an inet exactly for the texts that are an address (as Node reads them, without a zone), and null for the rest, never an error', async () => {
    const texts = [
      ...['203.0.113.7', '0.0.0.0', '255.255.255.255', '10.0.0.1', '1.2.3.4'],
      ...[
        '::',
        '::1',
        '1::',
        '2001:db8::1',
        '2001:DB8:0:0:8:800:200C:417A',
        'ff01::101',
        '::ffff:192.0.2.1',
        '::192.0.2.1',
        '1:2:3:4:5:6:7:8',
        '1:2:3:4:5:6:1.2.3.4',
        '1::8',
        '1:2:3:4:5:6:7::',
        '::2:3:4:5:6:7:8',
      ],
      ...[
        '',
        'not-an-ip',
        '256.1.1.1',
        '1.2.3',
        '1.2.3.4.5',
        '01.2.3.4',
        '1.2.3.4/24',
        ' 1.2.3.4',
        'fe80::1%eth0',
        '1:2:3:4:5:6:7:8:9',
        '1::2::3',
        ':::',
        '12345::',
        '1:2:3:4:5:6:7',
        'g::1',
        '1:2:3:4:5:6:7:1.2.3.4',
        '::1.2.3',
        "1.2.3.4'; SELECT 1",
      ],
    ];
    const rows = await sql<{ text: string; address: string | null }>`SELECT t AS text, warden_inet_or_null(t)::text AS address FROM unnest(${texts}::text[]) AS t`.execute(service.wardenDb.db);
    const read = new Map(rows.rows.map((row) => [row.text, row.address]));
    for (const text of texts) expect(read.get(text) !== null, text).toBe(isIP(text) !== 0 && !text.includes('%'));
  });
});
