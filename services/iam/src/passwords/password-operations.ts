import { type Database, type LoginProfileRow, streamLockKey, type UserRow } from '@warden/db';
import type { Kysely } from 'kysely';
import { type AccountCommand, accountDecider } from '../accounts/account.decider.js';
import type { Caller } from '../kernel/command-context.js';
import type { AttemptQueue } from '../sign-in/attempt-queue.js';
import { accountThrottle } from '../accounts/sign-in-throttle-settings.js';
import { failureCounter, throttleVerdict, userSubject } from '../sign-in/sign-in-throttle.js';
import { signInEventAppend } from '../sign-in/sign-in-log.js';
import { AccessDeniedError, InvalidInputError, LimitExceededError, InvalidUserTypeError, NoSuchEntityError, PasswordPolicyViolationError } from '../kernel/iam-error.js';
import type { IamCore } from '../service/iam-core.js';
import { findUserRowByName, requireUserRowByName } from '../users/user-repository.js';
import { entityArn } from '../kernel/arns.js';
import { type UserCommand, userDecider } from '../users/user.decider.js';
import { appendTo } from '../service/write-spec.js';
import { hashPassword, verifyPassword } from '../crypto/password-hashing.js';
import { checkPassword, PASSWORD_POLICY_UPDATE_DEFAULTS, type PasswordPolicy, passwordPolicyOf } from '../accounts/password-policy.js';
import { passwordContext, rootPasswordContext } from '../kernel/encryption-contexts.js';

/** A user's console password as AWS's GetLoginProfile tells of it. */
export interface LoginProfile {
  readonly userName: string;
  readonly createdAt: Date;
  readonly passwordResetRequired: boolean;
}

/**
 * Console passwords (login profiles) and the account password policy. Every password is checked
 * against the policy with a message naming the rule it breaks, hashed with argon2id and encrypted
 * before any event sees it.
 */
export class PasswordOperations {
  constructor(
    private readonly core: IamCore,
    private readonly attempts: AttemptQueue,
  ) {}

  private async policyOf(db: Kysely<Database>, accountId: string): Promise<PasswordPolicy | null> {
    const row = await db.selectFrom('accounts').select('settings').where('account_id', '=', accountId).executeTakeFirst();
    return row ? passwordPolicyOf(row.settings) : null;
  }

  private async sealedHash(accountId: string, userId: string, password: string) {
    return this.core.keyring.encrypt(await hashPassword(password), passwordContext(accountId, userId));
  }

  private async matches(accountId: string, userId: string, sealed: LoginProfileRow['passwordHash'], password: string): Promise<boolean> {
    await this.core.keyring.ensure(sealed.keyId);
    return verifyPassword(this.core.keyring.decrypt(sealed, passwordContext(accountId, userId)), password);
  }

  /** PasswordReusePrevention N: the new password may not be any of the last N, the current one included. */
  private async refuseReuse(accountId: string, userId: string, profile: LoginProfileRow | null, policy: PasswordPolicy | null, password: string): Promise<void> {
    const remembered = policy?.passwordReusePrevention ?? 0;
    if (!profile || remembered === 0) return;
    for (const sealed of [profile.passwordHash, ...(profile.previousPasswordHashes ?? [])].slice(0, remembered)) {
      if (await this.matches(accountId, userId, sealed, password)) {
        throw new PasswordPolicyViolationError(`The password must differ from the last ${remembered} passwords (the account's password policy).`);
      }
    }
  }

  /**
   * The user and the policy, once the caller is known to be allowed the action on that user: a
   * password's rules and its reuse check must tell nothing to a caller who may not set it (and cost
   * no argon2 work). The write asks again in its own transaction, after the hashing, which holds no
   * lock: a permission changed meanwhile counts.
   */
  private authorizedTarget(caller: Caller, action: string, userName: string) {
    return this.core.read(caller, async (trx) => {
      // Authorized before existence is told: a missing user is named by its ARN at path "/".
      const found = await findUserRowByName(trx, caller.accountId, userName);
      await this.core.authorize(trx, caller, action, found?.arn ?? entityArn(this.core.partition, caller.accountId, 'user', '/', userName));
      if (!found) throw new NoSuchEntityError(`The user with name ${userName} cannot be found.`);
      return { user: found, policy: await this.policyOf(trx, caller.accountId) };
    });
  }

  /** A write of the account's stream that needs only the caller's permission. */
  private async accountWrite(caller: Caller, action: string, resource: string, command: AccountCommand): Promise<void> {
    await this.core.write(caller, {
      locks: [streamLockKey(`account/${caller.accountId}`)],
      permissions: () => [{ action, resource }],
      appends: () => appendTo(accountDecider, `account/${caller.accountId}`, command),
    });
  }

