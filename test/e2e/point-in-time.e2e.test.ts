import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/**
 * `authorize(input: { at })`, `simulatePrincipalPolicy(input: { at })` and `accessHistory` over
 * HTTP: a user is created, a policy attached and then detached, and the server is asked about the
 * instants between (and before the user existed), taken on this machine's clock after each write returned, so each is after the
 * write's event and before the next.
 */
const ALLOW = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] });
const QUESTION = { action: 's3:PutObject', resource: 'arn:aws:s3:::jobs/today.json' };

const AUTHORIZE = `query($i: AuthorizeInput!) { authorize(input: $i) { __typename ... on AuthorizeSuccess { data { decision } } ... on Error { code message } } }`;
const BATCH = `query($r: [AuthorizeInput!]!) { authorizeBatch(input: { requests: $r }) { __typename ... on AuthorizeBatchSuccess { data { decision } } ... on Error { code } } }`;
const SIMULATE = `query($i: SimulatePrincipalPolicyInput!) { simulatePrincipalPolicy(input: $i) { __typename ... on SimulatePrincipalPolicySuccess { data { evalDecision } } ... on Error { code } } }`;
const HISTORY = `query($i: AccessHistoryInput!) { accessHistory(input: $i) {
  __typename
  ... on AccessHistorySuccess { data { decisionAtFrom allowed { from to } changes { eventId type streamId occurredAt decision } } }
  ... on Error { code message }
} }`;

const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

describe.each([...DRIVERS])('point-in-time questions over GraphQL (%s)', (driver) => {
  let warden: RunningWarden;
  let root: SignedClient;
  let userArn: string;
  const marks: string[] = [];
  beforeAll(async () => {
    warden = await startTestWarden(driver);
    ({ root } = await newTenant(warden));
    const mark = async () => {
      await pause();
      marks.push(new Date().toISOString());
      await pause();
    };
    await mark();
    const created = await root.data<{ createUser: { data: { arn: string } } }>('mutation { createUser(input: { userName: "worker" }) { ... on CreateUserSuccess { data { arn } } } }');
    userArn = created.createUser.data.arn;
    const policy = await root.data<{ createPolicy: { data: { arn: string } } }>(
      'mutation($d: String!) { createPolicy(input: { policyName: "send", policyDocument: $d }) { ... on CreatePolicySuccess { data { arn } } } }',
      { d: ALLOW },
    );
    await mark();
    await root.data('mutation($p: String!) { attachUserPolicy(input: { userName: "worker", policyArn: $p }) { __typename } }', { p: policy.createPolicy.data.arn });
    await mark();
    await root.data('mutation($p: String!) { detachUserPolicy(input: { userName: "worker", policyArn: $p }) { __typename } }', { p: policy.createPolicy.data.arn });
    await mark();
  });
  afterAll(async () => {
    await warden.close();
  });

  const authorizeAt = async (at: string | undefined) =>
    (await root.data<{ authorize: { __typename: string; data?: { decision: string }; code?: string } }>(AUTHORIZE, { i: { principal: userArn, ...QUESTION, ...(at ? { at } : {}) } })).authorize;

  it('answers authorize as of the instant asked, and now without one', async () => {
    expect((await authorizeAt(marks[1])).data?.decision).toBe('implicit_deny');
    expect((await authorizeAt(marks[2])).data?.decision).toBe('allow');
    expect((await authorizeAt(marks[3])).data?.decision).toBe('implicit_deny');
    expect((await authorizeAt(undefined)).data?.decision).toBe('implicit_deny');
    const batch = await root.data<{ authorizeBatch: { data: { decision: string }[] } }>(BATCH, {
      r: [
        { principal: userArn, ...QUESTION, at: marks[2] },
        { principal: userArn, ...QUESTION },
        { principal: userArn, ...QUESTION, at: marks[1] },
      ],
    });
    expect(batch.authorizeBatch.data.map((answer) => answer.decision)).toEqual(['allow', 'implicit_deny', 'implicit_deny']);
  });

  it('simulates the principal as it was', async () => {
    const simulate = async (at: string) =>
      (
        await root.data<{ simulatePrincipalPolicy: { data: { evalDecision: string }[] } }>(SIMULATE, {
          i: { policySourceArn: userArn, actionNames: [QUESTION.action], resourceArns: [QUESTION.resource], at },
        })
      ).simulatePrincipalPolicy.data;
    expect(await simulate(marks[2]!)).toEqual([{ evalDecision: 'allowed' }]);
    expect(await simulate(marks[3]!)).toEqual([{ evalDecision: 'implicitDeny' }]);
  });

  it('lists when the principal was allowed and which events changed it', async () => {
    const result = await root.data<{
      accessHistory: {
        __typename: string;
        data: { decisionAtFrom: string; allowed: { from: string; to: string }[]; changes: { eventId: string; type: string; streamId: string; occurredAt: string; decision: string }[] };
      };
    }>(HISTORY, { i: { principal: userArn, ...QUESTION, from: marks[1], to: marks[3] } });
    expect(result.accessHistory.__typename).toBe('AccessHistorySuccess');
    const { decisionAtFrom, allowed, changes } = result.accessHistory.data;
    expect(decisionAtFrom).toBe('implicit_deny');
    expect(changes.map((change) => [change.type, change.decision])).toEqual([
      ['PolicyAttachedToUser', 'allow'],
      ['PolicyDetachedFromUser', 'implicit_deny'],
    ]);
    expect(allowed).toEqual([{ from: changes[0]!.occurredAt, to: changes[1]!.occurredAt }]);
    expect(marks[1]! < changes[0]!.occurredAt && changes[0]!.occurredAt < marks[2]! && marks[2]! < changes[1]!.occurredAt && changes[1]!.occurredAt < marks[3]!).toBe(true);
    expect(changes.every((change) => /^user\/AIDA/.test(change.streamId) && /^\d+$/.test(change.eventId))).toBe(true);
    expect(Number(changes[0]!.eventId)).toBeLessThan(Number(changes[1]!.eventId));
  });

  it('answers the typed errors', async () => {
    expect((await authorizeAt('2001-01-01T00:00:00Z')).__typename).toBe('PointInTimeBeforeAccountError');
    expect((await authorizeAt(new Date(Date.now() + 3_600_000).toISOString())).__typename).toBe('PointInTimeInFutureError');
    const beforeUser = await authorizeAt(marks[0]);
    expect([beforeUser.__typename, beforeUser.code]).toEqual(['NoSuchEntityError', 'NoSuchEntity']);
    const history = await root.data<{ accessHistory: { __typename: string } }>(HISTORY, { i: { principal: userArn, ...QUESTION, from: marks[3], to: marks[1] } });
    expect(history.accessHistory.__typename).toBe('InvalidInputError');
  });
});
