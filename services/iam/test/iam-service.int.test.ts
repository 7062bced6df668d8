import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToStream, inAccountTransaction } from '@warden/db';
import {
  AccessDeniedError,
  ConcurrentModificationError,
  DeleteConflictError,
  EntityAlreadyExistsError,
  LimitExceededError,
  MalformedPolicyDocumentError,
  NoSuchEntityError,
  replayReadModels,
  resolveAccessKey,
} from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

describe.each([...DRIVERS])('IAM service on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  const eventCount = async (accountId: string): Promise<number> => {
    const row = await inAccountTransaction(service.wardenDb.db, accountId, (trx) =>
      trx
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow(),
    );
    return Number(row.count);
  };

  it('creates users, groups and policies, and authorizes a user with its real policies', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const alice = await iam.users.create(root, { userName: 'alice', path: '/eng/', tags: [{ key: 'team', value: 'blue' }] });
    expect(alice.arn).toBe(`arn:aws:iam::${root.accountId}:user/eng/alice`);
    expect(alice.userId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    const policy = await iam.policies.create(root, { policyName: 'ReadUsers', policyDocument: doc({ Effect: 'Allow', Action: ['iam:GetUser', 'iam:ListUsers'], Resource: '*' }) });
    await iam.groups.create(root, { groupName: 'readers' });
    await iam.groups.attachPolicy(root, 'readers', policy.arn);
    const aliceCaller = userCaller(root.accountId, alice);
    await expect(iam.users.create(aliceCaller, { userName: 'mallory' })).rejects.toThrow(AccessDeniedError);
    await expect(iam.users.get(aliceCaller, 'alice')).rejects.toThrow(
      /is not authorized to perform: iam:GetUser on resource: arn:aws:iam::\d{12}:user\/eng\/alice because no identity-based policy allows the iam:GetUser action/,
    );
    await iam.groups.addUser(root, 'readers', 'alice');
    // Read-your-writes: the membership committed above is used by the very next check.
    expect((await iam.users.get(aliceCaller, 'alice')).userName).toBe('alice');
    const answer = await iam.authorization.authorize(root, { principal: alice.arn, action: 'iam:ListUsers', resource: '*' });
    expect(answer.decision).toBe('allow');
    expect(answer.matched[0]).toMatchObject({ policyName: 'ReadUsers', policyArn: policy.arn });
    await iam.groups.removeUser(root, 'readers', 'alice');
    await expect(iam.users.get(aliceCaller, 'alice')).rejects.toThrow(AccessDeniedError);
  });

  it('refuses bad input with typed errors and writes nothing', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    await iam.users.create(root, { userName: 'bob' });
    const before = await eventCount(root.accountId);
    await expect(iam.users.create(root, { userName: 'BOB' })).rejects.toThrow(EntityAlreadyExistsError);
    await expect(iam.users.create(root, { userName: 'no spaces allowed' })).rejects.toThrow(/UserName may contain only/);
    await expect(iam.users.putInlinePolicy(root, 'bob', 'p', '{"Statement":{"Effect":"allow"}}')).rejects.toThrow(MalformedPolicyDocumentError);
    await expect(iam.users.attachPolicy(root, 'bob', `arn:aws:iam::${root.accountId}:policy/Nope`)).rejects.toThrow(NoSuchEntityError);
    await expect(iam.users.delete(root, 'nobody')).rejects.toThrow(NoSuchEntityError);
    expect(await eventCount(root.accountId)).toBe(before);
  });

  it('enforces AWS delete rules and quotas', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    await iam.users.create(root, { userName: 'carol' });
    await iam.accessKeys.create(root, 'carol');
    await iam.accessKeys.create(root, 'carol');
    await expect(iam.accessKeys.create(root, 'carol')).rejects.toThrow(LimitExceededError);
    await expect(iam.users.delete(root, 'carol')).rejects.toThrow(DeleteConflictError);
    const keys = await iam.accessKeys.list(root, 'carol');
    for (const key of keys) await iam.accessKeys.delete(root, key.accessKeyId);
    await iam.users.delete(root, 'carol');
    await expect(iam.users.get(root, 'carol')).rejects.toThrow(NoSuchEntityError);
    const policy = await iam.policies.create(root, { policyName: 'P', policyDocument: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) });
    for (let i = 2; i <= 5; i++) {
      const version = await iam.policies.createVersion(root, policy.arn, doc({ Effect: 'Allow', Action: `s3:Get${i}`, Resource: '*' }), false);
      // The version it made, as stored: numbered in turn, not the default.
      expect([version.versionId, version.isDefaultVersion, JSON.parse(version.document)]).toEqual([`v${i}`, false, JSON.parse(doc({ Effect: 'Allow', Action: `s3:Get${i}`, Resource: '*' }))]);
    }
    await expect(iam.policies.createVersion(root, policy.arn, doc({ Effect: 'Allow', Action: 's3:X', Resource: '*' }), false)).rejects.toThrow(LimitExceededError);
    await expect(iam.policies.deleteVersion(root, policy.arn, 'v1')).rejects.toThrow(DeleteConflictError);
    await iam.policies.setDefaultVersion(root, policy.arn, 'v3');
    await iam.policies.deleteVersion(root, policy.arn, 'v1');

    // GetPolicyVersion and ListPolicyVersions by ARN, each needing only its own action, asked before the policy is looked up.
    expect((await iam.policies.getVersion(root, policy.arn, 'v4')).document).toBe(doc({ Effect: 'Allow', Action: 's3:Get4', Resource: '*' }));
    expect((await iam.policies.versionsOf(root, policy.arn)).map((version) => [version.versionId, version.isDefaultVersion])).toEqual([
      ['v2', false],
      ['v3', true],
      ['v4', false],
      ['v5', false],
    ]);
    await expect(iam.policies.getVersion(root, policy.arn, 'v1')).rejects.toThrow(NoSuchEntityError);
    const reader = await iam.users.create(root, { userName: 'version-reader' });
    await iam.users.putInlinePolicy(root, 'version-reader', 'p', doc({ Effect: 'Allow', Action: ['iam:GetPolicyVersion', 'iam:ListPolicyVersions'], Resource: policy.arn }));
    const readerCaller = userCaller(root.accountId, reader);
    expect((await iam.policies.getVersion(readerCaller, policy.arn, 'v2')).versionId).toBe('v2');
    expect(await iam.policies.versionsOf(readerCaller, policy.arn)).toHaveLength(4);
    const missingArn = `arn:aws:iam::${root.accountId}:policy/missing`;
    await expect(iam.policies.getVersion(readerCaller, missingArn, 'v1')).rejects.toThrow(AccessDeniedError);
    await expect(iam.policies.versionsOf(readerCaller, missingArn)).rejects.toThrow(AccessDeniedError);
    await expect(iam.policies.versionsOf(root, missingArn)).rejects.toThrow(NoSuchEntityError);
  });

  it('stores access key secrets encrypted, and resolves them for authentication', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    await iam.users.create(root, { userName: 'dave' });
    const key = await iam.accessKeys.create(root, 'dave');
    expect(key.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(key.secretAccessKey).toHaveLength(40);
    const events = await inAccountTransaction(service.wardenDb.db, root.accountId, (trx) => trx.selectFrom('events').select(['data', 'metadata']).where('account_id', '=', root.accountId).execute());
    expect(JSON.stringify(events)).not.toContain(key.secretAccessKey);
    const resolved = await resolveAccessKey(service.wardenDb.db, iam.core.keyring, 'aws', key.accessKeyId);
    expect(resolved).toMatchObject({ secretAccessKey: key.secretAccessKey, active: true, caller: { kind: 'user', userName: 'dave', accountId: root.accountId } });
    await iam.accessKeys.update(root, key.accessKeyId, 'Inactive');
    expect((await resolveAccessKey(service.wardenDb.db, iam.core.keyring, 'aws', key.accessKeyId))?.active).toBe(false);
  });

  it('keeps tenants apart: no query or mutation of one account reaches another', async () => {
    const a = await newAccount(service);
    const b = await newAccount(service);
    const { iam } = service;
    await iam.users.create(b, { userName: 'victim' });
    const bPolicy = await iam.policies.create(b, { policyName: 'BPolicy', policyDocument: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) });
    expect((await iam.users.list(a, { first: 100 })).map((user) => user.userName)).toEqual([]);
    await expect(iam.users.get(a, 'victim')).rejects.toThrow(NoSuchEntityError);
    await expect(iam.users.delete(a, 'victim')).rejects.toThrow(NoSuchEntityError);
    await iam.users.create(a, { userName: 'attacker' });
    await expect(iam.users.attachPolicy(a, 'attacker', bPolicy.arn)).rejects.toThrow(NoSuchEntityError);
    await expect(iam.authorization.authorize(a, { principal: `arn:aws:iam::${b.accountId}:user/victim`, action: 's3:GetObject', resource: '*' })).rejects.toThrow(AccessDeniedError);
    // Row-level security: a raw query that forgets its account filter still sees only its account.
    const leaked = await inAccountTransaction(service.wardenDb.db, a.accountId, (trx) => sql<{ user_name: string }>`SELECT user_name FROM users`.execute(trx));
    expect(leaked.rows.map((row) => row.user_name)).toEqual(['attacker']);
  });

  it('lets the management account authorize principals of every account', async () => {
    const tenant = await newAccount(service);
    const { iam } = service;
    const user = await iam.users.create(tenant, { userName: 'erin' });
    await iam.users.attachPolicy(tenant, 'erin', 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    const answers = await iam.authorization.authorizeMany(service.managementRoot, [
      { principal: user.arn, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' },
      { principal: user.arn, action: 's3:PutObject', resource: 'arn:aws:s3:::b/k' },
    ]);
    expect(answers.map((answer) => answer.decision)).toEqual(['allow', 'implicit_deny']);
  });

  it('50 concurrent attachUserPolicy / addUserToGroup on one user: each lands or gets a typed conflict, and replay equals the live state', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    await iam.users.create(root, { userName: 'busy' });
    const policies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => iam.policies.create(root, { policyName: `P${i}`, policyDocument: doc({ Effect: 'Allow', Action: `s3:Get${i}`, Resource: '*' }) })),
    );
    for (let i = 0; i < 10; i++) await iam.groups.create(root, { groupName: `g${i}` });
    const operations = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? iam.users.attachPolicy(root, 'busy', policies[i % 10]!.arn) : iam.groups.addUser(root, `g${i % 10}`, 'busy')));
    const outcomes = await Promise.allSettled(operations);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ConcurrentModificationError);
    }
    // Writers of one stream queue on its lock, so here every one lands.
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(50);
    const attached = await inAccountTransaction(service.wardenDb.db, root.accountId, (trx) =>
      trx.selectFrom('policy_attachments').select('policy_arn').where('account_id', '=', root.accountId).where('principal_type', '=', 'user').execute(),
    );
    expect(attached.map((row) => row.policy_arn).sort()).toEqual([0, 2, 4, 6, 8].map((i) => policies[i]!.arn).sort());
    const memberships = await inAccountTransaction(service.wardenDb.db, root.accountId, (trx) =>
      trx.selectFrom('group_memberships').select('group_id').where('account_id', '=', root.accountId).execute(),
    );
    expect(memberships).toHaveLength(5);
    const report = await replayReadModels(service.wardenDb.db, { accountId: root.accountId });
    expect(report.tables.filter((table) => !table.equal)).toEqual([]);
    expect(report.equal).toBe(true);
  });
});

