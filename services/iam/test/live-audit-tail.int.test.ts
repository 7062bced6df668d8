import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  type AuditEntry,
  type Caller,
  CallRecorder,
  IamService,
  insertApiCalls,
  InvalidInputError,
  LimitExceededError,
  LiveAuditTail,
  NO_IAM_OBSERVER,
  type RecordedCall,
} from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller, signedUser, frozenFolds } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const READ_AUDIT = doc({ Effect: 'Allow', Action: 'warden:GetAuditEvents', Resource: '*' });

/** The next `count` entries of a tail, in order. */
async function take(tail: AsyncIterator<AuditEntry>, count: number): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  while (entries.length < count) {
    const next = await tail.next();
    if (next.done) throw new Error(`the tail ended after ${entries.length} of ${count} entries`);
    entries.push(next.value);
  }
  return entries;
}

const userNames = (entries: readonly AuditEntry[]): string[] =>
  entries.map((entry) => (entry.event.kind === 'EVENT' ? (entry.event.data as { userName: string }).userName : `call:${entry.event.recordId}`));

/** What an entry is, to compare deliveries: a user's creation by its name, a call record by its operation and first resource. */
const described = (entry: AuditEntry): string =>
  entry.event.kind === 'EVENT' ? `${entry.event.type} ${(entry.event.data as { userName?: string }).userName}` : `${entry.event.operation} ${entry.event.outcome} ${entry.event.resourceArns[0]}`;

