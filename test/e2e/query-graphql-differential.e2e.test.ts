import { createHash } from 'node:crypto';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  IAMClient,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam';
import type { RunningWarden } from '@warden/api';
import { type Caller, isAuditEvent } from '@warden/iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/**
 * The same administration, once through GraphQL and once through the Query front, each in an
 * account of its own: the fronts only translate, so both accounts must hold the same read models
 * and record the same events (types and data), up to the ids and times each run makes.
 */
const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const READ = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
const READ_MORE = doc({ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' });
const INLINE = doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' });
const trust = (accountId: string) => doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' });

/** One administration step, as each front spells it. */
interface Step {
  readonly graphql: readonly [mutation: string, inputType: string, input: (accountId: string) => Record<string, unknown>];
  readonly query: (client: IAMClient, accountId: string) => Promise<unknown>;
}

const policyArn = (accountId: string) => `arn:aws:iam::${accountId}:policy/reader`;

const BUILD: readonly Step[] = [
  {
    graphql: ['createUser', 'CreateUserInput', () => ({ userName: 'alice', path: '/d/', tags: [{ key: 'team', value: 'x' }] })],
    query: (c) => c.send(new CreateUserCommand({ UserName: 'alice', Path: '/d/', Tags: [{ Key: 'team', Value: 'x' }] })),
  },
  { graphql: ['createGroup', 'CreateGroupInput', () => ({ groupName: 'devs' })], query: (c) => c.send(new CreateGroupCommand({ GroupName: 'devs' })) },
  { graphql: ['addUserToGroup', 'GroupMembershipInput', () => ({ groupName: 'devs', userName: 'alice' })], query: (c) => c.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' })) },
  {
    graphql: ['createPolicy', 'CreatePolicyInput', () => ({ policyName: 'reader', policyDocument: READ })],
    query: (c) => c.send(new CreatePolicyCommand({ PolicyName: 'reader', PolicyDocument: READ })),
  },
  {
    graphql: ['attachUserPolicy', 'UserPolicyArnInput', (a) => ({ userName: 'alice', policyArn: policyArn(a) })],
    query: (c, a) => c.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: policyArn(a) })),
  },
  {
    graphql: ['putUserPolicy', 'PutUserPolicyInput', () => ({ userName: 'alice', policyName: 'inline', policyDocument: INLINE })],
    query: (c) => c.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'inline', PolicyDocument: INLINE })),
  },
  {
    graphql: ['createPolicyVersion', 'CreatePolicyVersionInput', (a) => ({ policyArn: policyArn(a), policyDocument: READ_MORE, setAsDefault: true })],
    query: (c, a) => c.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn(a), PolicyDocument: READ_MORE, SetAsDefault: true })),
  },
  {
    graphql: ['createRole', 'CreateRoleInput', (a) => ({ roleName: 'ops', assumeRolePolicyDocument: trust(a) })],
    query: (c, a) => c.send(new CreateRoleCommand({ RoleName: 'ops', AssumeRolePolicyDocument: trust(a) })),
  },
  {
    graphql: [
      'tagRole',
      'TagRoleInput',
      () => ({
        roleName: 'ops',
        tags: [
          { key: 'owner', value: 'ops' },
          { key: 'tier', value: '1' },
        ],
      }),
    ],
    query: (c) =>
      c.send(
        new TagRoleCommand({
          RoleName: 'ops',
          Tags: [
            { Key: 'owner', Value: 'ops' },
            { Key: 'tier', Value: '1' },
          ],
        }),
      ),
  },
  { graphql: ['untagRole', 'UntagRoleInput', () => ({ roleName: 'ops', tagKeys: ['owner'] })], query: (c) => c.send(new UntagRoleCommand({ RoleName: 'ops', TagKeys: ['owner'] })) },
  { graphql: ['updateUser', 'UpdateUserInput', () => ({ userName: 'alice', newUserName: 'alicia' })], query: (c) => c.send(new UpdateUserCommand({ UserName: 'alice', NewUserName: 'alicia' })) },
];

const TEAR_DOWN: readonly Step[] = [
  {
    graphql: ['deleteUserPolicy', 'DeleteUserPolicyInput', () => ({ userName: 'alicia', policyName: 'inline' })],
    query: (c) => c.send(new DeleteUserPolicyCommand({ UserName: 'alicia', PolicyName: 'inline' })),
  },
  {
    graphql: ['detachUserPolicy', 'UserPolicyArnInput', (a) => ({ userName: 'alicia', policyArn: policyArn(a) })],
    query: (c, a) => c.send(new DetachUserPolicyCommand({ UserName: 'alicia', PolicyArn: policyArn(a) })),
  },
  {
    graphql: ['removeUserFromGroup', 'GroupMembershipInput', () => ({ groupName: 'devs', userName: 'alicia' })],
    query: (c) => c.send(new RemoveUserFromGroupCommand({ GroupName: 'devs', UserName: 'alicia' })),
  },
  { graphql: ['deleteUser', 'UserNameInput', () => ({ userName: 'alicia' })], query: (c) => c.send(new DeleteUserCommand({ UserName: 'alicia' })) },
  { graphql: ['deleteGroup', 'GroupNameInput', () => ({ groupName: 'devs' })], query: (c) => c.send(new DeleteGroupCommand({ GroupName: 'devs' })) },
  {
    graphql: ['deletePolicyVersion', 'PolicyVersionInput', (a) => ({ policyArn: policyArn(a), versionId: 'v1' })],
    query: (c, a) => c.send(new DeletePolicyVersionCommand({ PolicyArn: policyArn(a), VersionId: 'v1' })),
  },
  { graphql: ['deletePolicy', 'PolicyArnInput', (a) => ({ policyArn: policyArn(a) })], query: (c, a) => c.send(new DeletePolicyCommand({ PolicyArn: policyArn(a) })) },
  { graphql: ['deleteRole', 'RoleNameInput', () => ({ roleName: 'ops' })], query: (c) => c.send(new DeleteRoleCommand({ RoleName: 'ops' })) },
];

