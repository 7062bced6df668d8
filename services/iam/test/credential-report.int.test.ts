import { inAccountTransaction } from '@warden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, type Caller, codeAtStep, CredentialReportExpiredError, CredentialReportInProgressError, CredentialReportNotPresentError, IamService, stepAt } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller, frozenFolds } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const code = (seed: string, offsetSteps = 0) => codeAtStep(seed, stepAt(new Date()) + offsetSteps);
/** The form AWS's report gives its times in. */
const iso = (time: Date) => `${time.toISOString().slice(0, 19)}+00:00`;

/** The report's rows by their `user` column (these tests' names hold no comma). */
function parse(csv: string): Map<string, Record<string, string>> {
  const [header, ...lines] = csv.split('\n');
  const names = header!.split(',');
  return new Map(
    lines.map((line) => {
      const values = Object.fromEntries(line.split(',').map((value, index) => [names[index]!, value]));
      return [values['user']!, values];
    }),
  );
}

/**
 * The credential report (IAM User Guide, "Getting credential reports for your AWS account"; API
 * reference, GenerateCredentialReport and GetCredentialReport), read from the real read models.
 */
describe.each([...DRIVERS])('the credential report on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  async function report(iam: IamService, caller: Caller): Promise<string> {
    const generated = await iam.credentialReports.generate(caller);
    expect(['STARTED', 'COMPLETE']).toContain(generated.state);
    await iam.credentialReports.settled();
    return (await iam.credentialReports.get(caller)).content;
  }

  it("reports each user's password, MFA and keys by AWS's rules, and the root user as <root_account>", async () => {
    const { iam, wardenDb } = service;
    const root = await newAccount(service);
    await iam.passwords.updateAccountPasswordPolicy(root, { maxPasswordAge: 30 });
    // alice: a password, MFA, two keys (the older active and used, the newer inactive and never used).
    const alice = await iam.users.create(root, { userName: 'alice' });
    await iam.passwords.createLoginProfile(root, { userName: 'alice', password: 'Correct-Horse-1' });
    const device = await iam.mfa.createVirtualMFADevice(root, { virtualMFADeviceName: 'alice-phone' });
    await iam.mfa.enableMFADevice(root, {
      userName: 'alice',
      serialNumber: device.serialNumber,
      authenticationCode1: code(device.base32StringSeed, -1),
      authenticationCode2: code(device.base32StringSeed),
    });
    const used = await iam.accessKeys.create(root, 'alice');
    const unused = await iam.accessKeys.create(root, 'alice');
    await iam.accessKeys.update(root, unused.accessKeyId, 'Inactive');
    const usedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    // A key's use is telemetry written beside the request (IamCore.recordKeyUse): written here as it writes it.
    await inAccountTransaction(wardenDb.db, root.accountId, (trx) =>
      trx.insertInto('access_key_usage').values({ account_id: root.accountId, access_key_id: used.accessKeyId, last_used_at: usedAt, last_used_action: 'iam:GetUser' }).execute(),
    );
    // bob: a password used to sign in, one active key never used.
    await iam.users.create(root, { userName: 'bob' });
    await iam.passwords.createLoginProfile(root, { userName: 'bob', password: 'Correct-Horse-2' });
    expect((await iam.signIn.signIn({ account: root.accountId, userName: 'bob', password: 'Correct-Horse-2' }, { sourceIp: '198.51.100.1' })).kind).toBe('signed-in');
    const bobKey = await iam.accessKeys.create(root, 'bob');
    // carol: nothing but herself.
    const carol = await iam.users.create(root, { userName: 'carol', path: '/team/' });
    // The account's second root key (its first came with the account).
    const rootKey = await iam.accessKeys.create(root);

    const rows = parse(await report(iam, root));
    expect([...rows.keys()]).toEqual(['<root_account>', 'alice', 'bob', 'carol']);
    const account = await iam.accounts.get(root);
    expect(rows.get('<root_account>')).toMatchObject({
      arn: `arn:aws:iam::${root.accountId}:root`,
      user_creation_time: iso(account.createdAt),
      password_enabled: 'not_supported',
      password_last_changed: 'not_supported',
      password_next_rotation: 'not_supported',
      mfa_active: 'false',
      // The key the account was created with, then the one made above.
      access_key_1_active: 'true',
      access_key_2_active: 'true',
      access_key_2_last_rotated: iso(rootKey.createDate),
    });
    const aliceRow = rows.get('alice')!;
    const profile = await iam.passwords.loginProfile(root, 'alice');
    expect(aliceRow).toMatchObject({
      arn: alice.arn,
      user_creation_time: iso(alice.createdAt),
      password_enabled: 'true',
      password_last_used: 'no_information',
      password_last_changed: iso(profile.createdAt),
      password_next_rotation: iso(new Date(profile.createdAt.getTime() + 30 * 86_400_000)),
      mfa_active: 'true',
      access_key_1_active: 'true',
      access_key_1_last_rotated: iso(used.createDate),
      access_key_1_last_used_date: iso(usedAt),
      access_key_1_last_used_region: 'N/A',
      access_key_1_last_used_service: 'iam',
      access_key_2_active: 'false',
      access_key_2_last_rotated: 'N/A',
      access_key_2_last_used_date: 'N/A',
      access_key_2_last_used_service: 'N/A',
      cert_1_active: 'false',
      cert_2_last_rotated: 'N/A',
    });
    const [signIn] = await iam.audit.events(root, { eventTypes: ['SessionIssued'], actor: `arn:aws:iam::${root.accountId}:user/bob` }, { first: 1 });
    expect(rows.get('bob')).toMatchObject({
      password_enabled: 'true',
      password_last_used: iso(signIn!.occurredAt),
      mfa_active: 'false',
      access_key_1_active: 'true',
      access_key_1_last_rotated: iso(bobKey.createDate),
      access_key_1_last_used_date: 'N/A',
      access_key_2_active: 'false',
      access_key_2_last_rotated: 'N/A',
    });
    expect(rows.get('carol')).toMatchObject({
      arn: carol.arn,
      password_enabled: 'false',
      password_last_used: 'N/A',
      password_last_changed: 'N/A',
      password_next_rotation: 'N/A',
      mfa_active: 'false',
      access_key_1_active: 'false',
      access_key_1_last_rotated: 'N/A',
      access_key_1_last_used_date: 'N/A',
      access_key_2_active: 'false',
    });
    // Another account's users are never in it.
    const other = await newAccount(service);
    await iam.users.create(other, { userName: 'zed' });
    expect([...parse(await report(iam, other)).keys()]).toEqual(['<root_account>', 'zed']);
  });

  it('reuses a report for four hours, then GetCredentialReport answers ReportExpired until a new one is generated (a clock the test moves)', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const iam = new IamService({ streamFolds: frozenFolds(), db: service.wardenDb.db, keyring: service.iam.core.keyring, clock: { now: () => now } });
    const root = await newAccount(service);
    await expect(iam.credentialReports.get(root)).rejects.toThrow(CredentialReportNotPresentError);
    expect((await iam.credentialReports.generate(root)).state).toBe('STARTED');
    await iam.credentialReports.settled();
    const first = await iam.credentialReports.get(root);
    expect(first).toMatchObject({ reportFormat: 'text/csv', generatedTime: now });
    expect([...parse(first.content).keys()]).toEqual(['<root_account>']);

    await service.iam.users.create(root, { userName: 'later' });
    now = new Date('2030-01-01T03:59:59Z');
    // Within four hours: the same report, without the user created since.
    expect((await iam.credentialReports.generate(root)).state).toBe('COMPLETE');
    expect(await iam.credentialReports.get(root)).toEqual(first);
    now = new Date('2030-01-01T04:00:00Z');
    await expect(iam.credentialReports.get(root)).rejects.toThrow(CredentialReportExpiredError);
    expect((await iam.credentialReports.generate(root)).state).toBe('STARTED');
    await iam.credentialReports.settled();
    const second = await iam.credentialReports.get(root);
    expect(second.generatedTime).toEqual(now);
    expect([...parse(second.content).keys()]).toEqual(['<root_account>', 'later']);
  });

  it('answers INPROGRESS and ReportInProgress while a generation runs, and starts over a generation abandoned for ten minutes', async () => {
    let now = new Date('2030-02-01T00:00:00Z');
    const iam = new IamService({ streamFolds: frozenFolds(), db: service.wardenDb.db, keyring: service.iam.core.keyring, clock: { now: () => now } });
    const root = await newAccount(service);
    // What a generation leaves while it runs (or when its process ended before it finished).
    await inAccountTransaction(service.wardenDb.db, root.accountId, (trx) =>
      trx.insertInto('credential_reports').values({ account_id: root.accountId, state: 'in-progress', started_at: now, generated_at: null, content: null }).execute(),
    );
    await expect(iam.credentialReports.get(root)).rejects.toThrow(CredentialReportInProgressError);
    expect((await iam.credentialReports.generate(root)).state).toBe('INPROGRESS');
    now = new Date('2030-02-01T00:10:00Z');
    expect((await iam.credentialReports.generate(root)).state).toBe('STARTED');
    await iam.credentialReports.settled();
    expect((await iam.credentialReports.get(root)).generatedTime).toEqual(now);
  });

  it('is authorized as iam:GenerateCredentialReport and iam:GetCredentialReport', async () => {
    const { iam } = service;
    const root = await newAccount(service);
    const generator = userCaller(root.accountId, await iam.users.create(root, { userName: 'generator' }));
    await iam.users.putInlinePolicy(root, 'generator', 'p', doc({ Effect: 'Allow', Action: 'iam:GenerateCredentialReport', Resource: '*' }));
    const reader = userCaller(root.accountId, await iam.users.create(root, { userName: 'reader' }));
    await iam.users.putInlinePolicy(root, 'reader', 'p', doc({ Effect: 'Allow', Action: 'iam:GetCredentialReport', Resource: '*' }));
    await expect(iam.credentialReports.generate(reader)).rejects.toThrow(/is not authorized to perform: iam:GenerateCredentialReport/);
    expect((await iam.credentialReports.generate(generator)).state).toBe('STARTED');
    await iam.credentialReports.settled();
    await expect(iam.credentialReports.get(generator)).rejects.toThrow(AccessDeniedError);
    expect(parse((await iam.credentialReports.get(reader)).content).has('reader')).toBe(true);
  });
});
