import { randomUUID } from 'node:crypto';
import { createDb, inAccountTransaction, migrateToLatest, type WardenDb } from '@warden/db';
import { migratedPGliteTemplate } from '@warden/db/testing';
import { bootstrap, type Caller, codeAtStep, IamService, isAuditEvent, LiveKeyring as LiveKeyringClass, type LiveKeyring, resolveAccessKey, stepAt } from '@warden/iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobHandlers, JOBS } from '../src/index.js';

/**
 * Key rotation on an isolated embedded store (rotating the shared test database's keyring would
 * re-encrypt every other test's secrets): a new data key after the rotation period, every secret
 * still readable throughout, then re-encrypted under the new key, each step an event.
 */
class TestClock {
  offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
}

describe('keyring rotation and access-key hygiene', () => {
  let wardenDb: WardenDb;
  let iam: IamService;
  let keyring: LiveKeyring;
  const clock = new TestClock();
  let managementAccountId: string;

  beforeAll(async () => {
    wardenDb = await createDb({ dataDir: 'memory', template: await migratedPGliteTemplate() });
    await migrateToLatest(wardenDb.db);
    const boot = await bootstrap({ db: wardenDb.db, masterKey: Buffer.alloc(32, 9), dataDir: `/tmp/warden-rotation-${randomUUID()}`, partition: 'aws', clock });
    keyring = boot.keyring;
    managementAccountId = boot.managementAccountId;
    iam = new IamService({ db: wardenDb.db, keyring, clock });
  });
  afterAll(async () => {
    await wardenDb.close();
  });

  it('does nothing before the period, rotates after it, and keeps every secret working', async () => {
    const managementRoot: Caller = { accountId: managementAccountId, arn: `arn:aws:iam::${managementAccountId}:root`, kind: 'root', requestContext: {} };
    const tenant = await iam.accounts.create(managementRoot, { name: 'rotation' });
    const root: Caller = { accountId: tenant.account.accountId, arn: `arn:aws:iam::${tenant.account.accountId}:root`, kind: 'root', requestContext: {} };
    const rita = await iam.users.create(root, { userName: 'rita' });
    await iam.passwords.createLoginProfile(root, { userName: 'rita', password: 'Rotating-Password-1' });
    await iam.passwords.updateAccountPasswordPolicy(root, { allowUsersToChangePassword: true, passwordReusePrevention: 3 });
    const asRita: Caller = { accountId: root.accountId, arn: rita.arn, kind: 'user', userId: rita.userId, userName: 'rita', requestContext: {} };
    // The first password goes into the history, under the first key.
    await iam.passwords.changePassword(asRita, { oldPassword: 'Rotating-Password-1', newPassword: 'Rotating-Password-2' });
    const userKey = await iam.accessKeys.create(root, 'rita');
    const session = await iam.sts.getSessionToken(root, { durationSeconds: 3600 });
    // An MFA device (its seed) and the root user's password, under the first key too.
    const device = await iam.mfa.createVirtualMFADevice(root, { virtualMFADeviceName: 'rita-phone' });
    const code = (offset = 0) => codeAtStep(device.base32StringSeed, stepAt(clock.now()) + offset);
    await iam.mfa.enableMFADevice(root, { userName: 'rita', serialNumber: device.serialNumber, authenticationCode1: code(-1), authenticationCode2: code() });
    await iam.passwords.setRootLoginProfile(root, { email: 'owner@example.com', password: 'Root-Rotating-1' });
    const firstKey = keyring.activeKeyId;

    expect(await iam.maintenance.rotateKeyringIfDue(keyring, 30)).toEqual({ rotated: false, activeKeyId: firstKey });
    clock.offsetMs = 31 * 86_400_000;
    const rotation = await iam.maintenance.rotateKeyringIfDue(keyring, 30);
    expect(rotation.rotated).toBe(true);
    expect(rotation.activeKeyId).not.toBe(firstKey);
    expect(keyring.keyIds).toEqual(expect.arrayContaining([firstKey, rotation.activeKeyId]));

    // Secrets made under the old key still authenticate.
    expect((await resolveAccessKey(wardenDb.db, keyring, 'aws', userKey.accessKeyId))?.secretAccessKey).toBe(userKey.secretAccessKey);
    // New secrets use the new key.
    const newKey = await iam.accessKeys.create(root, 'rita');
    const newRow = await inAccountTransaction(wardenDb.db, root.accountId, (trx) =>
      trx.selectFrom('access_keys').select('secret').where('access_key_id', '=', newKey.accessKeyId).executeTakeFirstOrThrow(),
    );
    expect(newRow.secret.keyId).toBe(rotation.activeKeyId);

    // The job re-encrypts what is left under the old key, as events.
    const result = await createJobHandlers(iam, { keyring, keyRotationDays: 30 })[JOBS.rotateKeyring]({});
    expect(result).toMatch(/re-encrypted \d+ secrets/);
    expect(await iam.maintenance.reencryptSecrets(keyring, 100)).toBe(0);
    const keys = await wardenDb.db.selectFrom('access_keys').select('secret').execute();
    const sessions = await wardenDb.db.selectFrom('sessions').select('secret').execute();
    for (const row of [...keys, ...sessions]) expect(row.secret.keyId).toBe(rotation.activeKeyId);
    const profiles = await wardenDb.db.selectFrom('users').select('login_profile').where('login_profile', 'is not', null).execute();
    expect(profiles.length).toBeGreaterThan(0);
    for (const row of profiles) {
      expect(row.login_profile?.passwordHash.keyId).toBe(rotation.activeKeyId);
      for (const previous of row.login_profile?.previousPasswordHashes ?? []) expect(previous.keyId).toBe(rotation.activeKeyId);
    }
    expect(profiles.some((row) => (row.login_profile?.previousPasswordHashes ?? []).length > 0)).toBe(true);
    // The audit API hands out neither the current nor the remembered hashes.
    const reencryptedAudit = JSON.stringify(await iam.audit.events(root, { eventTypes: ['PasswordHashReencrypted'] }, { first: 5 }));
    expect(reencryptedAudit).toContain('PasswordHashReencrypted');
    expect(reencryptedAudit).not.toContain('ciphertext');
    const reencrypted = await wardenDb.db
      .selectFrom('events')
      .select('type')
      .where('type', 'in', ['AccessKeySecretReencrypted', 'RootAccessKeySecretReencrypted', 'SessionSecretReencrypted', 'PasswordHashReencrypted'])
      .execute();
    expect(new Set(reencrypted.map((event) => event.type))).toEqual(new Set(['AccessKeySecretReencrypted', 'RootAccessKeySecretReencrypted', 'SessionSecretReencrypted', 'PasswordHashReencrypted']));
    const sessionCredential = await resolveAccessKey(wardenDb.db, keyring, 'aws', session.accessKeyId);
    expect(sessionCredential?.secretAccessKey).toBe(session.secretAccessKey);
    // Within a day of the rotation the old key stays; after it, unused, it is retired.
    expect(await iam.maintenance.retireUnusedKeys(keyring, 86_400_000)).toEqual([]);
    clock.offsetMs = 33 * 86_400_000;
    expect(await iam.maintenance.retireUnusedKeys(keyring, 86_400_000)).toEqual([firstKey]);
    expect(keyring.keyIds).toEqual([rotation.activeKeyId]);
    expect((await resolveAccessKey(wardenDb.db, keyring, 'aws', newKey.accessKeyId))?.secretAccessKey).toBe(newKey.secretAccessKey);
    // Passwords hashed before the rotation still verify once their first key is gone: the current
    // one, and the earlier one that reuse prevention remembers.
    await expect(iam.passwords.changePassword(asRita, { oldPassword: 'Rotating-Password-2', newPassword: 'Rotating-Password-1' })).rejects.toThrow(/last 3 passwords/);
    await iam.passwords.changePassword(asRita, { oldPassword: 'Rotating-Password-2', newPassword: 'Rotated-Password-3' });
    // The MFA seed and the root password were re-encrypted, so sign-in still works with both.
    const seeds = await wardenDb.db.selectFrom('mfa_devices').select('seed').execute();
    for (const row of seeds) expect(row.seed.keyId).toBe(rotation.activeKeyId);
    const rootLogin = await wardenDb.db.selectFrom('accounts').select('root_login').where('account_id', '=', root.accountId).executeTakeFirstOrThrow();
    expect(rootLogin.root_login?.passwordHash.keyId).toBe(rotation.activeKeyId);
    expect((await iam.signIn.signIn({ account: root.accountId, email: 'owner@example.com', password: 'Root-Rotating-1' })).kind).toBe('signed-in');
    expect(await iam.signIn.signIn({ account: root.accountId, userName: 'rita', password: 'Rotated-Password-3', mfaCode: code(1) })).toMatchObject({ kind: 'signed-in', mfaAuthenticated: true });
    const retiredEvents = await wardenDb.db.selectFrom('events').select('type').where('type', '=', 'KeyringDataKeyRetired').execute();
    expect(retiredEvents).toHaveLength(1);
    clock.offsetMs = 0;
  });

  it("deactivates users' keys past the account's maximum age, with the reason in the event, and lists unused keys", async () => {
    const managementRoot: Caller = { accountId: managementAccountId, arn: `arn:aws:iam::${managementAccountId}:root`, kind: 'root', requestContext: {} };
    const tenant = await iam.accounts.create(managementRoot, { name: 'hygiene' });
    const root: Caller = { accountId: tenant.account.accountId, arn: `arn:aws:iam::${tenant.account.accountId}:root`, kind: 'root', requestContext: {} };
    await iam.users.create(root, { userName: 'old-timer' });
    const oldKey = await iam.accessKeys.create(root, 'old-timer');
    const rootKey = await iam.accessKeys.create(root);
    expect((await iam.accessKeys.unused(root, 10)).map((key) => key.accessKeyId)).toEqual([]);
    clock.offsetMs = 100 * 86_400_000;
    expect((await iam.accessKeys.unused(root, 90)).map((key) => key.accessKeyId).sort()).toEqual([oldKey.accessKeyId, rootKey.accessKeyId, tenant.rootAccessKey.accessKeyId].sort());
    // No setting: nothing is deactivated.
    await createJobHandlers(iam, { keyring, keyRotationDays: 30 })[JOBS.deactivateStaleAccessKeys]({});
    expect((await iam.accessKeys.list(root, 'old-timer'))[0]?.status).toBe('Active');
    await iam.accounts.updateSettings(root, { maxAccessKeyAgeDays: 90 });
    const result = await createJobHandlers(iam, { keyring, keyRotationDays: 30 })[JOBS.deactivateStaleAccessKeys]({});
    expect(result).toMatch(/^deactivated \d+ access keys/);
    expect((await iam.accessKeys.list(root, 'old-timer'))[0]?.status).toBe('Inactive');
    expect((await iam.accessKeys.list(root))[0]?.status).toBe('Active');
    const events = (await iam.audit.events(root, { eventTypes: ['AccessKeyStatusUpdated'] }, { first: 5 })).filter(isAuditEvent);
    expect(events[0]?.data).toMatchObject({ accessKeyId: oldKey.accessKeyId, status: 'Inactive', reason: expect.stringContaining('maximum access key age of 90 days') as unknown });
    await expect(iam.accounts.updateSettings(root, { maxAccessKeyAgeDays: 0 })).rejects.toThrow(/1 to 3650/);
    clock.offsetMs = 0;
  });

  it('loses no request while a rotation and a re-encryption run: another process with an older keyring still authenticates every key', async () => {
    const managementRoot: Caller = { accountId: managementAccountId, arn: `arn:aws:iam::${managementAccountId}:root`, kind: 'root', requestContext: {} };
    const tenant = await iam.accounts.create(managementRoot, { name: 'busy-rotation' });
    const root: Caller = { accountId: tenant.account.accountId, arn: `arn:aws:iam::${tenant.account.accountId}:root`, kind: 'root', requestContext: {} };
    const keys: Awaited<ReturnType<typeof iam.accessKeys.create>>[] = [];
    for (let i = 0; i < 10; i++) {
      await iam.users.create(root, { userName: `signer${i}` });
      keys.push(await iam.accessKeys.create(root, `signer${i}`));
    }
    // "Another process": its own keyring, loaded before the rotation.
    const otherProcess = await LiveKeyringClass.load(wardenDb.db, Buffer.alloc(32, 9));
    clock.offsetMs = 400 * 86_400_000;
    let stop = false;
    let checks = 0;
    const checkEveryKey = async () => {
      for (const key of keys) {
        const resolved = await resolveAccessKey(wardenDb.db, otherProcess, 'aws', key.accessKeyId);
        expect(resolved?.secretAccessKey).toBe(key.secretAccessKey);
        checks++;
      }
    };
    // Checks running alongside the rotation and the re-encryption, however they interleave...
    const signing = (async () => {
      while (!stop) await checkEveryKey();
    })();
    const rotation = await iam.maintenance.rotateKeyringIfDue(keyring, 30);
    expect(rotation.rotated).toBe(true);
    // ...and a whole pass at each state between their steps, whatever the machine's speed.
    await checkEveryKey();
    while ((await iam.maintenance.reencryptSecrets(keyring, 3)) > 0) await checkEveryKey();
    stop = true;
    await signing;
    clock.offsetMs = 0;
    expect(checks).toBeGreaterThanOrEqual(20);
    expect(otherProcess.keyIds).toContain(rotation.activeKeyId);
  });
});
