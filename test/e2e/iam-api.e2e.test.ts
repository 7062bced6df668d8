import type { RunningWarden } from '@warden/api';
import { inAccountTransaction } from '@warden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) {
  __typename
  ... on CreateUserSuccess { data { userName arn userId } }
  ... on Error { message code }
  ... on MalformedPolicyDocumentError { findings { path message } }
} }`;

describe.each([...DRIVERS])('the IAM API over HTTP (%s)', (driver) => {
  let warden: RunningWarden;
  beforeAll(async () => {
    warden = await startTestWarden(driver);
  });
  afterAll(async () => {
    await warden.close();
  });

  async function userWithKey(root: SignedClient, userName: string): Promise<SignedClient> {
    await root.data(CREATE_USER, { input: { userName } });
    const key = await root.data<{ createAccessKey: { data: { accessKeyId: string; secretAccessKey: string } } }>(
      'mutation($u: String!) { createAccessKey(input: { userName: $u }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
      { u: userName },
    );
    return new SignedClient(warden.url, key.createAccessKey.data);
  }

  it("authorizes every operation with the caller's real policies, and says why not in AWS's words", async () => {
    const { root, accountId } = await newTenant(warden);
    const alice = await userWithKey(root, 'alice');
    const denied = await alice.data<{ createUser: { __typename: string; message: string; code: string } }>(CREATE_USER, { input: { userName: 'mallory' } });
    expect(denied.createUser).toEqual({
      __typename: 'AccessDeniedError',
      code: 'AccessDenied',
      message: `User: arn:aws:iam::${accountId}:user/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${accountId}:user/mallory because no identity-based policy allows the iam:CreateUser action`,
    });
    const policy = await root.data<{ createPolicy: { data: { arn: string } } }>(
      'mutation($d: String!) { createPolicy(input: { policyName: "CreateDevUsers", policyDocument: $d }) { ... on CreatePolicySuccess { data { arn } } } }',
      { d: doc({ Effect: 'Allow', Action: 'iam:CreateUser', Resource: `arn:aws:iam::${accountId}:user/dev/*` }) },
    );
    await root.data('mutation($p: String!) { attachUserPolicy(input: { userName: "alice", policyArn: $p }) { __typename } }', { p: policy.createPolicy.data.arn });
    const allowed = await alice.data<{ createUser: { __typename: string; data: { arn: string } } }>(CREATE_USER, { input: { userName: 'bob', path: '/dev/' } });
    expect(allowed.createUser.data.arn).toBe(`arn:aws:iam::${accountId}:user/dev/bob`);
    const outside = await alice.data<{ createUser: { __typename: string } }>(CREATE_USER, { input: { userName: 'carol', path: '/ops/' } });
    expect(outside.createUser.__typename).toBe('AccessDeniedError');
  });

  it('sets console passwords under the account policy, with the broken rule named, and lets a user change its own', async () => {
    const { root } = await newTenant(warden);
    const ivan = await userWithKey(root, 'ivan');
    const policy = await root.data<{ updateAccountPasswordPolicy: { data: { minimumPasswordLength: number; allowUsersToChangePassword: boolean } } }>(
      'mutation { updateAccountPasswordPolicy(input: { minimumPasswordLength: 10, requireNumbers: true, allowUsersToChangePassword: true }) { ... on UpdateAccountPasswordPolicySuccess { data { minimumPasswordLength allowUsersToChangePassword } } } }',
    );
    expect(policy.updateAccountPasswordPolicy.data).toEqual({ minimumPasswordLength: 10, allowUsersToChangePassword: true });
    const CREATE_PROFILE = 'mutation($p: String!) { createLoginProfile(input: { userName: "ivan", password: $p }) { __typename ... on Error { code message } } }';
    const weak = await root.data<{ createLoginProfile: { __typename: string; code: string; message: string } }>(CREATE_PROFILE, { p: 'no-numbers-here' });
    expect(weak.createLoginProfile).toMatchObject({ __typename: 'PasswordPolicyViolationError', code: 'PasswordPolicyViolation', message: expect.stringContaining('must contain a number') });
    expect((await root.data<{ createLoginProfile: { __typename: string } }>(CREATE_PROFILE, { p: 'Strong-Enough-1' })).createLoginProfile.__typename).toBe('CreateLoginProfileSuccess');
    const CHANGE = 'mutation($o: String!, $n: String!) { changePassword(input: { oldPassword: $o, newPassword: $n }) { __typename ... on Error { code } } }';
    expect((await ivan.data<{ changePassword: { __typename: string; code: string } }>(CHANGE, { o: 'not-the-password', n: 'Brand-New-Pass-2' })).changePassword.code).toBe('InvalidInput');
    expect((await ivan.data<{ changePassword: { __typename: string } }>(CHANGE, { o: 'Strong-Enough-1', n: 'Brand-New-Pass-2' })).changePassword.__typename).toBe('ChangePasswordSuccess');
    const read = await ivan.data<{ accountPasswordPolicy: { __typename: string } }>('{ accountPasswordPolicy { __typename } }');
    expect(read.accountPasswordPolicy.__typename).toBe('AccountPasswordPolicySuccess');
    // The password appears nowhere in the audit log.
    const audit = await root.data<{ auditEvents: { data: { edges: { node: { type: string; data: unknown } }[] } } }>(
      '{ auditEvents(first: 50) { ... on AuditEventsSuccess { data { edges { node { type data } } } } } }',
    );
    expect(audit.auditEvents.data.edges.map((edge) => edge.node.type)).toEqual(expect.arrayContaining(['LoginProfileCreated', 'PasswordChanged']));
    expect(JSON.stringify(audit)).not.toContain('Strong-Enough-1');
    expect(JSON.stringify(audit)).not.toContain('ciphertext');
  });

  it('warns in the mutation payload and on the type that a new user has no permissions', async () => {
    const { root } = await newTenant(warden);
    const created = await root.data<{ createUser: { data: { warnings: string[] } } }>('mutation { createUser(input: { userName: "lonely" }) { ... on CreateUserSuccess { data { warnings } } } }');
    expect(created.createUser.data.warnings).toEqual([expect.stringMatching(/^This user has no permissions/)]);
    const attached = await root.data<{ attachUserPolicy: { data: { warnings: string[] } } }>(
      'mutation { attachUserPolicy(input: { userName: "lonely", policyArn: "arn:aws:iam::aws:policy/IAMUserChangePassword" }) { ... on AttachUserPolicySuccess { data { warnings } } } }',
    );
    expect(attached.attachUserPolicy.data.warnings).toEqual([]);
  });

  it('answers authorize and authorizeBatch with the deciding statements', async () => {
    const { root, accountId } = await newTenant(warden);
    await root.data(CREATE_USER, { input: { userName: 'reader' } });
    await root.data('mutation($d: String!) { putUserPolicy(input: { userName: "reader", policyName: "s3read", policyDocument: $d }) { __typename } }', {
      d: doc({ Sid: 'Read', Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::reports/*' }, { Sid: 'NoSecrets', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::reports/secret/*' }),
    });
    const managed = await root.data<{ createPolicy: { data: { arn: string } } }>(
      'mutation($d: String!) { createPolicy(input: { policyName: "ReportsRead", path: "/reports/", policyDocument: $d }) { ... on CreatePolicySuccess { data { arn } } } }',
      { d: doc({ Sid: 'Managed', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }) },
    );
    const managedArn = managed.createPolicy.data.arn;
    await root.data('mutation($p: String!) { attachUserPolicy(input: { userName: "reader", policyArn: $p }) { __typename } }', { p: managedArn });
    const principal = `arn:aws:iam::${accountId}:user/reader`;
    const result = await root.data<{
      authorizeBatch: { data: { decision: string; reason: string; matchedStatements: { sid: string | null; policyName: string | null; policyArn: string | null }[] }[] };
    }>(`query($r: [AuthorizeInput!]!) { authorizeBatch(input: { requests: $r }) { ... on AuthorizeBatchSuccess { data { decision reason matchedStatements { sid policyName policyArn } } } } }`, {
      r: [
        { principal, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.pdf' },
        { principal, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/secret/plan.pdf' },
        { principal, action: 's3:PutObject', resource: 'arn:aws:s3:::reports/q3.pdf', context: { 'aws:SourceIp': '203.0.113.5' } },
      ],
    });
    const answers = result.authorizeBatch.data;
    expect(answers.map((answer) => answer.decision)).toEqual(['allow', 'explicit_deny', 'implicit_deny']);
    // A managed policy by its name and ARN, an inline policy by its name alone.
    const named = [
      { sid: 'Managed', policyName: 'ReportsRead', policyArn: managedArn },
      { sid: 'Read', policyName: 's3read', policyArn: null },
    ];
    expect(answers[0]!.matchedStatements).toEqual(named);
    expect(answers[1]!.reason).toContain('with an explicit deny in an identity-based policy');
    const single = await root.data<{ authorize: { data: { matchedStatements: unknown[] } } }>(
      'query($i: AuthorizeInput!) { authorize(input: $i) { ... on AuthorizeSuccess { data { matchedStatements { sid policyName policyArn } } } } }',
      { i: { principal, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.pdf' } },
    );
    expect(single.authorize.data.matchedStatements).toEqual(named);
    const simulated = await root.data<{ simulatePrincipalPolicy: { data: { matchedStatements: unknown[] }[] }; simulateCustomPolicy: { data: { matchedStatements: unknown[] }[] } }>(
      `query($p: String!, $d: String!) {
        simulatePrincipalPolicy(input: { policySourceArn: $p, actionNames: ["s3:GetObject"], resourceArns: ["arn:aws:s3:::reports/q3.pdf"] }) { ... on SimulatePrincipalPolicySuccess { data { matchedStatements { sid policyName policyArn } } } }
        simulateCustomPolicy(input: { policyInputList: [$d], actionNames: ["s3:GetObject"], resourceArns: ["arn:aws:s3:::reports/q3.pdf"] }) { ... on SimulateCustomPolicySuccess { data { matchedStatements { sid policyName policyArn } } } }
      }`,
      { p: principal, d: doc({ Sid: 'Given', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) },
    );
    expect(simulated.simulatePrincipalPolicy.data[0]!.matchedStatements).toEqual(named);
    expect(simulated.simulateCustomPolicy.data[0]!.matchedStatements).toEqual([{ sid: 'Given', policyName: 'policyInputList[0]', policyArn: null }]);
  });

  it('keeps tenants apart over the API', async () => {
    const a = await newTenant(warden);
    const b = await newTenant(warden);
    await b.root.data(CREATE_USER, { input: { userName: 'secret-user' } });
    const list = await a.root.data<{ users: { data: { edges: { node: { userName: string } }[] } } }>('{ users(first: 50) { ... on UsersSuccess { data { edges { node { userName } } } } } }');
    expect(list.users.data.edges).toEqual([]);
    const lookup = await a.root.data<{ user: { __typename: string } }>('{ user(userName: "secret-user") { __typename } }');
    expect(lookup.user.__typename).toBe('NoSuchEntityError');
    const ask = await a.root.data<{ authorize: { __typename: string } }>('query($p: String!) { authorize(input: { principal: $p, action: "s3:GetObject", resource: "*" }) { __typename } }', {
      p: `arn:aws:iam::${b.accountId}:user/secret-user`,
    });
    expect(ask.authorize.__typename).toBe('AccessDeniedError');
  });

  it('refuses bad input with a typed error and changes nothing', async () => {
    const { root, accountId } = await newTenant(warden);
    const events = () =>
      inAccountTransaction(warden.wardenDb.db, accountId, async (trx) =>
        Number(
          (
            await trx
              .selectFrom('events')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      );
    const before = await events();
    const malformed = await root.request('{ users(first: 5) { ... on UsersSuccess { data { edges { node { userName } } } }');
    expect(malformed.body.data).toBeUndefined();
    expect(malformed.body.errors?.[0]?.message).toMatch(/Syntax Error/);
    const badName = await root.data<{ createUser: { __typename: string; message: string } }>(CREATE_USER, { input: { userName: 'has space' } });
    expect(badName.createUser.__typename).toBe('InvalidInputError');
    await root.data(CREATE_USER, { input: { userName: 'target' } });
    const afterUser = await events();
    const badPolicy = await root.data<{ putUserPolicy: { __typename: string; findings: { path: string }[] } }>(
      'mutation($d: String!) { putUserPolicy(input: { userName: "target", policyName: "p", policyDocument: $d }) { __typename ... on MalformedPolicyDocumentError { findings { path } } } }',
      { d: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"a:b":"c"}}}}' },
    );
    expect(badPolicy.putUserPolicy.__typename).toBe('MalformedPolicyDocumentError');
    expect(badPolicy.putUserPolicy.findings[0]!.path).toBe('$.Statement.Condition.StringEqualz');
    const huge = await root.data<{ putUserPolicy: { __typename: string } }>(
      'mutation($d: String!) { putUserPolicy(input: { userName: "target", policyName: "big", policyDocument: $d }) { __typename } }',
      {
        d: doc(...Array.from({ length: 40 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-number-${i}/*` }))),
      },
    );
    expect(huge.putUserPolicy.__typename).toBe('MalformedPolicyDocumentError');
    const unknownArn = await root.data<{ attachUserPolicy: { __typename: string } }>(
      'mutation { attachUserPolicy(input: { userName: "target", policyArn: "arn:aws:iam::aws:policy/NoSuchPolicy" }) { __typename } }',
    );
    expect(unknownArn.attachUserPolicy.__typename).toBe('NoSuchEntityError');
    expect(await events()).toBe(afterUser);
    expect(afterUser).toBe(before + 1);
  });

  it('refuses an untag of more than 50 keys, and appends nothing for a tag or untag that changes nothing', async () => {
    const { root, accountId } = await newTenant(warden);
    const events = () =>
      inAccountTransaction(warden.wardenDb.db, accountId, async (trx) =>
        Number(
          (
            await trx
              .selectFrom('events')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      );
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' });
    const tags = [
      { key: 'team', value: 'blue' },
      { key: 'env', value: 'prod' },
    ];
    await root.data(CREATE_USER, { input: { userName: 'tagged', tags } });
    await root.data('mutation($i: CreateRoleInput!) { createRole(input: $i) { __typename } }', { i: { roleName: 'tagged', assumeRolePolicyDocument: trust, tags } });
    const before = await events();
    const keys = Array.from({ length: 51 }, (_, i) => `k${i}`);
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagUser.html: TagKeys holds at most 50 keys.
    for (const entity of ['User', 'Role']) {
      const UNTAG = `mutation($n: String!, $k: [String!]!) { untag${entity}(input: { ${entity.toLowerCase()}Name: $n, tagKeys: $k }) { __typename ... on Error { code message } } }`;
      const TAG = `mutation($n: String!, $t: [TagInput!]!) { tag${entity}(input: { ${entity.toLowerCase()}Name: $n, tags: $t }) { __typename } }`;
      const tooMany = await root.data<Record<string, { __typename: string; code: string; message: string }>>(UNTAG, { n: 'tagged', k: keys });
      expect(tooMany[`untag${entity}`]).toEqual({ __typename: 'InvalidInputError', code: 'InvalidInput', message: 'TagKeys can list at most 50 keys; it lists 51.' });
      expect((await root.data<Record<string, { __typename: string }>>(UNTAG, { n: 'tagged', k: ['absent'] }))[`untag${entity}`]!.__typename).toBe(`Untag${entity}Success`);
      expect((await root.data<Record<string, { __typename: string }>>(TAG, { n: 'tagged', t: [...tags].reverse() }))[`tag${entity}`]!.__typename).toBe(`Tag${entity}Success`);
    }
    expect(await events()).toBe(before);
  });

  it('records every change in the audit log with who made it', async () => {
    const { root, accountId } = await newTenant(warden);
    await root.data(CREATE_USER, { input: { userName: 'audited' } });
    const audit = await root.data<{ auditEvents: { data: { edges: { node: { type: string; actorArn: string; resourceArn: string } }[] } } }>(
      '{ auditEvents(first: 5, filter: { eventTypes: ["UserCreated"] }) { ... on AuditEventsSuccess { data { edges { node { type actorArn resourceArn } } } } } }',
    );
    expect(audit.auditEvents.data.edges[0]!.node).toEqual({ type: 'UserCreated', actorArn: `arn:aws:iam::${accountId}:root`, resourceArn: `arn:aws:iam::${accountId}:user/audited` });
  });
});