  /** A write of the stream of a user `authorizedTarget` found. */
  private async userWrite(caller: Caller, action: string, user: UserRow, command: UserCommand): Promise<void> {
    await this.core.write(caller, {
      locks: [streamLockKey(`user/${user.user_id}`)],
      permissions: () => [{ action, resource: user.arn }],
      appends: () => appendTo(userDecider, `user/${user.user_id}`, command),
    });
  }

  async accountPasswordPolicy(caller: Caller): Promise<PasswordPolicy> {
    return this.core.read(caller, async (trx) => {
      const policy = await this.policyOf(trx, caller.accountId);
      // AllowUsersToChangePassword also lets every IAM user read the policy its password must meet.
      await this.core.authorize(trx, caller, 'iam:GetAccountPasswordPolicy', '*', {}, caller.kind === 'user' && policy?.allowUsersToChangePassword === true);
      if (!policy) throw new NoSuchEntityError('The Password Policy with domain name ' + caller.accountId + ' cannot be found.');
      return policy;
    });
  }

  async updateAccountPasswordPolicy(caller: Caller, changes: Partial<PasswordPolicy>): Promise<PasswordPolicy> {
    const policy: PasswordPolicy = { ...PASSWORD_POLICY_UPDATE_DEFAULTS, ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined && value !== null)) };
    await this.accountWrite(caller, 'iam:UpdateAccountPasswordPolicy', '*', { type: 'UpdateAccountPasswordPolicy', policy });
    return policy;
  }

  async deleteAccountPasswordPolicy(caller: Caller): Promise<void> {
    await this.accountWrite(caller, 'iam:DeleteAccountPasswordPolicy', '*', { type: 'DeleteAccountPasswordPolicy' });
  }

  async createLoginProfile(caller: Caller, input: { userName: string; password: string; passwordResetRequired?: boolean | null }): Promise<void> {
    const { user, policy } = await this.authorizedTarget(caller, 'iam:CreateLoginProfile', input.userName);
    checkPassword(input.password, policy, { userName: user.user_name });
    const passwordHash = await this.sealedHash(caller.accountId, user.user_id, input.password);
    await this.userWrite(caller, 'iam:CreateLoginProfile', user, { type: 'CreateLoginProfile', passwordHash, passwordResetRequired: input.passwordResetRequired ?? false });
  }

  async updateLoginProfile(caller: Caller, input: { userName: string; password?: string | null; passwordResetRequired?: boolean | null }): Promise<void> {
    const { user, policy } = await this.authorizedTarget(caller, 'iam:UpdateLoginProfile', input.userName);
    let passwordHash = null;
    if (input.password !== undefined && input.password !== null) {
      checkPassword(input.password, policy, { userName: user.user_name });
      await this.refuseReuse(caller.accountId, user.user_id, user.login_profile, policy, input.password);
      passwordHash = await this.sealedHash(caller.accountId, user.user_id, input.password);
    }
    await this.userWrite(caller, 'iam:UpdateLoginProfile', user, {
      type: 'UpdateLoginProfile',
      passwordHash,
      passwordResetRequired: input.passwordResetRequired ?? user.login_profile?.passwordResetRequired ?? false,
    });
  }

  /**
   * AWS's GetLoginProfile: that the user has a console password, since when, and whether it must be
   * reset; never the password. Without a name, the calling IAM user's own.
   */
  async loginProfile(caller: Caller, userName: string | undefined): Promise<LoginProfile> {
    const name = userName ?? caller.userName;
    if (!name) throw new InvalidInputError('userName is required when the caller is not an IAM user.');
    const { user } = await this.authorizedTarget(caller, 'iam:GetLoginProfile', name);
    if (!user.login_profile) throw new NoSuchEntityError(`Login Profile for User ${user.user_name} cannot be found.`);
    return { userName: user.user_name, createdAt: new Date(user.login_profile.createdAt), passwordResetRequired: user.login_profile.passwordResetRequired };
  }

  async deleteLoginProfile(caller: Caller, userName: string): Promise<void> {
    const { user } = await this.authorizedTarget(caller, 'iam:DeleteLoginProfile', userName);
    await this.userWrite(caller, 'iam:DeleteLoginProfile', user, { type: 'DeleteLoginProfile' });
  }

  /**
   * An IAM user changes its own password. It needs iam:ChangePassword on itself, from its policies
   * (IAMUserChangePassword) or from the account: AllowUsersToChangePassword grants it to every user,
   * though an explicit Deny still holds.
   */
  async changePassword(caller: Caller, input: { oldPassword: string; newPassword: string }): Promise<void> {
    if (caller.kind !== 'user' || !caller.userName) throw new InvalidUserTypeError('ChangePassword is for IAM users: the root user and roles have no login profile to change.');
    // In the user's turn with sign-in attempts: parallel wrong guesses are counted one by one.
    await this.attempts.oneAtATime(`${caller.accountId}|${userSubject(caller.userName)}`, () => this.changePasswordInTurn(caller, input));
  }

  /** changePassword for a caller that already holds the user's attempt turn (sign-in's forced change). */
  async changePasswordInTurn(caller: Caller, input: { oldPassword: string; newPassword: string }): Promise<void> {
    if (caller.kind !== 'user' || !caller.userName) throw new InvalidUserTypeError('ChangePassword is for IAM users: the root user and roles have no login profile to change.');
    const userName = caller.userName;
    const subject = userSubject(userName);
    const { user, policy, throttle, counter } = await this.core.read(caller, async (trx) => {
      const [self, account] = await Promise.all([
        requireUserRowByName(trx, caller.accountId, userName),
        trx.selectFrom('accounts').select('settings').where('account_id', '=', caller.accountId).executeTakeFirstOrThrow(),
      ]);
      const accountPolicy = passwordPolicyOf(account.settings);
      await this.core.authorize(trx, caller, 'iam:ChangePassword', self.arn, {}, accountPolicy?.allowUsersToChangePassword === true);
      const failures = await trx.selectFrom('sign_in_failures').selectAll().where('account_id', '=', caller.accountId).where('subject', '=', subject).executeTakeFirst();
      return { user: self, policy: accountPolicy, throttle: accountThrottle(account.settings), counter: failures };
    });
    // Wrong old passwords count with the user's failed sign-ins: a stolen session must not become an
    // unthrottled way to guess the password (AWS answers ChangePassword with LimitExceeded).
    const verdict = counter ? throttleVerdict(throttle, [failureCounter(counter)], this.core.clock.now()) : undefined;
    if (verdict) throw new LimitExceededError(`Too many invalid passwords: try again in ${verdict.retryAfterSeconds} seconds.`);
    const profile = user.login_profile;
    if (!profile) throw new NoSuchEntityError(`Login Profile for User ${user.user_name} cannot be found.`);
    if (!(await this.matches(caller.accountId, user.user_id, profile.passwordHash, input.oldPassword))) {
      const failed = {
        type: 'SignInFailed' as const,
        data: { userName: user.user_name, reason: 'wrong-old-password' as const, sourceIp: caller.sourceIp ?? null, counts: [{ subject, forgetAfterSeconds: throttle.lockoutSeconds }] },
      };
      // Recorded as the caller's act; it was authorized for the change above, and the failure is its own.
      await this.core.write(caller, { appends: () => signInEventAppend(failed, user.arn) });
      throw new InvalidInputError('The old password is not correct.');
    }
    if (input.newPassword === input.oldPassword) throw new InvalidInputError('The new password must differ from the old one.');
    checkPassword(input.newPassword, policy, { userName: user.user_name });
    await this.refuseReuse(caller.accountId, user.user_id, profile, policy, input.newPassword);
    const passwordHash = await this.sealedHash(caller.accountId, user.user_id, input.newPassword);
    // The grant is decided again in the writing transaction: a policy changed meanwhile counts.
    await this.core.write(caller, {
      locks: [streamLockKey(`user/${user.user_id}`)],
      load: async (trx) => (await this.policyOf(trx, caller.accountId))?.allowUsersToChangePassword === true,
      permissions: (granted) => [{ action: 'iam:ChangePassword', resource: user.arn, accountGrant: granted }],
      appends: () => appendTo(userDecider, `user/${user.user_id}`, { type: 'ChangePassword' as const, passwordHash }),
    });
  }

  /**
   * The root user's console login: its email and password. Only the root user may set them (as in
   * AWS, where no IAM policy reaches the root user's credentials). The root password follows AWS's
   * root rules (the default policy's), not the account's policy, which is for IAM users.
   */
  async setRootLoginProfile(caller: Caller, input: { email: string; password: string }): Promise<void> {
    if (caller.kind !== 'root') throw new AccessDeniedError(`${caller.arn} is not the root user: only the root user can set the root user's email and password.`);
    checkPassword(input.password, null, {});
    const passwordHash = this.core.keyring.encrypt(await hashPassword(input.password), rootPasswordContext(caller.accountId));
    await this.accountWrite(caller, 'iam:UpdateLoginProfile', caller.arn, { type: 'SetRootLoginProfile', email: input.email.trim(), passwordHash });
  }
}