describe.each([...DRIVERS])('authorization details on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it('lists the entities a policy is attached to, and the whole account with attachments and inline policies', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    await iam.users.create(root, { userName: 'uma' });
    await iam.groups.create(root, { groupName: 'admins' });
    await iam.groups.addUser(root, 'admins', 'uma');
    const policy = await iam.policies.create(root, { policyName: 'Shared', policyDocument: doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }) });
    await iam.users.attachPolicy(root, 'uma', policy.arn);
    await iam.groups.attachPolicy(root, 'admins', policy.arn);
    await iam.groups.putInlinePolicy(root, 'admins', 'extra', doc({ Effect: 'Allow', Action: 'sns:*', Resource: '*' }));
    const entities = await iam.details.entitiesForPolicy(root, policy.arn);
    expect(entities.users.map((user) => user.userName)).toEqual(['uma']);
    expect(entities.groups.map((group) => group.groupName)).toEqual(['admins']);
    expect(entities.roles).toEqual([]);
    const details = await iam.details.accountAuthorizationDetails(root);
    expect(details.users[0]).toMatchObject({ groupNames: ['admins'], attachedPolicyArns: [policy.arn] });
    expect(details.groups[0]!.inlinePolicies.map((inline) => inline.policyName)).toEqual(['extra']);
    expect(details.policies[0]).toMatchObject({ attachmentCount: 2 });
  });

  it('records when an access key was last used and for what', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const user = await iam.users.create(root, { userName: 'kim' });
    await iam.users.attachPolicy(root, 'kim', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess');
    const key = await iam.accessKeys.create(root, 'kim');
    await iam.users.get({ ...userCaller(root.accountId, user), accessKeyId: key.accessKeyId }, 'kim');
    await expect.poll(async () => (await iam.accessKeys.list(root, 'kim'))[0]?.lastUsedAction).toBe('iam:GetUser');
  });
});

