import { createHash } from 'node:crypto';
import { inAccountTransaction } from '@warden/db';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  type Caller,
  codeAtStep,
  DeleteConflictError,
  EntityAlreadyExistsError,
  IamService,
  InvalidAuthenticationCodeError,
  InvalidInputError,
  replayReadModels,
  SignInFailedError,
  SignInThrottledError,
  stepAt,
} from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller, frozenFolds } from './test-service.js';

/**
 * Console sign-in and virtual MFA devices, against AWS IAM's documented behaviour: MFA devices are
 * enabled with two consecutive codes (EnableMFADevice), a user with an MFA device cannot be deleted
 * (DeleteUser: DeleteConflict), a device must be deactivated before it is deleted, GetSessionToken
 * with SerialNumber/TokenCode gives MFA-authenticated credentials; and Warden's own rules: one
 * failure message, one argon2id verification per attempt whatever the cause, throttling and lockout
 * by the account's thresholds, a TOTP code accepted once only.
 */
describe.each([...DRIVERS])('sign-in and MFA on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  let iam: IamService;
  let verifications = 0;
  let now = new Date('2026-11-28T12:00:00Z');
  const clock = { now: () => now };
  const advance = (seconds: number) => {
    now = new Date(now.getTime() + seconds * 1000);
  };

  beforeAll(async () => {
    service = await openService(driver);
    iam = new IamService({
      streamFolds: frozenFolds(),
      db: service.wardenDb.db,
      keyring: service.iam.core.keyring,
      clock,
      verifyPassword: async (hash, password) => {
        verifications++;
        const { verify } = await import('@node-rs/argon2');
        return verify(hash, password);
      },
    });
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  const eventsOf = (accountId: string) =>
    inAccountTransaction(service.wardenDb.db, accountId, (trx) =>
      trx.selectFrom('events').select(['type', 'data', 'metadata']).where('account_id', '=', accountId).orderBy('global_position').execute(),
    );
  const code = (seed: string, offsetSteps = 0) => codeAtStep(seed, stepAt(now) + offsetSteps);

  async function userWithPassword(root: Caller, userName: string, password: string, passwordResetRequired = false) {
    await iam.users.create(root, { userName });
    await iam.passwords.createLoginProfile(root, { userName, password, passwordResetRequired });
    return iam.users.get(root, userName);
  }

  async function enabledDevice(root: Caller, userName: string | null, deviceName: string) {
    const created = await iam.mfa.createVirtualMFADevice(root, { virtualMFADeviceName: deviceName });
    await iam.mfa.enableMFADevice(root, { userName, serialNumber: created.serialNumber, authenticationCode1: code(created.base32StringSeed, -1), authenticationCode2: code(created.base32StringSeed) });
    advance(30);
    return created;
  }

  it('creates, enables, resynchronizes, deactivates and deletes a virtual MFA device by AWS rules', async () => {
    const root = await newAccount(service);
    const user = await userWithPassword(root, 'mia', 'Correct-Horse-1');
    const created = await iam.mfa.createVirtualMFADevice(root, { virtualMFADeviceName: 'mia-phone' });
    expect(created.serialNumber).toBe(`arn:aws:iam::${root.accountId}:mfa/mia-phone`);
    expect(created.base32StringSeed).toMatch(/^[A-Z2-7]{32}$/);
    expect(new URL(created.otpauthUri).searchParams.get('secret')).toBe(created.base32StringSeed);
    await expect(iam.mfa.createVirtualMFADevice(root, { virtualMFADeviceName: 'mia-phone' })).rejects.toThrow(EntityAlreadyExistsError);
    await expect(iam.mfa.createVirtualMFADevice(root, { virtualMFADeviceName: 'bad name!' })).rejects.toThrow(InvalidInputError);

    const seed = created.base32StringSeed;
    const before = (await eventsOf(root.accountId)).length;
    // Not consecutive, reversed, or not codes at all: refused, nothing written.
    await expect(iam.mfa.enableMFADevice(root, { userName: 'mia', serialNumber: created.serialNumber, authenticationCode1: code(seed), authenticationCode2: code(seed, -1) })).rejects.toThrow(
      InvalidAuthenticationCodeError,
    );
    await expect(iam.mfa.enableMFADevice(root, { userName: 'mia', serialNumber: created.serialNumber, authenticationCode1: '000000', authenticationCode2: 'abcdef' })).rejects.toThrow(
      InvalidAuthenticationCodeError,
    );
    expect((await eventsOf(root.accountId)).length).toBe(before);
    await iam.mfa.enableMFADevice(root, { userName: 'mia', serialNumber: created.serialNumber, authenticationCode1: code(seed, -1), authenticationCode2: code(seed) });
    await expect(iam.mfa.enableMFADevice(root, { userName: 'mia', serialNumber: created.serialNumber, authenticationCode1: code(seed), authenticationCode2: code(seed, 1) })).rejects.toThrow(
      EntityAlreadyExistsError,
    );

    expect((await iam.mfa.list(root, { userName: 'mia' })).map((device) => [device.serialNumber, device.userName])).toEqual([[created.serialNumber, 'mia']]);
    expect(await iam.mfa.list(root, { assignmentStatus: 'Unassigned' })).toEqual([]);
    // AWS DeleteUser: a user with an MFA device cannot be deleted; nor can an enabled device.
    await iam.passwords.deleteLoginProfile(root, 'mia');
    await expect(iam.users.delete(root, 'mia')).rejects.toThrow(/MFA devices/);
    await expect(iam.mfa.deleteVirtualMFADevice(root, created.serialNumber)).rejects.toThrow(DeleteConflictError);

    // Resync: the device's clock runs 10 minutes fast; two consecutive codes from it teach the drift.
    advance(60);
    await iam.mfa.resyncMFADevice(root, { userName: 'mia', serialNumber: created.serialNumber, authenticationCode1: code(seed, 20), authenticationCode2: code(seed, 21) });
    // The drift is the write side's, never shown by the API: read from the read model.
    const resynced = await inAccountTransaction(service.wardenDb.db, root.accountId, (trx) =>
      trx.selectFrom('mfa_devices').select('drift_steps').where('account_id', '=', root.accountId).where('serial_number', '=', created.serialNumber).executeTakeFirstOrThrow(),
    );
    expect(resynced.drift_steps).toBe(21);

    await iam.mfa.deactivateMFADevice(root, { userName: 'mia', serialNumber: created.serialNumber });
    expect((await iam.mfa.list(root, { assignmentStatus: 'Unassigned' })).map((device) => device.serialNumber)).toEqual([created.serialNumber]);
    await iam.mfa.deleteVirtualMFADevice(root, created.serialNumber);
    await iam.users.delete(root, 'mia');
    expect(user.userName).toBe('mia');

    // The seed is never in an event in the clear; replay rebuilds the devices.
    const text = JSON.stringify(await eventsOf(root.accountId));
    expect(text).not.toContain(seed);
    expect((await replayReadModels(service.wardenDb.db, { accountId: root.accountId })).equal).toBe(true);
  });

  it('lets a user enable a device for itself, and a user without iam:EnableMFADevice on another user learns nothing', async () => {
    const root = await newAccount(service);
    const alice = await userWithPassword(root, 'alice', 'Correct-Horse-1');
    await userWithPassword(root, 'bob', 'Correct-Horse-2');
    await iam.users.putInlinePolicy(
      root,
      'alice',
      'own-mfa',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices'],
            Resource: [`arn:aws:iam::${root.accountId}:mfa/*`, `arn:aws:iam::${root.accountId}:user/\${aws:username}`],
          },
        ],
      }),
    );
    await iam.users.putInlinePolicy(
      root,
      'alice',
      'no-secret-tags',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 'iam:CreateVirtualMFADevice', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['secret'] } } }],
      }),
    );
    const asAlice = userCaller(root.accountId, alice);
    // The request's tag keys are in the context (aws:TagKeys), as for every operation that sets tags.
    await expect(iam.mfa.createVirtualMFADevice(asAlice, { virtualMFADeviceName: 'tagged', tags: [{ key: 'secret', value: 'x' }] })).rejects.toThrow(AccessDeniedError);
    const created = await iam.mfa.createVirtualMFADevice(asAlice, { virtualMFADeviceName: 'alice-phone' });
    await expect(
      iam.mfa.enableMFADevice(asAlice, {
        userName: 'bob',
        serialNumber: created.serialNumber,
        authenticationCode1: code(created.base32StringSeed, -1),
        authenticationCode2: code(created.base32StringSeed),
      }),
    ).rejects.toThrow(AccessDeniedError);
    await expect(iam.mfa.enableMFADevice(asAlice, { userName: 'nobody', serialNumber: 'arn:aws:iam::000000000000:mfa/x', authenticationCode1: '1', authenticationCode2: '2' })).rejects.toThrow(
      AccessDeniedError,
    );
    await iam.mfa.enableMFADevice(asAlice, { serialNumber: created.serialNumber, authenticationCode1: code(created.base32StringSeed, -1), authenticationCode2: code(created.base32StringSeed) });
    expect((await iam.mfa.list(asAlice, { userName: 'alice' })).map((device) => device.userName)).toEqual(['alice']);
    // ListMFADevices without a user name: the caller's own.
    expect((await iam.mfa.list(asAlice, {})).map((device) => device.serialNumber)).toEqual([created.serialNumber]);
    await expect(iam.mfa.list(asAlice, { userName: 'bob' })).rejects.toThrow(AccessDeniedError);
  });

  it('signs in by account id and by alias, with one failure message and one argon2id verification whatever the cause', async () => {
    const root = await newAccount(service);
    await iam.accounts.createAlias(root, `acme-${root.accountId}`);
    await userWithPassword(root, 'dana', 'Correct-Horse-1');
    await iam.users.create(root, { userName: 'nopassword' });

    const byId = await iam.signIn.signIn({ account: root.accountId, userName: 'dana', password: 'Correct-Horse-1' }, { sourceIp: '198.51.100.1' });
    expect(byId.kind).toBe('signed-in');
    const byAlias = await iam.signIn.signIn({ account: `ACME-${root.accountId}`, userName: 'DANA', password: 'Correct-Horse-1' }, { sourceIp: '198.51.100.1' });
    expect(byAlias).toMatchObject({ kind: 'signed-in', principalArn: `arn:aws:iam::${root.accountId}:user/dana`, mfaAuthenticated: false });

    const attempts = [
      { account: root.accountId, userName: 'dana', password: 'Not-The-Password-9' },
      { account: root.accountId, userName: 'ghost', password: 'Correct-Horse-1' },
      { account: root.accountId, userName: 'nopassword', password: 'Correct-Horse-1' },
      { account: '000000000000', userName: 'dana', password: 'Correct-Horse-1' },
      { account: 'no-such-alias', userName: 'dana', password: 'Correct-Horse-1' },
    ];
    for (const attempt of attempts) {
      verifications = 0;
      const error = await iam.signIn.signIn(attempt, { sourceIp: `203.0.113.${attempts.indexOf(attempt)}` }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SignInFailedError);
      expect((error as Error).message).toBe('Your authentication information is incorrect. Please try again.');
      // The same work whether or not the user (or account) exists.
      expect(verifications).toBe(1);
    }
    const events = await eventsOf(root.accountId);
    const failures = events.filter((event) => event.type === 'SignInFailed').map((event) => (event.data as { reason: string }).reason);
    expect(failures).toEqual(['wrong-password', 'unknown-user', 'no-login-profile']);
    expect(events.filter((event) => event.type === 'SignInSucceeded')).toHaveLength(2);
    const text = JSON.stringify(events);
    expect(text).not.toContain('Correct-Horse-1');
    expect(text).not.toContain('Not-The-Password-9');
    expect(text).not.toContain('$argon2');
    expect(text).not.toContain(byId.kind === 'signed-in' ? byId.session.token.split('.')[1] : 'x');
  });

  it('throttles failures with growing delays, locks out, and lets an admin clear the lockout; thresholds are account settings', async () => {
    const root = await newAccount(service);
    await userWithPassword(root, 'erin', 'Correct-Horse-1');
    await iam.accounts.updateSettings(root, { signInThrottle: { failuresBeforeDelay: 2, baseDelaySeconds: 5, failuresBeforeLockout: 4, lockoutSeconds: 600 } });
    await expect(iam.accounts.updateSettings(root, { signInThrottle: { failuresBeforeLockout: 0 } })).rejects.toThrow(InvalidInputError);
    const attempt = (password: string, sourceIp = '192.0.2.10') => iam.signIn.signIn({ account: root.accountId, userName: 'erin', password }, { sourceIp });

    await expect(attempt('nope-1')).rejects.toThrow(SignInFailedError);
    await expect(attempt('nope-2')).rejects.toThrow(SignInFailedError);
    // Two failures: the next attempt waits 5 s, even with the right password, and costs no argon2 work.
    verifications = 0;
    const throttled = await attempt('Correct-Horse-1').catch((caught: unknown) => caught);
    expect(throttled).toBeInstanceOf(SignInThrottledError);
    expect(throttled).toMatchObject({ retryAfterSeconds: 5, locked: false });
    expect(verifications).toBe(0);
    advance(5);
    await expect(attempt('nope-3')).rejects.toThrow(SignInFailedError);
    // Three failures: 10 s now.
    await expect(attempt('Correct-Horse-1')).rejects.toMatchObject({ retryAfterSeconds: 10 });
    advance(10);
    await expect(attempt('nope-4')).rejects.toThrow(SignInFailedError);
    // Four: locked for 600 s, from another address too (the user's count).
    await expect(attempt('Correct-Horse-1', '192.0.2.99')).rejects.toMatchObject({ locked: true, retryAfterSeconds: 600 });
    expect(await iam.signIn.signInLockouts(root)).toEqual(expect.arrayContaining([expect.objectContaining({ subject: 'user:erin', failures: 4, locked: true })]));

    // A user that cannot update erin's login profile cannot clear it.
    const helpdesk = await iam.users.create(root, { userName: 'helpdesk' });
    await expect(iam.signIn.clearSignInLockout(userCaller(root.accountId, helpdesk), { userName: 'erin' })).rejects.toThrow(AccessDeniedError);
    expect(await iam.signIn.clearSignInLockout(root, { userName: 'erin' })).toBe(true);
    // The address is still counted (4 failures from 192.0.2.10): delayed, never locked (behind a
    // proxy one address is everyone), until the delay passes or an admin clears it.
    await expect(attempt('Correct-Horse-1')).rejects.toMatchObject({ locked: false, retryAfterSeconds: 20 });
    expect(await iam.signIn.clearSignInLockout(root, { sourceIp: '192.0.2.10' })).toBe(true);
    expect(await iam.signIn.clearSignInLockout(root, { sourceIp: '192.0.2.10' })).toBe(false);
    expect((await attempt('Correct-Horse-1')).kind).toBe('signed-in');

    // A quiet lockout period forgets the count.
    await expect(attempt('nope-5', '192.0.2.20')).rejects.toThrow(SignInFailedError);
    advance(600);
    await expect(attempt('nope-6', '192.0.2.20')).rejects.toThrow(SignInFailedError);
    expect((await iam.signIn.signInLockouts(root)).find((row) => row.subject === 'user:erin')?.failures).toBe(1);
    const types = (await eventsOf(root.accountId)).map((event) => event.type);
    expect(types.filter((type) => type === 'SignInLockoutCleared')).toHaveLength(2);
    expect((await replayReadModels(service.wardenDb.db, { accountId: root.accountId })).equal).toBe(true);
  });

  it("counts every attempt of a parallel burst: one user's attempts are taken one at a time", async () => {
    const root = await newAccount(service);
    await userWithPassword(root, 'burst', 'Correct-Horse-1');
    await iam.accounts.updateSettings(root, { signInThrottle: { failuresBeforeDelay: 3, baseDelaySeconds: 60, failuresBeforeLockout: 5 } });
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => iam.signIn.signIn({ account: root.accountId, userName: 'burst', password: `guess-${i}` }, { sourceIp: `198.51.100.${i}` }).catch((error: unknown) => error)),
    );
    expect(outcomes.filter((outcome) => outcome instanceof SignInFailedError)).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome instanceof SignInThrottledError)).toHaveLength(5);
    expect((await iam.signIn.signInLockouts(root)).find((row) => row.subject === 'user:burst')?.failures).toBe(3);
  });

  it('counts a name that is no user under a hash, and hides it in the audit log', async () => {
    const root = await newAccount(service);
    await expect(iam.signIn.signIn({ account: root.accountId, userName: 'Typed-My-Password-9', password: 'x' })).rejects.toThrow(SignInFailedError);
    const lockouts = await iam.signIn.signInLockouts(root);
    // Counted under a hash of the lower-cased name, never under the name itself, in any case.
    expect(lockouts.map((row) => row.subject)).toContain(`user#${createHash('sha256').update('typed-my-password-9').digest('hex').slice(0, 32)}`);
    const text = JSON.stringify([await eventsOf(root.accountId), lockouts]).toLowerCase();
    expect(text).not.toContain('typed-my-password-9');
    expect(text).toContain('hidden_due_to_security_reasons');
    expect(await iam.signIn.clearSignInLockout(root, { userName: 'Typed-My-Password-9' })).toBe(true);
  });

  it('asks for an MFA code after the right password, accepts a code once only, and marks the session', async () => {
    const root = await newAccount(service);
    await userWithPassword(root, 'finn', 'Correct-Horse-1');
    const device = await enabledDevice(root, 'finn', 'finn-phone');
    const seed = device.base32StringSeed;
    const base = { account: root.accountId, userName: 'finn', password: 'Correct-Horse-1' };
    expect(await iam.signIn.signIn(base)).toEqual({ kind: 'mfa-code-required' });
    // A wrong password still fails first: "MFA required" tells only someone who knows the password.
    await expect(iam.signIn.signIn({ ...base, password: 'nope' })).rejects.toThrow(SignInFailedError);
    await expect(iam.signIn.signIn({ ...base, mfaCode: '123456' === code(seed) ? '654321' : '123456' })).rejects.toThrow(SignInFailedError);
    const current = code(seed);
    const signedIn = await iam.signIn.signIn({ ...base, mfaCode: current });
    expect(signedIn).toMatchObject({ kind: 'signed-in', mfaAuthenticated: true });
    // The same code again, within its window: refused (RFC 6238 §5.2: a code is accepted once).
    await expect(iam.signIn.signIn({ ...base, mfaCode: current })).rejects.toThrow(SignInFailedError);
    expect((await eventsOf(root.accountId)).filter((event) => event.type === 'SignInFailed').map((event) => (event.data as { reason: string }).reason)).toEqual([
      'wrong-password',
      'wrong-mfa-code',
      'wrong-mfa-code',
    ]);

    // The console session: user permissions, MFA present, and signOut ends it.
    if (signedIn.kind !== 'signed-in') throw new Error('not signed in');
    const [accessKeyId] = signedIn.session.token.split('.');
    const credential = await iam.credentials.resolve(accessKeyId!);
    expect(credential?.caller).toMatchObject({ kind: 'user', userName: 'finn', session: { kind: 'console', mfaAuthenticated: true } });
    expect(credential?.caller.session?.mfaAuthenticatedAt?.getTime()).toBe(now.getTime());
    await iam.signIn.signOut({ ...credential!.caller, requestContext: {} });
    expect(await iam.credentials.resolve(accessKeyId!)).toBeUndefined();
    await expect(iam.signIn.signOut(root)).rejects.toThrow(InvalidInputError);
  });

  it('gives MFA-authenticated credentials from GetSessionToken with a serial number and code, and refuses a wrong or replayed code', async () => {
    const root = await newAccount(service);
    const user = await userWithPassword(root, 'gus', 'Correct-Horse-1');
    const device = await enabledDevice(root, 'gus', 'gus-phone');
    const gus = userCaller(root.accountId, user);
    const current = code(device.base32StringSeed);
    const credentials = await iam.sts.getSessionToken(gus, { serialNumber: device.serialNumber, tokenCode: current });
    const resolved = await iam.credentials.resolve(credentials.accessKeyId);
    expect(resolved?.caller.session).toMatchObject({ kind: 'session-token', mfaAuthenticated: true });
    await expect(iam.sts.getSessionToken(gus, { serialNumber: device.serialNumber, tokenCode: current })).rejects.toThrow(/invalid MFA one time pass code/);
    await expect(iam.sts.getSessionToken(gus, { serialNumber: `arn:aws:iam::${root.accountId}:mfa/other`, tokenCode: code(device.base32StringSeed, 1) })).rejects.toThrow(AccessDeniedError);
    await expect(iam.sts.getSessionToken(gus, { serialNumber: device.serialNumber })).rejects.toThrow(InvalidInputError);
    const plain = await iam.sts.getSessionToken(gus, {});
    expect((await iam.credentials.resolve(plain.accessKeyId))?.caller.session?.mfaAuthenticated).toBe(false);
  });

  it('refuses an address past its ceiling of failures before looking anything up, whether or not the account exists', async () => {
    const root = await newAccount(service);
    await userWithPassword(root, 'lena', 'Correct-Horse-1');
    // The account's own per-address delay is set out of the way, to see the process-wide ceiling.
    await iam.accounts.updateSettings(root, { signInThrottle: { failuresBeforeDelay: 100, failuresBeforeLockout: 1000 } });
    const from = { sourceIp: '203.0.113.77' };
    for (let i = 0; i < 120; i++) {
      const account = i % 2 === 0 ? root.accountId : 'no-such-account';
      await expect(iam.signIn.signIn({ account, userName: `spray-${i}`, password: 'x' }, from)).rejects.toThrow(SignInFailedError);
    }
    verifications = 0;
    await expect(iam.signIn.signIn({ account: 'no-such-account', userName: 'x', password: 'x' }, from)).rejects.toThrow(SignInThrottledError);
    // Even the right password: nothing is checked, and the refusal says nothing about the account.
    await expect(iam.signIn.signIn({ account: root.accountId, userName: 'lena', password: 'Correct-Horse-1' }, from)).rejects.toThrow(SignInThrottledError);
    expect(verifications).toBe(0);
    // Another address is not affected; the next minute, this one may try again.
    expect((await iam.signIn.signIn({ account: root.accountId, userName: 'lena', password: 'Correct-Horse-1' }, { sourceIp: '203.0.113.78' })).kind).toBe('signed-in');
    advance(60);
    expect((await iam.signIn.signIn({ account: root.accountId, userName: 'lena', password: 'Correct-Horse-1' }, from)).kind).toBe('signed-in');
  });

  it('counts wrong old passwords in changePassword with failed sign-ins, and refuses with LimitExceeded past the threshold', async () => {
    const root = await newAccount(service);
    const user = await userWithPassword(root, 'kim', 'Correct-Horse-1');
    await iam.passwords.updateAccountPasswordPolicy(root, { allowUsersToChangePassword: true });
    await iam.accounts.updateSettings(root, { signInThrottle: { failuresBeforeDelay: 2, baseDelaySeconds: 30 } });
    const kim = userCaller(root.accountId, user);
    await expect(iam.passwords.changePassword(kim, { oldPassword: 'guess-1', newPassword: 'New-Horse-2' })).rejects.toThrow(InvalidInputError);
    await expect(iam.passwords.changePassword(kim, { oldPassword: 'guess-2', newPassword: 'New-Horse-2' })).rejects.toThrow(InvalidInputError);
    await expect(iam.passwords.changePassword(kim, { oldPassword: 'Correct-Horse-1', newPassword: 'New-Horse-2' })).rejects.toThrow(/Too many invalid passwords: try again in 30 seconds/);
    // Sign-in sees the same count.
    await expect(iam.signIn.signIn({ account: root.accountId, userName: 'kim', password: 'Correct-Horse-1' })).rejects.toThrow(SignInThrottledError);
    advance(30);
    await iam.passwords.changePassword(kim, { oldPassword: 'Correct-Horse-1', newPassword: 'New-Horse-2' });
    // A parallel burst of wrong old passwords is counted one by one, as sign-in attempts are.
    advance(900);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => iam.passwords.changePassword(kim, { oldPassword: `guess-${i}`, newPassword: 'New-Horse-3' }).catch((error: unknown) => error)),
    );
    expect(outcomes.filter((outcome) => outcome instanceof InvalidInputError)).toHaveLength(2);
    expect(outcomes.filter((outcome) => outcome instanceof Error && /Too many invalid passwords/.test(outcome.message))).toHaveLength(4);
  });

  it('forces a password change at sign-in when required or expired, and refuses an expired password under hard expiry', async () => {
    const root = await newAccount(service);
    await userWithPassword(root, 'hana', 'Correct-Horse-1', true);
    const base = { account: root.accountId, userName: 'hana', password: 'Correct-Horse-1' };
    expect(await iam.signIn.signIn(base)).toEqual({ kind: 'password-change-required', reason: 'reset-required' });
    // Changing needs iam:ChangePassword: hana has no policy and the account does not grant it.
    await expect(iam.signIn.signIn({ ...base, newPassword: 'Better-Horse-2' })).rejects.toThrow(AccessDeniedError);
    await iam.passwords.updateAccountPasswordPolicy(root, { allowUsersToChangePassword: true, minimumPasswordLength: 10, maxPasswordAge: 30 });
    await expect(iam.signIn.signIn({ ...base, newPassword: 'Short-1' })).rejects.toThrow(/at least 10 characters/);
    expect(await iam.signIn.signIn({ ...base, newPassword: 'Better-Horse-2' })).toMatchObject({ kind: 'signed-in' });
    await expect(iam.signIn.signIn(base)).rejects.toThrow(SignInFailedError);
    const renewed = { ...base, password: 'Better-Horse-2' };
    expect((await iam.signIn.signIn(renewed)).kind).toBe('signed-in');

    advance(31 * 86_400);
    expect(await iam.signIn.signIn(renewed)).toEqual({ kind: 'password-change-required', reason: 'expired' });
    await iam.passwords.updateAccountPasswordPolicy(root, { allowUsersToChangePassword: true, maxPasswordAge: 30, hardExpiry: true });
    await expect(iam.signIn.signIn({ ...renewed, newPassword: 'Even-Better-3' })).rejects.toThrow(/expired/);
    expect((await eventsOf(root.accountId)).some((event) => event.type === 'SignInFailed' && (event.data as { reason: string }).reason === 'password-expired')).toBe(true);
  });

  it('makes a user enrol an MFA device at sign-in when the account requires MFA', async () => {
    const root = await newAccount(service);
    await userWithPassword(root, 'ivan', 'Correct-Horse-1');
    await iam.accounts.updateSettings(root, { requireMfaForConsole: true });
    const base = { account: root.accountId, userName: 'ivan', password: 'Correct-Horse-1' };
    const offered = await iam.signIn.signIn(base);
    if (offered.kind !== 'mfa-enrollment-required') throw new Error(`expected an enrolment, got ${offered.kind}`);
    const seed = offered.device.base32StringSeed;
    await expect(iam.signIn.signIn({ ...base, mfaEnrollment: { serialNumber: offered.device.serialNumber, authenticationCode1: code(seed), authenticationCode2: code(seed) } })).rejects.toThrow(
      SignInFailedError,
    );
    const enrolled = await iam.signIn.signIn({ ...base, mfaEnrollment: { serialNumber: offered.device.serialNumber, authenticationCode1: code(seed, -1), authenticationCode2: code(seed) } });
    expect(enrolled).toMatchObject({ kind: 'signed-in', mfaAuthenticated: true });
    expect((await iam.mfa.list(root, { userName: 'ivan' })).map((device) => device.serialNumber)).toEqual([offered.device.serialNumber]);
    advance(30);
    expect(await iam.signIn.signIn(base)).toEqual({ kind: 'mfa-code-required' });
  });

  it('signs the root user in with the root email and password, with MFA when the root user has a device', async () => {
    const root = await newAccount(service);
    await expect(iam.passwords.setRootLoginProfile(root, { email: 'not-an-email', password: 'Root-Password-1' })).rejects.toThrow(InvalidInputError);
    await expect(iam.passwords.setRootLoginProfile(root, { email: 'owner@example.com', password: 'short' })).rejects.toThrow(/at least 8/);
    const someone = await iam.users.create(root, { userName: 'someone' });
    await iam.users.attachPolicy(root, 'someone', 'arn:aws:iam::aws:policy/AdministratorAccess');
    await expect(iam.passwords.setRootLoginProfile(userCaller(root.accountId, someone), { email: 'x@example.com', password: 'Root-Password-1' })).rejects.toThrow(AccessDeniedError);
    await iam.passwords.setRootLoginProfile(root, { email: 'owner@example.com', password: 'Root-Password-1' });
    await expect(iam.signIn.signIn({ account: root.accountId, email: 'owner@example.com', userName: 'someone', password: 'Root-Password-1' })).rejects.toThrow(InvalidInputError);
    verifications = 0;
    await expect(iam.signIn.signIn({ account: root.accountId, email: 'other@example.com', password: 'Root-Password-1' })).rejects.toThrow(SignInFailedError);
    expect(verifications).toBe(1);
    const signedIn = await iam.signIn.signIn({ account: root.accountId, email: 'OWNER@example.com', password: 'Root-Password-1' });
    expect(signedIn).toMatchObject({ kind: 'signed-in', principalArn: `arn:aws:iam::${root.accountId}:root` });
    const account = await iam.accounts.get(root);
    expect(await iam.warnings.forAccount(root, account)).toContainEqual(expect.stringMatching(/root user has no MFA device/));
    // Wrong emails count against the address only: nobody can lock the root user out without its email.
    for (let i = 0; i < 12; i++)
      await expect(iam.signIn.signIn({ account: root.accountId, email: `x${i}@example.com`, password: 'Root-Password-1' }, { sourceIp: `192.0.2.${i}` })).rejects.toThrow(SignInFailedError);
    expect((await iam.signIn.signIn({ account: root.accountId, email: 'owner@example.com', password: 'Root-Password-1' })).kind).toBe('signed-in');
    await expect(iam.signIn.signIn({ account: root.accountId, email: 'owner@example.com', password: 'wrong' })).rejects.toThrow(SignInFailedError);
    expect(await iam.signIn.clearSignInLockout(root, { rootUser: true })).toBe(true);
    const device = await enabledDevice(root, null, 'root-key');
    expect(await iam.warnings.forAccount(root, account)).not.toContainEqual(expect.stringMatching(/MFA/));
    expect(await iam.signIn.signIn({ account: root.accountId, email: 'owner@example.com', password: 'Root-Password-1' })).toEqual({ kind: 'mfa-code-required' });
    const withMfa = await iam.signIn.signIn({ account: root.accountId, email: 'owner@example.com', password: 'Root-Password-1', mfaCode: code(device.base32StringSeed) });
    if (withMfa.kind !== 'signed-in') throw new Error('not signed in');
    expect((await iam.credentials.resolve(withMfa.session.token.split('.')[0]!))?.caller).toMatchObject({ kind: 'root', session: { kind: 'console', mfaAuthenticated: true } });
    expect(JSON.stringify(await eventsOf(root.accountId))).not.toContain('Root-Password-1');
  });

  it('computes codes that authenticator apps agree with (otplib, RFC 6238)', () => {
    const seed = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    expect(codeAtStep(seed, stepAt(now))).toBe(generateSync({ secret: seed, epoch: Math.floor(now.getTime() / 1000) }));
  });
});