/**
 * A value with what differs between two runs replaced: the account id, the ids IAM makes, times,
 * and the SHA-256 of a validated document (whose text names the account; each event's hash is
 * checked against its own text first, in `events`).
 */
function normalized(value: unknown, accountId: string): unknown {
  return JSON.parse(
    JSON.stringify(value)
      .replaceAll(accountId, 'ACCOUNT')
      .replace(/"(documentHash|trustPolicyHash)":"[0-9a-f]{64}"/g, '"$1":"SHA-256"')
      .replace(/\b(AIDA|AGPA|ANPA|AROA|AKIA|ASIA)[A-Z0-9]{12,}\b/g, '$1…')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'TIME'),
  );
}

describe.each([...DRIVERS])('GraphQL and the Query front make the same events and read models (%s)', (driver) => {
  let warden: RunningWarden;
  let viaGraphql: { accountId: string; root: SignedClient };
  let viaQuery: { accountId: string; iam: IAMClient };

  const rootOf = (accountId: string): Caller => ({ accountId, arn: `arn:aws:iam::${accountId}:root`, kind: 'root', requestContext: {} });

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    const a = await newTenant(warden);
    const b = await newTenant(warden);
    viaGraphql = { accountId: a.accountId, root: a.root };
    viaQuery = { accountId: b.accountId, iam: new IAMClient({ endpoint: new URL('/', warden.url).href, region: 'us-east-1', credentials: b.credentials, maxAttempts: 1 }) };
  });
  afterAll(async () => {
    viaQuery.iam.destroy();
    await warden.close();
  });

  async function runSteps(steps: readonly Step[]): Promise<void> {
    for (const step of steps) {
      const [mutation, inputType, input] = step.graphql;
      const answer = await viaGraphql.root.data<Record<string, { __typename: string; message?: string }>>(
        `mutation($i: ${inputType}!) { ${mutation}(input: $i) { __typename ... on Error { message } } }`,
        { i: input(viaGraphql.accountId) },
      );
      expect(answer[mutation]!.__typename, `${mutation}: ${answer[mutation]!.message ?? ''}`).toMatch(/Success$/);
      await step.query(viaQuery.iam, viaQuery.accountId);
    }
  }

  const details = async (accountId: string) => normalized(await warden.iam.details.accountAuthorizationDetails(rootOf(accountId)), accountId);
  const events = async (accountId: string) => {
    const newestFirst = (await warden.iam.audit.events(rootOf(accountId), {}, { first: 500 })).filter(isAuditEvent);
    for (const { data } of newestFirst) {
      const { document, documentHash, trustPolicy, trustPolicyHash } = data as Record<string, unknown>;
      if (typeof document === 'string') expect(documentHash).toBe(createHash('sha256').update(document, 'utf8').digest('hex'));
      if (typeof trustPolicy === 'string') expect(trustPolicyHash).toBe(createHash('sha256').update(trustPolicy, 'utf8').digest('hex'));
    }
    return newestFirst.reverse().map((event) => normalized({ type: event.type, streamId: event.streamId.replace(/\/[A-Z]{4}[A-Z0-9]+$/, '/ID'), data: event.data }, accountId));
  };

  it('after building: the same users, groups, roles and policies, with the same attachments and documents', async () => {
    await runSteps(BUILD);
    const graphql = await details(viaGraphql.accountId);
    expect(graphql).toMatchObject({ users: [{ entity: { userName: 'alicia', path: '/d/' } }] });
    expect(await details(viaQuery.accountId)).toEqual(graphql);
  });

  it('after tearing down: the same events, in the same order, with the same data', async () => {
    await runSteps(TEAR_DOWN);
    const graphql = await events(viaGraphql.accountId);
    const types = graphql.map((event) => (event as { type: string }).type);
    // Every step recorded, in order.
    expect(types.slice(-(BUILD.length + TEAR_DOWN.length))).toEqual([
      'UserCreated',
      'GroupCreated',
      'UserAddedToGroup',
      'PolicyCreated',
      'PolicyAttachedToUser',
      'UserPolicyPut',
      'PolicyVersionCreated',
      'RoleCreated',
      'RoleTagged',
      'RoleUntagged',
      'UserUpdated',
      'UserPolicyDeleted',
      'PolicyDetachedFromUser',
      'UserRemovedFromGroup',
      'UserDeleted',
      'GroupDeleted',
      'PolicyVersionDeleted',
      'PolicyDeleted',
      'RoleDeleted',
    ]);
    // The steps' events: the account's creation before them differs by the account's own name.
    const steps = BUILD.length + TEAR_DOWN.length;
    expect((await events(viaQuery.accountId)).slice(-steps)).toEqual(graphql.slice(-steps));
  });
});
