import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const AUDIT = `query($filter: AuditEventFilter) { auditEvents(first: 20, filter: $filter) {
  __typename
  ... on AuditEventsSuccess { data { edges { node { type actorArn resourceArn data } } } }
  ... on Error { code }
} }`;

interface AuditNode {
  type: string;
  actorArn: string | null;
  resourceArn: string | null;
  data: Record<string, unknown>;
}

/** The trial's finding over HTTP: auditEvents with a role's ARN finds who assumed the role. */
describe.each([...DRIVERS])('the audit of a role over GraphQL (%s)', (driver) => {
  let warden: RunningWarden;
  beforeAll(async () => {
    warden = await startTestWarden(driver);
  });
  afterAll(async () => {
    await warden.close();
  });

  const audit = async (client: SignedClient, filter: Record<string, unknown>): Promise<AuditNode[]> => {
    const answer = await client.data<{ auditEvents: { __typename: string; data: { edges: { node: AuditNode }[] } } }>(AUDIT, { filter });
    expect(answer.auditEvents.__typename).toBe('AuditEventsSuccess');
    return answer.auditEvents.data.edges.map((edge) => edge.node);
  };

  it('auditEvents(filter: {resourceArn: ROLE_ARN}) answers who assumed the role, and the actor filter what the session did', async () => {
    const { root, accountId } = await newTenant(warden);
    await root.data('mutation { createUser(input: { userName: "alice" }) { __typename } }');
    await root.data('mutation($d: String!) { putUserPolicy(input: { userName: "alice", policyName: "p", policyDocument: $d }) { __typename } }', {
      d: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }),
    });
    const key = await root.data<{ createAccessKey: { data: Credentials } }>(
      'mutation { createAccessKey(input: { userName: "alice" }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
    );
    const alice = new SignedClient(warden.url, key.createAccessKey.data);
    const created = await root.data<{ createRole: { data: { arn: string } } }>('mutation($i: CreateRoleInput!) { createRole(input: $i) { ... on CreateRoleSuccess { data { arn } } } }', {
      i: { roleName: 'deploy', path: '/ci/', assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }) },
    });
    const roleArn = created.createRole.data.arn;
    await root.data('mutation($d: String!) { putRolePolicy(input: { roleName: "deploy", policyName: "p", policyDocument: $d }) { __typename } }', {
      d: doc({ Effect: 'Allow', Action: 'iam:CreateGroup', Resource: '*' }),
    });
    const assumed = await alice.data<{ assumeRole: { data: { credentials: Credentials; assumedRoleUser: { arn: string } } } }>(
      'mutation($i: AssumeRoleInput!) { assumeRole(input: $i) { ... on AssumeRoleSuccess { data { credentials { accessKeyId secretAccessKey sessionToken } assumedRoleUser { arn } } } } }',
      { i: { roleArn, roleSessionName: 'release' } },
    );
    const sessionArn = assumed.assumeRole.data.assumedRoleUser.arn;
    const inside = new SignedClient(warden.url, assumed.assumeRole.data.credentials);
    await inside.data('mutation { createGroup(input: { groupName: "made-inside" }) { __typename } }');

    const aliceArn = `arn:aws:iam::${accountId}:user/alice`;
    const issued = await audit(root, { resourceArn: roleArn, eventTypes: ['SessionIssued'] });
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({ actorArn: aliceArn, resourceArn: sessionArn, data: { roleArn, sourcePrincipalArn: aliceArn, principalArn: sessionArn } });
    // Secrets stay out of the audit's answer.
    expect(issued[0]!.data['secret']).toBe('[encrypted]');
    expect(issued[0]!.data['tokenHash']).toBe('[encrypted]');

    const done = await audit(root, { actor: roleArn });
    expect(done.map((event) => [event.type, event.actorArn])).toEqual([['GroupCreated', sessionArn]]);
  });
});
