import { inAccountTransaction } from '@warden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  DeleteConflictError,
  EntityAlreadyExistsError,
  InvalidInputError,
  InvalidUserTypeError,
  NoSuchEntityError,
  PasswordPolicyViolationError,
  replayReadModels,
} from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

/**
 * Console passwords and the account password policy, checked against AWS IAM's documented rules:
 * the default policy (8 characters, three of four character classes, not the user name), the
 * UpdateAccountPasswordPolicy bounds (length 6-128, age 1-1095, reuse 1-24, omitted values take
 * their defaults), and AllowUsersToChangePassword granting iam:ChangePassword on oneself.
 */
describe.each([...DRIVERS])('passwords on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  const eventsOf = (accountId: string) =>
    inAccountTransaction(service.wardenDb.db, accountId, (trx) => trx.selectFrom('events').select(['type', 'data']).where('account_id', '=', accountId).orderBy('global_position').execute());

  it('checks passwords against the default policy, then the account policy, and writes nothing on refusal', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    await iam.users.create(root, { userName: 'Dana' });
    const before = (await eventsOf(root.accountId)).length;
    await expect(iam.passwords.createLoginProfile(root, { userName: 'Dana', password: 'Short1!' })).rejects.toThrow(PasswordPolicyViolationError);
    await expect(iam.passwords.createLoginProfile(root, { userName: 'Dana', password: 'alllowercase1' })).rejects.toThrow(/at least three of/);
    await expect(iam.passwords.createLoginProfile(root, { userName: 'Dana', password: 'x'.repeat(129) })).rejects.toThrow(/at most 128/);
    await expect(iam.passwords.createLoginProfile(root, { userName: 'nobody', password: 'Good-Pass-1' })).rejects.toThrow(NoSuchEntityError);
    expect((await eventsOf(root.accountId)).length).toBe(before);
    await expect(iam.passwords.accountPasswordPolicy(root)).rejects.toThrow(NoSuchEntityError);

    // A stricter account policy: its rules now apply, and the message names the one broken.
    const policy = await iam.passwords.updateAccountPasswordPolicy(root, { minimumPasswordLength: 12, requireSymbols: true, requireNumbers: true });
    expect(policy).toMatchObject({ minimumPasswordLength: 12, requireSymbols: true, requireUppercaseCharacters: false, allowUsersToChangePassword: false, maxPasswordAge: null });
    expect(await iam.passwords.accountPasswordPolicy(root)).toEqual(policy);
    await expect(iam.passwords.createLoginProfile(root, { userName: 'Dana', password: 'Good-Pass-1' })).rejects.toThrow(/at least 12 characters/);
    await expect(iam.passwords.createLoginProfile(root, { userName: 'Dana', password: 'longenoughpassword1' })).rejects.toThrow(/one of the symbols/);
    await expect(iam.passwords.createLoginProfile(root, { userName: 'Dana', password: 'longenough-password' })).rejects.toThrow(/must contain a number/);
    await iam.passwords.createLoginProfile(root, { userName: 'Dana', password: 'longenough-password-1', passwordResetRequired: true });
    await expect(iam.passwords.createLoginProfile(root, { userName: 'Dana', password: 'longenough-password-2' })).rejects.toThrow(EntityAlreadyExistsError);

    // Policy bounds (UpdateAccountPasswordPolicy): refused, and the policy stays as it was.
    await expect(iam.passwords.updateAccountPasswordPolicy(root, { minimumPasswordLength: 5 })).rejects.toThrow(InvalidInputError);
    await expect(iam.passwords.updateAccountPasswordPolicy(root, { minimumPasswordLength: 129 })).rejects.toThrow(InvalidInputError);
    await expect(iam.passwords.updateAccountPasswordPolicy(root, { maxPasswordAge: 1096 })).rejects.toThrow(/1 and 1095/);
    await expect(iam.passwords.updateAccountPasswordPolicy(root, { passwordReusePrevention: 25 })).rejects.toThrow(/1 and 24/);
    expect(await iam.passwords.accountPasswordPolicy(root)).toEqual(policy);
    // The call sets the whole policy: what it leaves out takes its default.
    expect((await iam.passwords.updateAccountPasswordPolicy(root, { requireUppercaseCharacters: true })).minimumPasswordLength).toBe(6);
    await iam.passwords.deleteAccountPasswordPolicy(root);
    await expect(iam.passwords.accountPasswordPolicy(root)).rejects.toThrow(NoSuchEntityError);
    await expect(iam.passwords.deleteAccountPasswordPolicy(root)).rejects.toThrow(NoSuchEntityError);
  });

  it('never puts a password or its hash in an event, the audit log or the read model in the clear', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    await iam.users.create(root, { userName: 'erin' });
    const password = 'Unmistakable-Secret-42';
    await iam.passwords.createLoginProfile(root, { userName: 'erin', password });
    await iam.passwords.updateLoginProfile(root, { userName: 'erin', password: 'Another-Secret-43' });
    const stored = JSON.stringify(await eventsOf(root.accountId));
    expect(stored).not.toContain(password);
    expect(stored).not.toContain('Another-Secret-43');
    expect(stored).not.toContain('$argon2');
    expect(stored).toContain('LoginProfileCreated');
    const audit = JSON.stringify(await iam.audit.events(root, { eventTypes: ['LoginProfileCreated', 'LoginProfileUpdated'] }, { first: 10 }));
    expect(audit).toContain('[encrypted]');
    expect(audit).not.toContain('ciphertext');
    const row = await inAccountTransaction(service.wardenDb.db, root.accountId, (trx) =>
      trx.selectFrom('users').select('login_profile').where('account_id', '=', root.accountId).where('user_name', '=', 'erin').executeTakeFirstOrThrow(),
    );
    expect(JSON.stringify(row.login_profile)).not.toContain('$argon2');
    // AWS: a user with a login profile cannot be deleted until it is removed.
    await expect(iam.users.delete(root, 'erin')).rejects.toThrow(DeleteConflictError);
    await iam.passwords.deleteLoginProfile(root, 'erin');
    await expect(iam.passwords.deleteLoginProfile(root, 'erin')).rejects.toThrow(NoSuchEntityError);
    await iam.users.delete(root, 'erin');
  });

  it('lets a user change its own password only with the old one, when the account or a policy grants it, and never past an explicit Deny', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const frank = await iam.users.create(root, { userName: 'frank' });
    const grace = await iam.users.create(root, { userName: 'grace' });
    await iam.passwords.createLoginProfile(root, { userName: 'frank', password: 'First-Password-1', passwordResetRequired: true });
    const asFrank = userCaller(root.accountId, frank);
    // No password policy: nothing grants iam:ChangePassword.
    await expect(iam.passwords.changePassword(asFrank, { oldPassword: 'First-Password-1', newPassword: 'Second-Password-2' })).rejects.toThrow(AccessDeniedError);
    await expect(iam.passwords.accountPasswordPolicy(asFrank)).rejects.toThrow(AccessDeniedError);
    // AllowUsersToChangePassword grants it to every user, on itself, and lets users read the policy.
    await iam.passwords.updateAccountPasswordPolicy(root, { minimumPasswordLength: 10, allowUsersToChangePassword: true });
    expect((await iam.passwords.accountPasswordPolicy(asFrank)).minimumPasswordLength).toBe(10);
    await expect(iam.passwords.changePassword(asFrank, { oldPassword: 'wrong-old-password', newPassword: 'Second-Password-2' })).rejects.toThrow(/old password is not correct/);
    await expect(iam.passwords.changePassword(asFrank, { oldPassword: 'First-Password-1', newPassword: 'short' })).rejects.toThrow(PasswordPolicyViolationError);
    await iam.passwords.changePassword(asFrank, { oldPassword: 'First-Password-1', newPassword: 'Second-Password-2' });
    // The old password no longer works; the new one does; the forced change is cleared.
    await expect(iam.passwords.changePassword(asFrank, { oldPassword: 'First-Password-1', newPassword: 'Third-Password-3' })).rejects.toThrow(/old password is not correct/);
    const profile = await inAccountTransaction(service.wardenDb.db, root.accountId, (trx) =>
      trx.selectFrom('users').select('login_profile').where('account_id', '=', root.accountId).where('user_id', '=', frank.userId).executeTakeFirstOrThrow(),
    );
    expect(profile.login_profile?.passwordResetRequired).toBe(false);
    // A user without a login profile has nothing to change.
    await expect(iam.passwords.changePassword(userCaller(root.accountId, grace), { oldPassword: 'x', newPassword: 'Whatever-Pass-1' })).rejects.toThrow(NoSuchEntityError);
    // An explicit Deny beats the account-level grant.
    await iam.users.putInlinePolicy(root, 'frank', 'NoPasswordChange', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:ChangePassword', Resource: '*' }] }));
    await expect(iam.passwords.changePassword(asFrank, { oldPassword: 'Second-Password-2', newPassword: 'Third-Password-3' })).rejects.toThrow(AccessDeniedError);
    await iam.users.deleteInlinePolicy(root, 'frank', 'NoPasswordChange');
    // Without the account grant, the managed IAMUserChangePassword policy grants it, on oneself only.
    await iam.passwords.updateAccountPasswordPolicy(root, { minimumPasswordLength: 10 });
    await expect(iam.passwords.changePassword(asFrank, { oldPassword: 'Second-Password-2', newPassword: 'Third-Password-3' })).rejects.toThrow(AccessDeniedError);
    await iam.users.attachPolicy(root, 'frank', 'arn:aws:iam::aws:policy/IAMUserChangePassword');
    await iam.passwords.changePassword(asFrank, { oldPassword: 'Second-Password-2', newPassword: 'Third-Password-3' });
    // Root is not an IAM user: ChangePassword is for IAM users (AWS: InvalidUserType).
    await expect(iam.passwords.changePassword(root, { oldPassword: 'a', newPassword: 'b' })).rejects.toThrow(InvalidUserTypeError);
  });

  it('refuses the last N passwords under PasswordReusePrevention N, and only those', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const ken = await iam.users.create(root, { userName: 'ken' });
    const asKen = userCaller(root.accountId, ken);
    await iam.passwords.updateAccountPasswordPolicy(root, { allowUsersToChangePassword: true, passwordReusePrevention: 2 });
    await iam.passwords.createLoginProfile(root, { userName: 'ken', password: 'Password-One-1' });
    await iam.passwords.changePassword(asKen, { oldPassword: 'Password-One-1', newPassword: 'Password-Two-2' });
    // The last 2: the current one and the one before it.
    await expect(iam.passwords.changePassword(asKen, { oldPassword: 'Password-Two-2', newPassword: 'Password-One-1' })).rejects.toThrow(/last 2 passwords/);
    await expect(iam.passwords.updateLoginProfile(root, { userName: 'ken', password: 'Password-Two-2' })).rejects.toThrow(PasswordPolicyViolationError);
    await iam.passwords.changePassword(asKen, { oldPassword: 'Password-Two-2', newPassword: 'Password-Three-3' });
    // Password-One-1 is now the third most recent: allowed again under N = 2, refused under N = 3.
    await iam.passwords.updateAccountPasswordPolicy(root, { allowUsersToChangePassword: true, passwordReusePrevention: 3 });
    await expect(iam.passwords.changePassword(asKen, { oldPassword: 'Password-Three-3', newPassword: 'Password-One-1' })).rejects.toThrow(/last 3 passwords/);
    await iam.passwords.updateAccountPasswordPolicy(root, { allowUsersToChangePassword: true, passwordReusePrevention: 2 });
    await iam.passwords.changePassword(asKen, { oldPassword: 'Password-Three-3', newPassword: 'Password-One-1' });
  });

  it('tells a caller without the permission nothing: not the policy, not a reuse match, not whether the user exists', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const mallory = await iam.users.create(root, { userName: 'mallory' });
    await iam.users.create(root, { userName: 'victim' });
    await iam.passwords.updateAccountPasswordPolicy(root, { minimumPasswordLength: 12, passwordReusePrevention: 5 });
    await iam.passwords.createLoginProfile(root, { userName: 'victim', password: 'Victims-Secret-1' });
    const asMallory = userCaller(root.accountId, mallory);
    // The guess is the victim's password: a reuse refusal would confirm it.
    await expect(iam.passwords.updateLoginProfile(asMallory, { userName: 'victim', password: 'Victims-Secret-1' })).rejects.toThrow(AccessDeniedError);
    await expect(iam.passwords.createLoginProfile(asMallory, { userName: 'victim', password: 'short' })).rejects.toThrow(AccessDeniedError);
    await expect(iam.passwords.createLoginProfile(asMallory, { userName: 'no-such-user', password: 'short' })).rejects.toThrow(AccessDeniedError);
    await expect(iam.passwords.deleteLoginProfile(asMallory, 'no-such-user')).rejects.toThrow(AccessDeniedError);
    await expect(iam.passwords.deleteLoginProfile(asMallory, 'victim')).rejects.toThrow(AccessDeniedError);
    await expect(iam.passwords.updateLoginProfile(root, { userName: 'no-such-user', password: 'Whatever-Long-1' })).rejects.toThrow(NoSuchEntityError);
  });

  it('replays login profiles and the password policy to the same read model', async () => {
    const root = await newAccount(service);
    const { iam } = service;
    await iam.users.create(root, { userName: 'hana' });
    await iam.passwords.createLoginProfile(root, { userName: 'hana', password: 'Replay-Password-1', passwordResetRequired: true });
    await iam.passwords.updateLoginProfile(root, { userName: 'hana', passwordResetRequired: false });
    await iam.passwords.updateAccountPasswordPolicy(root, { minimumPasswordLength: 14, hardExpiry: true, maxPasswordAge: 90 });
    const read = () =>
      inAccountTransaction(service.wardenDb.db, root.accountId, async (trx) => ({
        user: await trx.selectFrom('users').select('login_profile').where('account_id', '=', root.accountId).executeTakeFirstOrThrow(),
        account: await trx.selectFrom('accounts').select('settings').where('account_id', '=', root.accountId).executeTakeFirstOrThrow(),
      }));
    const live = await read();
    expect(live.user.login_profile?.passwordResetRequired).toBe(false);
    await replayReadModels(service.wardenDb.db, { accountId: root.accountId });
    expect(await read()).toEqual(live);
  });
});