describe.each([...DRIVERS])('guards found by review on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it('IAM condition keys reach the evaluator: a Deny on iam:PolicyARN and on aws:TagKeys holds', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const user = await iam.users.create(root, { userName: 'guarded' });
    await iam.users.putInlinePolicy(
      root,
      'guarded',
      'p',
      doc(
        { Effect: 'Allow', Action: ['iam:AttachUserPolicy', 'iam:TagUser'], Resource: '*' },
        { Effect: 'Deny', Action: 'iam:AttachUserPolicy', Resource: '*', Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' } } },
        { Effect: 'Deny', Action: 'iam:TagUser', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['role'] } } },
      ),
    );
    const caller = userCaller(root.accountId, user);
    await expect(iam.users.attachPolicy(caller, 'guarded', 'arn:aws:iam::aws:policy/AdministratorAccess')).rejects.toThrow(AccessDeniedError);
    await iam.users.attachPolicy(caller, 'guarded', 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    await expect(iam.users.tag(caller, 'guarded', [{ key: 'role', value: 'admin' }])).rejects.toThrow(AccessDeniedError);
    await iam.users.tag(caller, 'guarded', [{ key: 'team', value: 'blue' }]);
  });

  it('only the root user manages root access keys', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const rootKey = await iam.accessKeys.create(root);
    const admin = await iam.users.create(root, { userName: 'admin' });
    await iam.users.attachPolicy(root, 'admin', 'arn:aws:iam::aws:policy/IAMFullAccess');
    const caller = userCaller(root.accountId, admin);
    await expect(iam.accessKeys.update(caller, rootKey.accessKeyId, 'Inactive')).rejects.toThrow(AccessDeniedError);
    await expect(iam.accessKeys.delete(caller, rootKey.accessKeyId)).rejects.toThrow(AccessDeniedError);
  });

  it('a caller without the permission learns nothing about what a request names', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const nobody = await iam.users.create(root, { userName: 'nobody' });
    const caller = userCaller(root.accountId, nobody);
    await expect(iam.users.attachPolicy(caller, 'nobody', `arn:aws:iam::${root.accountId}:policy/DoesNotExist`)).rejects.toThrow(AccessDeniedError);
    await expect(iam.groups.addUser(caller, 'no-such-group', 'nobody')).rejects.toThrow(AccessDeniedError);
    // RemoveUserFromGroup is authorized on the group before either name is looked up: a missing group
    // or user is told only to a caller allowed on the group.
    await iam.groups.create(root, { groupName: 'existing' });
    await expect(iam.groups.removeUser(caller, 'no-such-group', 'nobody')).rejects.toThrow(AccessDeniedError);
    await expect(iam.groups.removeUser(caller, 'existing', 'no-such-user')).rejects.toThrow(AccessDeniedError);
    await iam.users.putInlinePolicy(root, 'nobody', 'members', doc({ Effect: 'Allow', Action: 'iam:RemoveUserFromGroup', Resource: `arn:aws:iam::${root.accountId}:group/*` }));
    await expect(iam.groups.removeUser(caller, 'no-such-group', 'nobody')).rejects.toThrow(new NoSuchEntityError('The group with name no-such-group cannot be found.'));
    await expect(iam.groups.removeUser(caller, 'existing', 'no-such-user')).rejects.toThrow(NoSuchEntityError);
    await expect(iam.groups.removeUser(caller, 'existing', 'nobody')).rejects.toThrow(new NoSuchEntityError('The user nobody is not in group existing.'));
  });

  it('bounds simulations, guards nested fields, and redacts secrets from the audit log', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const many = Array.from({ length: 40 }, (_, i) => `s3:Get${i}`);
    await expect(
      iam.authorization.simulateCustomPolicy(root, {
        policyInputList: [doc({ Effect: 'Allow', Action: '*', Resource: '*' })],
        actionNames: many,
        resourceArns: many.map((_, i) => `arn:aws:s3:::b/${i}`),
      }),
    ).rejects.toThrow(/at most 1000/);
    const lister = await iam.users.create(root, { userName: 'lister' });
    await iam.users.putInlinePolicy(root, 'lister', 'p', doc({ Effect: 'Allow', Action: 'iam:ListPolicies', Resource: '*' }));
    const policy = await iam.policies.create(root, { policyName: 'Secretive', policyDocument: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) });
    await expect(iam.policies.versions(userCaller(root.accountId, lister), policy)).rejects.toThrow(AccessDeniedError);
    const key = await iam.accessKeys.create(root, 'lister');
    const events = await iam.audit.events(root, { eventTypes: ['AccessKeyCreated'] }, { first: 5 });
    expect(JSON.stringify(events)).not.toMatch(/ciphertext/);
    expect(JSON.stringify(events)).not.toContain(key.secretAccessKey);
  });

  it('a transaction bound to one account cannot append to another', async () => {
    const a = await newAccount(service);
    const b = await newAccount(service);
    await expect(
      inAccountTransaction(service.wardenDb.db, a.accountId, (trx) =>
        appendToStream(trx, { accountId: b.accountId, streamId: 'user/INTRUDER', expectedVersion: -1, events: [{ type: 'UserCreated', data: {} }], metadata: {}, occurredAt: new Date() }),
      ),
    ).rejects.toThrow(/cannot append to account/);
  });
});
