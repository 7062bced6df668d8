import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const AUDIT = `query($filter: AuditEventFilter, $first: Int, $after: String) { auditEvents(first: $first, after: $after, filter: $filter) {
  __typename
  ... on AuditEventsSuccess { data { edges { cursor node { kind type position streamId operation outcome errorCode errorMessage decision principalArn actorArn sessionId sourceIdentity sourceIp resourceArn resourceArns readOnly data } } pageInfo { hasNextPage endCursor } } }
  ... on Error { code message }
} }`;

interface AuditNode {
  kind: 'EVENT' | 'CALL';
  type: string;
  operation: string | null;
  outcome: string;
  data: Record<string, unknown> | null;
  [field: string]: unknown;
}
interface AuditAnswer {
  auditEvents: { __typename: string; code?: string; message?: string; data: { edges: { cursor: string; node: AuditNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
}

/**
 * `auditEvents` over HTTP: the account's events and its call records in one connection, the new
 * fields and filters, and opaque cursors that page through both.
 */
describe.each([...DRIVERS])('auditEvents with call records over GraphQL (%s)', (driver) => {
  let warden: RunningWarden;
  let root: SignedClient;
  let accountId: string;
  beforeAll(async () => {
    warden = await startTestWarden(driver);
    ({ root, accountId } = await newTenant(warden));
    await root.data('mutation { createUser(input: { userName: "audited" }) { __typename } }');
    const now = Date.now();
    const alice = `arn:aws:iam::${accountId}:user/alice`;
    const session = `arn:aws:sts::${accountId}:assumed-role/deploy/s1`;
    await warden.wardenDb.db
      .insertInto('api_calls')
      .values([
        {
          account_id: accountId,
          occurred_at: new Date(now + 1000),
          request_id: 'req-denied',
          operation: 'iam:DeleteUser',
          read_only: false,
          outcome: 'denied',
          error_code: 'AccessDenied',
          error_message: 'no',
          decision: JSON.stringify({ decision: 'explicit_deny' }),
          caller_arn: session,
          principal_arn: `arn:aws:iam::${accountId}:role/deploy`,
          session_id: 's1',
          source_identity: 'ci',
          source_ip: '192.0.2.10',
          resource_arns: [`arn:aws:iam::${accountId}:user/audited`],
        },
        {
          account_id: accountId,
          occurred_at: new Date(now + 2000),
          request_id: 'req-failed',
          operation: 'iam:GetUser',
          read_only: true,
          outcome: 'failed',
          error_code: 'NoSuchEntity',
          caller_arn: alice,
          principal_arn: alice,
          source_ip: '198.51.100.1',
        },
      ])
      .execute();
  });
  afterAll(async () => {
    await warden.close();
  });

  const audit = (variables: Record<string, unknown>) => root.data<AuditAnswer>(AUDIT, variables);

  it('lists the records first (newer), then the events, with the fields of each kind', async () => {
    const answer = await audit({ first: 3 });
    expect(answer.auditEvents.__typename).toBe('AuditEventsSuccess');
    const nodes = answer.auditEvents.data.edges.map((edge) => edge.node);
    expect(nodes[0]).toMatchObject({
      kind: 'CALL',
      type: 'iam:GetUser',
      operation: 'iam:GetUser',
      outcome: 'FAILED',
      errorCode: 'NoSuchEntity',
      position: null,
      streamId: null,
      data: null,
      readOnly: true,
      principalArn: `arn:aws:iam::${accountId}:user/alice`,
    });
    expect(nodes[1]).toMatchObject({
      kind: 'CALL',
      outcome: 'DENIED',
      decision: { decision: 'explicit_deny' },
      actorArn: `arn:aws:sts::${accountId}:assumed-role/deploy/s1`,
      principalArn: `arn:aws:iam::${accountId}:role/deploy`,
      sessionId: 's1',
      sourceIdentity: 'ci',
      sourceIp: '192.0.2.10',
      resourceArn: `arn:aws:iam::${accountId}:user/audited`,
      resourceArns: [`arn:aws:iam::${accountId}:user/audited`],
    });
    expect(nodes[2]).toMatchObject({ kind: 'EVENT', type: 'UserCreated', operation: null, outcome: 'SUCCESS', errorCode: null, principalArn: null, readOnly: false, data: { userName: 'audited' } });
    expect(nodes[2]!['resourceArns']).toEqual([`arn:aws:iam::${accountId}:user/audited`]);
    expect(answer.auditEvents.data.pageInfo.hasNextPage).toBe(true);
  });

  it('pages through both with the opaque cursor: each entry once, in the order of one page of everything', async () => {
    const everything = (await audit({ first: 500 })).auditEvents.data.edges.map((edge) => edge.cursor);
    const paged: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: AuditAnswer = await audit({ first: 2, after });
      paged.push(...page.auditEvents.data.edges.map((edge) => edge.cursor));
      if (!page.auditEvents.data.pageInfo.hasNextPage) break;
      after = page.auditEvents.data.pageInfo.endCursor;
    }
    expect(paged).toEqual(everything);
    expect(new Set(paged).size).toBe(paged.length);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['outcomes', { outcomes: ['DENIED'] }, ['iam:DeleteUser']],
    ['errorCodes', { errorCodes: ['NoSuchEntity'] }, ['iam:GetUser']],
    ['operations with eventTypes', { operations: ['iam:DeleteUser'], eventTypes: ['UserCreated'] }, ['iam:DeleteUser', 'UserCreated']],
    ['sourceIp', { sourceIp: '192.0.2.0/24' }, ['iam:DeleteUser']],
  ])('filters by %s', async (_label, filter, types) => {
    const answer = await audit({ first: 100, filter });
    expect(answer.auditEvents.data.edges.map((edge) => edge.node.type)).toEqual(types);
  });

  it('filters by a role: its sessions’ records', async () => {
    const answer = await audit({ first: 100, filter: { principal: `arn:aws:iam::${accountId}:role/deploy` } });
    expect(answer.auditEvents.data.edges.map((edge) => edge.node.type)).toEqual(['iam:DeleteUser']);
  });

  it('answers a bad cursor and a bad source IP with a typed InvalidInput error', async () => {
    for (const variables of [{ after: '42' }, { filter: { sourceIp: '192.0.2.0/40' } }]) {
      const answer = await audit({ first: 5, ...variables });
      expect(answer.auditEvents).toMatchObject({ __typename: 'InvalidInputError', code: 'InvalidInput' });
    }
  });
});