/** The commit-order key inside a cursor (opaque to clients; the test looks inside to check the order). */
function keyOf(cursor: string): [bigint, number, bigint] {
  const [transactionId, kind, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  return [BigInt(transactionId!), kind === 'E' ? 0 : 1, BigInt(id!)];
}

function expectCommitOrder(entries: readonly AuditEntry[]): void {
  const keys = entries.map((entry) => keyOf(entry.cursor));
  for (let index = 1; index < keys.length; index++) {
    const [a, b] = [keys[index - 1]!, keys[index]!];
    expect(b[0] > a[0] || (b[0] === a[0] && (b[1] > a[1] || (b[1] === a[1] && b[2] > a[2]))), `${a.join(',')} then ${b.join(',')}`).toBe(true);
  }
}

/** A call record as the recorder writes one, for a test to commit when it chooses. */
function deniedCall(accountId: string, callerArn: string, resourceArn: string): RecordedCall {
  return {
    accountId,
    occurredAt: new Date(),
    requestId: 'req-late',
    operation: 'iam:GetUser',
    readOnly: true,
    outcome: 'denied',
    errorCode: 'AccessDenied',
    errorMessage: 'denied',
    decision: { kind: 'refused_by_rule' },
    callerArn,
    principalArn: callerArn,
    accessKeyId: null,
    sessionId: null,
    sourceIdentity: null,
    sourceIp: '198.51.100.9',
    userAgent: null,
    resourceArns: [resourceArn],
  };
}

describe.each([...DRIVERS])('the live audit tail on %s', (driver) => {
  let service: ServiceUnderTest;
  let tails: LiveAuditTail;
  /** A service that records its calls as a server does, each batch a few ms after its first record. */
  let recording: IamService;
  let recorder: CallRecorder;

  beforeAll(async () => {
    service = await openService(driver);
    // Small pages, so that following a busy log takes several reads; a short pause, so tests wait little.
    tails = new LiveAuditTail(service.iam.core, service.iam.credentials, { perCaller: 2, perAccount: 3, pollIntervalMs: 20, pageSize: 2 });
    recorder = new CallRecorder({ write: insertApiCalls(service.wardenDb.db), observer: NO_IAM_OBSERVER, flushIntervalMs: 5 });
    recording = new IamService({ streamFolds: frozenFolds(), db: service.wardenDb.db, keyring: service.iam.core.keyring, callSink: recorder });
  });
  afterAll(async () => {
    await recorder.close();
    await service.wardenDb.close();
  });

  const user = (root: Caller, userName: string, policy?: string): Promise<Caller> => signedUser(service, root, userName, policy);

  /** `user.get(name)` by `caller` through the recording service, which must fail; its record is written before this returns. */
  async function refusedGet(caller: Caller, userName: string): Promise<void> {
    await expect(recording.users.get(caller, userName)).rejects.toThrow();
    await recorder.drain();
  }

  /** The cursor of an entry written now (a user's creation): a tail resumed after it sees what follows. */
  async function mark(root: Caller, userName: string): Promise<string> {
    const tail = await tails.follow(root, { eventTypes: ['UserCreated'] }, null, new AbortController().signal);
    try {
      await service.iam.users.create(root, { userName });
      // An earlier creation may come first (a tail opened at the present can deliver what committed
      // just before it): the marker is the entry naming this user.
      for (;;) {
        const [entry] = await take(tail, 1);
        if (entry!.event.kind === 'EVENT' && (entry!.event.data as { userName?: string }).userName === userName) return entry!.cursor;
      }
    } finally {
      await tail.return!();
    }
  }

  it('carries a denied call record as it carries events, in commit order', async () => {
    const root = await newAccount(service);
    const nobody = await user(root, 'nobody');
    // Opened after a marker, not at the present: a tail opened at the present may also deliver what
    // committed just before it (the horizon waits for older transactions, other tests' included).
    const tail = await tails.follow(root, {}, await mark(root, 'marker'), new AbortController().signal);
    try {
      await service.iam.users.create(root, { userName: 'target' });
      await refusedGet(nobody, 'target');
      const [created, denied] = await take(tail, 2);
      expect(described(created!)).toBe('UserCreated target');
      expect(denied!.event).toMatchObject({
        kind: 'CALL',
        operation: 'iam:GetUser',
        outcome: 'DENIED',
        errorCode: 'AccessDenied',
        callerArn: nobody.arn,
        principalArn: nobody.arn,
        accessKeyId: nobody.accessKeyId,
        sourceIp: '198.51.100.7',
        resourceArns: [`arn:aws:iam::${root.accountId}:user/target`],
      });
      expectCommitOrder([created!, denied!]);
    } finally {
      await tail.return!();
    }
  });

  it("applies the query's filters to call records as to events", async () => {
    const root = await newAccount(service);
    const alice = await user(root, 'alice');
    const bob = await user(root, 'bob', doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }));
    const start = await mark(root, 'marker');
    // Each call's record is written before the next call: one transaction each, in this order.
    await recording.users.create(bob, { userName: 'u1' });
    await refusedGet(alice, 'u1');
    await refusedGet(bob, 'ghost');
    await recording.users.create(bob, { userName: 'u2' });
    await refusedGet(alice, 'u2');
    // Last, so that anything a filter let through wrongly would come before what is taken.
    await refusedGet(alice, 'last');
    await refusedGet(bob, 'ghost2');
    const arn = (name: string): string => `arn:aws:iam::${root.accountId}:user/${name}`;
    const cases: { filter: Parameters<LiveAuditTail['follow']>[1]; expected: string[] }[] = [
      { filter: { principal: alice.arn, outcomes: ['DENIED'] }, expected: ['u1', 'u2', 'last'].map((name) => `iam:GetUser DENIED ${arn(name)}`) },
      { filter: { errorCodes: ['NoSuchEntity'] }, expected: ['ghost', 'ghost2'].map((name) => `iam:GetUser FAILED ${arn(name)}`) },
      { filter: { actor: bob.arn }, expected: ['UserCreated u1', `iam:GetUser FAILED ${arn('ghost')}`, 'UserCreated u2', `iam:GetUser FAILED ${arn('ghost2')}`] },
      {
        filter: { sourceIp: '198.51.100.0/24', operations: ['iam:GetUser'] },
        expected: [
          `iam:GetUser DENIED ${arn('u1')}`,
          `iam:GetUser FAILED ${arn('ghost')}`,
          `iam:GetUser DENIED ${arn('u2')}`,
          `iam:GetUser DENIED ${arn('last')}`,
          `iam:GetUser FAILED ${arn('ghost2')}`,
        ],
      },
      { filter: { resourceArn: arn('u2'), outcomes: ['DENIED', 'FAILED'] }, expected: [`iam:GetUser DENIED ${arn('u2')}`] },
    ];
    for (const { filter, expected } of cases) {
      const tail = await tails.follow(root, filter, start, new AbortController().signal);
      try {
        expect((await take(tail, expected.length)).map(described), JSON.stringify(filter)).toEqual(expected);
      } finally {
        await tail.return!();
      }
    }
    // The last case's entry is not the log's last: that nothing else passed its filter is the query's word.
    const listed = await service.iam.audit.events(root, { resourceArn: arn('u2'), outcomes: ['DENIED', 'FAILED'] }, { first: 10 });
    expect(listed).toHaveLength(1);
  });

  it('resumes with call records and events, written while it reads and while it is closed, each once', async () => {
    const root = await newAccount(service);
    const alice = await user(root, 'alice');
    const filter = { operations: ['UserCreated', 'iam:GetUser'] };
    const first = await tails.follow(root, filter, await mark(root, 'marker'), new AbortController().signal);
    const expected: string[] = [];
    const write = async (name: string): Promise<void> => {
      await service.iam.users.create(root, { userName: name });
      await expect(recording.users.get(alice, name)).rejects.toBeInstanceOf(AccessDeniedError);
      expected.push(`UserCreated ${name}`, `iam:GetUser DENIED arn:aws:iam::${root.accountId}:user/${name}`);
    };
    // Four writers at once, their records written in batches by the recorder meanwhile: transactions commit out of position order.
    const writing = Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (let index = 0; index < 5; index++) await write(`racer-${lane}-${index}`);
      }),
    );
    const before = await take(first, 9);
    await first.return!();
    await writing;
    // Written while no tail is open.
    for (const name of ['away-1', 'away-2']) await write(name);
    await recorder.drain();
    const resumed = await tails.follow(root, filter, before.at(-1)!.cursor, new AbortController().signal);
    try {
      const after = await take(resumed, expected.length - before.length);
      const delivered = [...before, ...after].map(described);
      expect(new Set(delivered).size).toBe(delivered.length);
      expect([...delivered].sort()).toEqual([...expected].sort());
      expectCommitOrder([...before, ...after]);
      // Nothing more: the next entry is one written now.
      await write('sentinel');
      await recorder.drain();
      expect((await take(resumed, 2)).map(described)).toEqual(expected.slice(-2));
    } finally {
      await resumed.return!();
    }
  });

  // PGlite has one connection: no transaction is open while the tail reads, so only Postgres can hold one open.
  it.skipIf(driver === 'pglite')('delivers a record committed late by a transaction that began early, before what committed after it began', async () => {
    const root = await newAccount(service);
    const tail = await tails.follow(root, {}, await mark(root, 'marker'), new AbortController().signal);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertDone = new Promise<void>((resolve) => (inserted = resolve));
    const late = service.wardenDb.db.transaction().execute(async (trx) => {
      await insertApiCalls(trx)([deniedCall(root.accountId, root.arn, `arn:aws:iam::${root.accountId}:user/late`)]);
      inserted();
      await released;
    });
    try {
      await insertDone;
      await service.iam.users.create(root, { userName: 'early-commit' });
      // A record with a greater id than the late one, committed first: a reader by id would pass the late one.
      await insertApiCalls(service.wardenDb.db)([deniedCall(root.accountId, root.arn, `arn:aws:iam::${root.accountId}:user/early`)]);
      const next = tail.next();
      release();
      await late;
      const first = await next;
      const rest = await take(tail, 2);
      expect([first.value as AuditEntry, ...rest].map(described)).toEqual([
        `iam:GetUser DENIED arn:aws:iam::${root.accountId}:user/late`,
        'UserCreated early-commit',
        `iam:GetUser DENIED arn:aws:iam::${root.accountId}:user/early`,
      ]);
    } finally {
      release();
      await late;
      await tail.return!();
    }
  });

  it('delivers what is written after its start, in order, through its filter, and nothing written before', async () => {
    const root = await newAccount(service);
    await service.iam.users.create(root, { userName: 'before' });
    const tail = await tails.follow(root, { eventTypes: ['UserCreated'] }, await mark(root, 'start'), new AbortController().signal);
    try {
      for (const userName of ['one', 'two', 'three', 'four', 'five']) {
        await service.iam.users.create(root, { userName });
        await service.iam.users.putInlinePolicy(root, userName, 'noise', READ_AUDIT);
      }
      const entries = await take(tail, 5);
      expect(userNames(entries)).toEqual(['one', 'two', 'three', 'four', 'five']);
      expect(entries.every((entry) => entry.event.kind === 'EVENT' && entry.event.type === 'UserCreated' && entry.event.actorArn === root.arn)).toBe(true);
    } finally {
      await tail.return!();
    }
  });

  it('resumes after the cursor of the last entry received with nothing lost and nothing twice, while writers race it', async () => {
    const root = await newAccount(service);
    const first = await tails.follow(root, { eventTypes: ['UserCreated'] }, null, new AbortController().signal);
    const names = Array.from({ length: 24 }, (_, index) => `racer-${index}`);
    // Four writers at once, so that transactions commit out of position order.
    const writing = Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (const name of names.filter((_, index) => index % 4 === lane)) await service.iam.users.create(root, { userName: name });
      }),
    );
    const before = await take(first, 7);
    await first.return!();
    // Written while no tail is open: the resumed tail must still deliver them.
    await writing;
    const resumed = await tails.follow(root, { eventTypes: ['UserCreated'] }, before.at(-1)!.cursor, new AbortController().signal);
    try {
      const after = await take(resumed, names.length - before.length);
      const delivered = userNames([...before, ...after]);
      expect(new Set(delivered).size).toBe(delivered.length);
      expect([...delivered].sort()).toEqual([...names].sort());
      expectCommitOrder([...before, ...after]);
    } finally {
      await resumed.return!();
    }
  });

  it("never delivers another account's events", async () => {
    const root = await newAccount(service);
    const other = await newAccount(service);
    // Users' creations only: opened at the present, a tail may also deliver the account's own set-up.
    const tail = await tails.follow(root, { eventTypes: ['UserCreated'] }, null, new AbortController().signal);
    try {
      await service.iam.users.create(other, { userName: 'elsewhere' });
      await service.iam.users.create(root, { userName: 'here' });
      const [entry] = await take(tail, 1);
      expect(userNames([entry!])).toEqual(['here']);
    } finally {
      await tail.return!();
    }
  });

  it('needs warden:GetAuditEvents to open, and ends with AccessDenied once the permission is taken away', async () => {
    const root = await newAccount(service);
    const auditor = await service.iam.users.create(root, { userName: 'auditor' });
    const caller = userCaller(root.accountId, auditor);
    await expect(tails.follow(caller, {}, null, new AbortController().signal)).rejects.toBeInstanceOf(AccessDeniedError);
    await service.iam.users.putInlinePolicy(root, 'auditor', 'audit', READ_AUDIT);
    const tail = await tails.follow(caller, {}, await mark(root, 'marker'), new AbortController().signal);
    await service.iam.users.create(root, { userName: 'seen' });
    expect(userNames(await take(tail, 1))).toEqual(['seen']);
    await service.iam.users.deleteInlinePolicy(root, 'auditor', 'audit');
    await expect(take(tail, 10)).rejects.toBeInstanceOf(AccessDeniedError);
    expect(tails.openFor(root.accountId)).toBe(0);
  });

  it('ends with AccessDenied when the access key that opened it is deactivated', async () => {
    const root = await newAccount(service);
    const auditor = await service.iam.users.create(root, { userName: 'key-holder' });
    await service.iam.users.putInlinePolicy(root, 'key-holder', 'audit', READ_AUDIT);
    const key = await service.iam.accessKeys.create(root, 'key-holder');
    const caller = { ...userCaller(root.accountId, auditor), accessKeyId: key.accessKeyId };
    const tail = await tails.follow(caller, {}, await mark(root, 'marker'), new AbortController().signal);
    await service.iam.users.create(root, { userName: 'seen-by-key' });
    expect(userNames(await take(tail, 1))).toEqual(['seen-by-key']);
    await service.iam.accessKeys.update(root, key.accessKeyId, 'Inactive');
    await expect(take(tail, 10)).rejects.toBeInstanceOf(AccessDeniedError);
  });

  it('refuses a cursor it did not make, and more tails than its limits, and gives a slot back when one closes', async () => {
    const root = await newAccount(service);
    await expect(tails.follow(root, {}, 'position-12', new AbortController().signal)).rejects.toBeInstanceOf(InvalidInputError);
    // A key it could have made, spelt otherwise (a leading zero), and the events-only cursor of before: refused alike.
    for (const forged of [Buffer.from('0012|E|5').toString('base64url'), Buffer.from('12|X|5').toString('base64url'), '12:5'])
      await expect(tails.follow(root, {}, forged, new AbortController().signal)).rejects.toBeInstanceOf(InvalidInputError);
    const a = await tails.follow(root, {}, null, new AbortController().signal);
    const b = await tails.follow(root, {}, null, new AbortController().signal);
    await expect(tails.follow(root, {}, null, new AbortController().signal)).rejects.toThrow(LimitExceededError);
    await a.return!();
    const c = await tails.follow(root, {}, null, new AbortController().signal);
    const reader = await service.iam.users.create(root, { userName: 'third-reader' });
    await service.iam.users.putInlinePolicy(root, 'third-reader', 'audit', READ_AUDIT);
    // Two for the root and one for the user: the account's limit of three is reached.
    const d = await tails.follow(userCaller(root.accountId, reader), {}, null, new AbortController().signal);
    await expect(tails.follow(userCaller(root.accountId, reader), {}, null, new AbortController().signal)).rejects.toThrow(/The account has 3 live audit tails open/);
    for (const tail of [b, c, d]) await tail.return!();
    expect(tails.openFor(root.accountId)).toBe(0);
  });

  it('ends when its signal is aborted, even while it waits for new events', async () => {
    const root = await newAccount(service);
    const stop = new AbortController();
    const tail = await tails.follow(root, {}, null, stop.signal);
    const waiting = tail.next();
    stop.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(tails.openFor(root.accountId)).toBe(0);
  });
});
