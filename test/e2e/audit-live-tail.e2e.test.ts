import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWarden } from '@warden/api';
import { type EventStream, openEventStream } from './support/event-stream.js';
import { type GraphQLData, SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, ONE_DRIVER, startTestWarden } from './support/warden-under-test.js';

const LIVE = `subscription Live($filter: AuditEventFilter, $resumeAfter: String) {
  auditEventsLive(filter: $filter, resumeAfter: $resumeAfter) {
    __typename
    ... on AuditEventsLiveSuccess { data { cursor event { type data } } }
    ... on Error { message }
  }
}`;
const CREATE_USER = `mutation ($userName: String!) { createUser(input: { userName: $userName }) { __typename } }`;
const USERS_CREATED = { filter: { eventTypes: ['UserCreated'] } };

/** The next `count` results of the stream, each checked to be a success. */
async function entries(stream: EventStream, count: number): Promise<{ cursor: string; userName: string }[]> {
  const taken: { cursor: string; userName: string }[] = [];
  while (taken.length < count) {
    const message = await stream.next();
    if (!message || message.event !== 'next') throw new Error(`the stream ended after ${taken.length} entries: ${JSON.stringify(message)}`);
    const result = message.data!.data!['auditEventsLive'] as GraphQLData;
    expect(result['__typename']).toBe('AuditEventsLiveSuccess');
    taken.push({ cursor: result['data'].cursor as string, userName: result['data'].event.data.userName as string });
  }
  return taken;
}

describe.each([...DRIVERS])('the live audit tail over SSE (%s)', (driver) => {
  let warden: RunningWarden;

  beforeAll(async () => {
    warden = await startTestWarden(driver);
  });
  afterAll(async () => {
    await warden.close();
  });

  it('streams new events, and after a disconnect resumes from the last cursor with nothing lost or repeated', async () => {
    const { root, credentials } = await newTenant(warden);
    const first = await openEventStream(warden.url, credentials, LIVE, USERS_CREATED);
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^text\/event-stream/);
    for (const userName of ['sse-1', 'sse-2', 'sse-3']) await root.data(CREATE_USER, { userName });
    const before = await entries(first, 3);
    expect(before.map((entry) => entry.userName)).toEqual(['sse-1', 'sse-2', 'sse-3']);
    first.close();
    // Written while the client is away.
    for (const userName of ['sse-4', 'sse-5']) await root.data(CREATE_USER, { userName });
    const resumed = await openEventStream(warden.url, credentials, LIVE, { ...USERS_CREATED, resumeAfter: before.at(-1)!.cursor });
    try {
      await root.data(CREATE_USER, { userName: 'sse-6' });
      expect((await entries(resumed, 3)).map((entry) => entry.userName)).toEqual(['sse-4', 'sse-5', 'sse-6']);
    } finally {
      resumed.close();
    }
  });

  it('streams a denied call as a call record, through the filter, and resumes after it', async () => {
    const { root, credentials, accountId } = await newTenant(warden);
    await root.data(CREATE_USER, { userName: 'refused' });
    const key = await root.data<{ createAccessKey: { data: { accessKeyId: string; secretAccessKey: string } } }>(
      `mutation { createAccessKey(input: { userName: "refused" }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }`,
    );
    const refused = new SignedClient(warden.url, key.createAccessKey.data);
    const RECORDS = `subscription Live($filter: AuditEventFilter, $resumeAfter: String) {
      auditEventsLive(filter: $filter, resumeAfter: $resumeAfter) {
        __typename
        ... on AuditEventsLiveSuccess { data { cursor event { kind type outcome errorCode actorArn resourceArns } } }
        ... on Error { message }
      }
    }`;
    const next = async (stream: EventStream): Promise<GraphQLData> => {
      const message = await stream.next();
      if (!message || message.event !== 'next') throw new Error(`the stream ended: ${JSON.stringify(message)}`);
      const result = message.data!.data!['auditEventsLive'] as GraphQLData;
      expect(result['__typename']).toBe('AuditEventsLiveSuccess');
      return result['data'] as GraphQLData;
    };
    const filter = { outcomes: ['DENIED'] };
    const stream = await openEventStream(warden.url, credentials, RECORDS, { filter });
    let first: GraphQLData;
    try {
      // A change passes no DENIED filter; each refused read is recorded (after its answer, within the recorder's interval).
      await root.data(CREATE_USER, { userName: 'not-denied' });
      for (const userName of ['one', 'two']) await refused.request(`{ user(userName: "${userName}") { __typename } }`);
      first = await next(stream);
      expect(first['event']).toEqual({
        kind: 'CALL',
        type: 'iam:GetUser',
        outcome: 'DENIED',
        errorCode: 'AccessDenied',
        actorArn: `arn:aws:iam::${accountId}:user/refused`,
        resourceArns: [`arn:aws:iam::${accountId}:user/one`],
      });
    } finally {
      stream.close();
    }
    const resumed = await openEventStream(warden.url, credentials, RECORDS, { filter, resumeAfter: first['cursor'] });
    try {
      expect((await next(resumed))['event']['resourceArns']).toEqual([`arn:aws:iam::${accountId}:user/two`]);
    } finally {
      resumed.close();
    }
  });

  it('answers a caller without warden:GetAuditEvents with AccessDeniedError, then completes', async () => {
    const { root } = await newTenant(warden);
    await root.data(CREATE_USER, { userName: 'no-audit' });
    const key = await root.data<{ createAccessKey: { data: { accessKeyId: string; secretAccessKey: string } } }>(
      `mutation { createAccessKey(input: { userName: "no-audit" }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }`,
    );
    const stream = await openEventStream(warden.url, key.createAccessKey.data, LIVE);
    const message = await stream.next();
    expect((message!.data!.data!['auditEventsLive'] as GraphQLData)['__typename']).toBe('AccessDeniedError');
    expect((await stream.next())?.event).toBe('complete');
    stream.close();
  });
});

describe('a server with a live tail open', () => {
  /**
   * When the server stops, it ends the stream itself (`streamsEnd`, yoga-fetch.ts): the client,
   * which never closes, reads the end of a cleanly terminated body (its last chunk, not a reset or
   * an error), and close() completes.
   */
  it('ends the stream when it stops, rather than waiting for the client', async () => {
    const warden = await startTestWarden(ONE_DRIVER);
    const { credentials } = await newTenant(warden);
    const stream = await openEventStream(warden.url, credentials, LIVE);
    expect(stream.status).toBe(200);
    const closing = warden.close();
    const after: (string | undefined)[] = [];
    let ending: unknown;
    for (;;) {
      const message = await stream.next().catch((error: unknown) => ((ending = error), undefined));
      after.push(message?.event);
      if (message === undefined) break;
    }
    await closing;
    // The body ended cleanly (a reset or an aborted body would have been an error), with no result
    // after the close began, at most a last `complete` frame before the end.
    expect(ending).toBeUndefined();
    expect(after.at(-1)).toBeUndefined();
    expect(after.slice(0, -1).every((event) => event === 'complete')).toBe(true);
    expect(after.length).toBeLessThanOrEqual(2);
  });
});
