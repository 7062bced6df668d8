import { type ApiCallRow, inAccountTransaction } from '@warden/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, type Caller, CallRecorder, IamService, insertApiCalls, NO_IAM_OBSERVER, NoSuchEntityError, PasswordPolicyViolationError } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, signedUser, frozenFolds } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

/**
 * The call records, as CloudTrail records management events: a denied or failed call always, a
 * successful read when the account opted in, a successful change never (its events are its
 * record). Read with SQL in the account's own transaction, as the audit query will.
 */
describe.each([...DRIVERS])('call records on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  let recorder: CallRecorder;
  let iam: IamService;

  /** A service that records its calls, as a server does; flushed by each test when it reads. */
  function recordingService(): { iam: IamService; recorder: CallRecorder } {
    const own = new CallRecorder({ write: insertApiCalls(service.wardenDb.db), observer: NO_IAM_OBSERVER, flushIntervalMs: 60_000 });
    return { iam: new IamService({ streamFolds: frozenFolds(), db: service.wardenDb.db, keyring: service.iam.core.keyring, callSink: own }), recorder: own };
  }

  beforeAll(async () => {
    service = await openService(driver);
    ({ iam, recorder } = recordingService());
  });
  afterAll(async () => {
    await recorder.close();
    await service.wardenDb.close();
  });

  async function recordsOf(accountId: string, of: CallRecorder = recorder): Promise<ApiCallRow[]> {
    await of.drain();
    return inAccountTransaction(service.wardenDb.db, accountId, (trx) => trx.selectFrom('api_calls').selectAll().orderBy('record_id').execute());
  }

  const user = (root: Caller, userName: string, policy?: string): Promise<Caller> => signedUser(service, root, userName, policy);

  it('records a call denied by an explicit Deny with every field, and the deciding statement by policy and Sid', async () => {
    const root = await newAccount(service);
    const alice = await user(root, 'alice', doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Sid: 'NoReadingBob', Effect: 'Deny', Action: 'iam:GetUser', Resource: '*' }));
    await service.iam.users.create(root, { userName: 'bob' });
    const bobArn = `arn:aws:iam::${root.accountId}:user/bob`;
    const denied = await iam.users.get(alice, 'bob').catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(AccessDeniedError);
    const records = await recordsOf(root.accountId);
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(record).toMatchObject({
      account_id: root.accountId,
      request_id: 'req-alice',
      operation: 'iam:GetUser',
      read_only: true,
      outcome: 'denied',
      error_code: 'AccessDenied',
      error_message: (denied as AccessDeniedError).message,
      caller_arn: alice.arn,
      principal_arn: alice.arn,
      access_key_id: alice.accessKeyId,
      session_id: null,
      source_identity: null,
      source_ip: '198.51.100.7',
      user_agent: 'aws-sdk-js/3 test',
      resource_arns: [bobArn],
    });
    expect(record.decision).toEqual({
      action: 'iam:GetUser',
      resource: bobArn,
      kind: 'explicit_deny',
      policyType: 'identity',
      statements: [{ source: 'identity', policyName: 'rules', statementIndex: 1, sid: 'NoReadingBob' }],
    });
    // Never the policy's text.
    expect(JSON.stringify(record)).not.toContain('"Effect"');
  });

  it('records an implicit denial as the kind of policy that did not allow it, and a denied write as not read-only', async () => {
    const root = await newAccount(service);
    const carol = await user(root, 'carol');
    await expect(iam.users.create(carol, { userName: 'dave' })).rejects.toThrow(AccessDeniedError);
    const [record, ...others] = await recordsOf(root.accountId);
    expect(others).toEqual([]);
    expect(record).toMatchObject({ operation: 'iam:CreateUser', read_only: false, outcome: 'denied', resource_arns: [`arn:aws:iam::${root.accountId}:user/dave`] });
    expect(record!.decision).toEqual({ action: 'iam:CreateUser', resource: `arn:aws:iam::${root.accountId}:user/dave`, kind: 'implicit_deny', policyType: 'identity', statements: [] });
  });

  it('records a failed call with its typed error, and no successful change', async () => {
    const root = await newAccount(service);
    await iam.users.create(root, { userName: 'erin' });
    await iam.users.delete(root, 'erin');
    await expect(iam.users.get(root, 'ghost')).rejects.toThrow(NoSuchEntityError);
    const records = await recordsOf(root.accountId);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      operation: 'iam:GetUser',
      read_only: true,
      outcome: 'failed',
      error_code: 'NoSuchEntity',
      error_message: 'The user with name ghost cannot be found.',
      decision: null,
      caller_arn: root.arn,
      principal_arn: root.arn,
      resource_arns: [`arn:aws:iam::${root.accountId}:user/ghost`],
    });
  });

  it("names a role's session's principal as the role, path included, when the call failed before the session's policies were read", async () => {
    const root = await newAccount(service);
    const alice = await user(root, 'alice', doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }));
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${root.accountId}:root` }, Action: 'sts:AssumeRole' });
    const deploy = await service.iam.roles.create(root, { roleName: 'deploy', path: '/ci/', assumeRolePolicyDocument: trust });
    const assumed = await service.iam.sts.assumeRole(alice, { roleArn: deploy.arn, roleSessionName: 'release' });
    const resolved = await service.iam.credentials.resolve(assumed.credentials.accessKeyId);
    const inside: Caller = { ...resolved!.caller, requestContext: {} };
    // GetUser with no name from a role's session: refused for its input, before any permission is asked.
    await expect(iam.users.get(inside, undefined)).rejects.toThrow(/userName is required/);
    const [record, ...others] = await recordsOf(root.accountId);
    expect(others).toEqual([]);
    expect(record).toMatchObject({
      outcome: 'failed',
      error_code: 'InvalidInput',
      caller_arn: assumed.assumedRoleUser.arn,
      principal_arn: `arn:aws:iam::${root.accountId}:role/ci/deploy`,
    });
  });

  it('records successful reads only once the account opts in, and its opt-out holds from the next call', async () => {
    const root = await newAccount(service);
    const epoch = async () => ({ ...root, accountEpoch: (await iam.core.epochs.current(root.accountId))! });
    await iam.users.list(await epoch(), { first: 10 });
    expect(await iam.accounts.auditSettings(await epoch())).toEqual({ recordReadCalls: false });
    expect(await recordsOf(root.accountId)).toEqual([]);

    expect(await iam.accounts.updateAuditSettings(await epoch(), { recordReadCalls: true })).toEqual({ recordReadCalls: true });
    await iam.users.list(await epoch(), { first: 10 });
    const reads = await recordsOf(root.accountId);
    expect(reads.map((row) => [row.operation, row.outcome, row.read_only, row.error_code])).toEqual([['iam:ListUsers', 'success', true, null]]);

    await iam.accounts.updateAuditSettings(await epoch(), { recordReadCalls: false });
    await iam.users.list(await epoch(), { first: 10 });
    expect(await recordsOf(root.accountId)).toHaveLength(1);
  });

  it("sees another replica's change of the setting on the next call, though it had the old one cached", async () => {
    const root = await newAccount(service);
    const replica = recordingService();
    const at = async (on: IamService) => ({ ...root, accountEpoch: (await on.core.epochs.current(root.accountId))! });
    // The replica reads the setting (off) and keeps it.
    await replica.iam.users.list(await at(replica.iam), { first: 1 });
    await iam.accounts.updateAuditSettings(await at(iam), { recordReadCalls: true });
    await replica.iam.users.list(await at(replica.iam), { first: 1 });
    expect((await recordsOf(root.accountId, replica.recorder)).map((row) => row.operation)).toEqual(['iam:ListUsers']);
    await replica.recorder.close();
  });

  it('records the denial of authorize but never its answers, even with reads on', async () => {
    const root = await newAccount(service);
    const frank = await user(root, 'frank');
    const at = async () => ({ ...root, accountEpoch: (await iam.core.epochs.current(root.accountId))! });
    await iam.accounts.updateAuditSettings(await at(), { recordReadCalls: true });
    const question = { principal: frank.arn, action: 's3:GetObject', resource: '*' };
    await iam.authorization.authorize(await at(), question);
    await iam.authorization.authorizeMany(await at(), [question, question]);
    // Asked without a cached epoch, so through the transaction's permission check as well.
    await iam.authorization.authorize(root, question);
    await iam.authorization.simulatePrincipalPolicy(root, { policySourceArn: frank.arn, actionNames: ['s3:GetObject'] });
    await iam.pointInTime.authorizeAt(root, [{ ...question, at: new Date() }]);
    await expect(iam.authorization.authorize({ ...frank, accountEpoch: (await iam.core.epochs.current(root.accountId))! }, question)).rejects.toThrow(AccessDeniedError);
    const records = await recordsOf(root.accountId);
    expect(records.map((row) => [row.operation, row.outcome, row.principal_arn, row.resource_arns])).toEqual([['iam:SimulatePrincipalPolicy', 'denied', frank.arn, [frank.arn]]]);
  });

  it("does not record a session's issue as a read (its event is the record), and names a refused GetSessionToken", async () => {
    const root = await newAccount(service);
    const hana = await user(root, 'hana');
    await iam.accounts.updateAuditSettings(root, { recordReadCalls: true });
    const issued = await iam.sts.getSessionToken(hana, {});
    await expect(iam.sts.getSessionToken(hana, { serialNumber: `arn:aws:iam::${root.accountId}:mfa/none`, tokenCode: '123456' })).rejects.toThrow(AccessDeniedError);
    const records = await recordsOf(root.accountId);
    expect(records.map((row) => [row.operation, row.outcome, row.error_code])).toEqual([['sts:GetSessionToken', 'denied', 'AccessDenied']]);
    expect(JSON.stringify(records)).not.toContain(issued.secretAccessKey);
    expect(JSON.stringify(records)).not.toContain(issued.sessionToken);
  });

  it('keeps secrets out of the records: a refused password is not in its record', async () => {
    const root = await newAccount(service);
    await service.iam.users.create(root, { userName: 'gina' });
    await service.iam.passwords.updateAccountPasswordPolicy(root, { minimumPasswordLength: 40 });
    const password = 'Very-Secret-Passw0rd';
    await expect(iam.passwords.createLoginProfile(root, { userName: 'gina', password })).rejects.toThrow(PasswordPolicyViolationError);
    const records = await recordsOf(root.accountId);
    expect(records.map((row) => [row.operation, row.error_code])).toEqual([['iam:CreateLoginProfile', 'PasswordPolicyViolation']]);
    expect(JSON.stringify(records)).not.toContain(password);
  });

  it("keeps an account's records from every other account's transaction", async () => {
    const one = await newAccount(service);
    const two = await newAccount(service);
    await expect(iam.users.get(one, 'nobody')).rejects.toThrow(NoSuchEntityError);
    await expect(iam.users.get(two, 'nobody')).rejects.toThrow(NoSuchEntityError);
    await recorder.drain();
    const seenByTwo = await inAccountTransaction(service.wardenDb.db, two.accountId, (trx) => trx.selectFrom('api_calls').select('account_id').execute());
    expect(seenByTwo.map((row) => row.account_id)).toEqual([two.accountId]);
    const askedForOne = await inAccountTransaction(service.wardenDb.db, two.accountId, (trx) => trx.selectFrom('api_calls').select('account_id').where('account_id', '=', one.accountId).execute());
    expect(askedForOne).toEqual([]);
  });

  it('drops the daily partitions past the retention and keeps the recent ones', async () => {
    const root = await newAccount(service);
    const db = service.wardenDb.db;
    await sql`SELECT warden_prepare_api_call_partitions('2001-01-01'::date, 1)`.execute(db);
    const old = new Date('2001-01-01T12:00:00Z');
    await insertApiCalls(db)([
      {
        accountId: root.accountId,
        occurredAt: old,
        requestId: 'old',
        operation: 'iam:GetUser',
        readOnly: true,
        outcome: 'failed',
        errorCode: 'NoSuchEntity',
        errorMessage: 'gone',
        decision: null,
        callerArn: root.arn,
        principalArn: root.arn,
        accessKeyId: null,
        sessionId: null,
        sourceIdentity: null,
        sourceIp: null,
        userAgent: null,
        resourceArns: [],
      },
    ]);
    await expect(iam.users.get(root, 'recent')).rejects.toThrow(NoSuchEntityError);
    expect((await recordsOf(root.accountId)).map((row) => row.request_id)).toEqual(['old', null]);
    const upkeep = await iam.maintenance.upkeepApiCallPartitions(90);
    expect(upkeep.dropped).toBeGreaterThanOrEqual(1);
    expect((await sql<{ exists: string | null }>`SELECT to_regclass('api_calls_20010101')::text AS exists`.execute(db)).rows[0]!.exists).toBeNull();
    expect((await recordsOf(root.accountId)).map((row) => row.request_id)).toEqual([null]);
    // Today's partition and the week's ahead exist.
    const ahead = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    expect((await sql<{ exists: string | null }>`SELECT to_regclass(${`api_calls_${ahead}`})::text AS exists`.execute(db)).rows[0]!.exists).toBe(`api_calls_${ahead}`);
  });
});
