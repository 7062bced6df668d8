import { randomBytes } from 'node:crypto';
import { inAccountTransaction, type LoginProfileRow, type RootLoginRow, streamLockKey } from '@warden/db';
import { entityArn, rootArn } from '../kernel/arns.js';
import type { AccountSettings } from '../accounts/account.events.js';
import type { Caller } from '../kernel/command-context.js';
import { AccessDeniedError, EntityAlreadyExistsError, InvalidAuthenticationCodeError, InvalidInputError, LimitExceededError, SignInFailedError, SignInThrottledError } from '../kernel/iam-error.js';
import { mfaDeviceDecider } from '../mfa/mfa-device.decider.js';
import { ROOT_OWNER } from '../mfa/mfa-device.events.js';
import { countEnabledMfaDevices, findMfaDevice } from '../mfa/mfa-device-lookups.js';
import { type CreatedVirtualMfaDevice, createdVirtualMfaDevice } from '../mfa/created-virtual-mfa-device.js';
import { acceptMfaCode } from '../mfa/mfa-code-check.js';
import { ENABLE_WINDOW, matchConsecutiveCodes, newTotpSeed, stepAt } from '../mfa/totp.js';
import { hashPassword, verifyPassword } from '../crypto/password-hashing.js';
import type { PasswordPolicy } from '../accounts/password-policy.js';
import type { IamCore } from '../service/iam-core.js';
import { findUserRowByName } from '../users/user-repository.js';
import type { ConsoleSession } from '../sessions/console-session.js';
import { AddressRateLimit } from '../kernel/address-rate-limit.js';
import type { AttemptQueue } from './attempt-queue.js';
import type { FailureCount, SignInEvent, SignInFailureReason } from './sign-in.events.js';
import { accountThrottle, type SignInThrottleSettings } from '../accounts/sign-in-throttle-settings.js';
import { addressSubject, failureCounter, ROOT_SUBJECT, throttleVerdict, unknownUserSubject, userSubject } from './sign-in-throttle.js';
import { signInEventAppend } from './sign-in-log.js';
import { appendTo, systemWriter } from '../service/write-spec.js';
import { mfaSeedContext, passwordContext, rootPasswordContext } from '../kernel/encryption-contexts.js';

/**
 * Console sign-in at an account's own sign-in URL: an IAM user by name, or the root user by the
 * account's root email, with a password and, when the principal has an MFA device, a code from it.
 * Success is a console session (a bearer token backed by temporary credentials). Every failure
 * answers the same sentence and costs one argon2id verification whether or not the user exists;
 * every attempt that reaches the password check is an event, and failures count towards throttling.
 */
export interface SignInInput {
  /** The 12-digit account id or the account alias. */
  readonly account: string;
  readonly userName?: string | null;
  /** The root user signs in with the account's root email instead of a user name. */
  readonly email?: string | null;
  readonly password: string;
  readonly mfaCode?: string | null;
  /** When the password must be changed at this sign-in (reset required, or expired). */
  readonly newPassword?: string | null;
  /** When the account requires MFA and the principal has none: the device offered at the previous attempt, and two consecutive codes. */
  readonly mfaEnrollment?: { readonly serialNumber: string; readonly authenticationCode1: string; readonly authenticationCode2: string } | null;
}

export interface SignInRequest {
  readonly sourceIp?: string | undefined;
  readonly userAgent?: string | undefined;
  readonly requestId?: string | undefined;
}

export type SignInOutcome =
  | { readonly kind: 'signed-in'; readonly session: ConsoleSession; readonly principalArn: string; readonly mfaAuthenticated: boolean }
  | { readonly kind: 'mfa-code-required' }
  | { readonly kind: 'password-change-required'; readonly reason: 'reset-required' | 'expired' }
  | { readonly kind: 'mfa-enrollment-required'; readonly device: CreatedVirtualMfaDevice };

/** AWS: console sessions of IAM users last 12 hours, the root user's 1 hour. */
const USER_SESSION_SECONDS = 12 * 3600;
const ROOT_SESSION_SECONDS = 3600;
/** Longer inputs are refused before hashing: argon2 of a megabyte is a denial of service. */
const MAX_PASSWORD_INPUT = 1024;
/** What the audit log shows for a user name that is no user (as CloudTrail does). */
const HIDDEN_USER_NAME = 'HIDDEN_DUE_TO_SECURITY_REASONS';
/** The path of the devices offered at sign-in when the account requires MFA. */
const ENROLMENT_PATH = '/sign-in/';

interface Principal {
  readonly arn: string;
  readonly ownerId: string;
  readonly userId: string | null;
  readonly userName: string | null;
  readonly subject: string;
}

/** The console sessions a sign-in opens and a sign-out closes (StsOperations keeps them). */
export interface ConsoleSessions {
  issueConsoleSession(
    principal: { accountId: string; arn: string; userId: string | null; userName: string | null },
    options: { durationSeconds: number; mfaAuthenticatedAt: Date | null; sourceIp?: string | undefined; userAgent?: string | undefined; requestId?: string | undefined },
  ): Promise<ConsoleSession>;
  revokeConsoleSession(caller: Caller): Promise<void>;
}

/** A user's own password change, made at sign-in when a reset is required (PasswordOperations makes it). */
export interface PasswordChange {
  changePasswordInTurn(caller: Caller, input: { oldPassword: string; newPassword: string }): Promise<void>;
}

/** What sign-in needs of other features; IamService wires them, so that no feature imports another's operations. */
export interface SignInDependencies {
  readonly consoleSessions: ConsoleSessions;
  readonly passwords: PasswordChange;
  readonly attempts: AttemptQueue;
  /** argon2id verification; injectable so that a test can count how often it runs. */
  readonly verify?: (hash: string, password: string) => Promise<boolean>;
}

/**
 * A ceiling on failed sign-ins per source address and minute, checked before the account is even
 * looked up. Attempts against accounts that do not exist cannot be audited or counted in an
 * account, yet each costs an argon2 verification; this is what bounds them. Every failure counts
 * alike, whether or not the account exists, so being refused tells nothing about which accounts
 * exist; successes do not count.
 */
const FAILURES_PER_ADDRESS_PER_MINUTE = 120;

export class SignInOperations {
  private dummyHash: Promise<string> | undefined;
  private readonly addressLimit = new AddressRateLimit(FAILURES_PER_ADDRESS_PER_MINUTE);
  private readonly verify: (hash: string, password: string) => Promise<boolean>;

  constructor(
    private readonly core: IamCore,
    private readonly deps: SignInDependencies,
  ) {
    this.verify = deps.verify ?? verifyPassword;
  }

  /**
   * The active account an id or alias names, read as the store's owner (the caller is not yet
   * anyone); a closed account is not found, so signing in to it fails as for an unknown account.
   */
  private async resolveAccount(account: string): Promise<string | undefined> {
    const trimmed = account.trim();
    const accounts = this.core.db.selectFrom('accounts').select('account_id').where('status', '=', 'ACTIVE');
    const row = /^\d{12}$/.test(trimmed) ? await accounts.where('account_id', '=', trimmed).executeTakeFirst() : await accounts.where('alias', '=', trimmed.toLowerCase()).executeTakeFirst();
    return row?.account_id;
  }

  /**
   * Verifies against a hash of a random password when there is nothing to verify against, so that
   * an unknown user or a user without a password costs the same argon2id work as a wrong password.
   */
  private async verifyOrWaste(sealed: { hash: { keyId: string; iv: string; ciphertext: string; tag: string }; context: string } | undefined, password: string): Promise<boolean> {
    if (!sealed) {
      this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await this.verify(await this.dummyHash, password);
      return false;
    }
    await this.core.keyring.ensure(sealed.hash.keyId);
    return this.verify(this.core.keyring.decrypt(sealed.hash, sealed.context), password);
  }

  async signIn(input: SignInInput, request: SignInRequest = {}): Promise<SignInOutcome> {
    const byEmail = input.email != null && input.email !== '';
    const byName = input.userName != null && input.userName !== '';
    if (byEmail === byName) throw new InvalidInputError('Give either userName (an IAM user) or email (the root user), not both.');
    if (typeof input.password !== 'string' || input.password.length > MAX_PASSWORD_INPUT) throw new SignInFailedError();
    if (request.sourceIp) {
      const wait = this.addressLimit.retryAfter(request.sourceIp, this.core.clock.now());
      if (wait > 0) throw new SignInThrottledError(wait, false);
    }
    const accountId = await this.resolveAccount(input.account);
    try {
      if (!accountId) {
        // Nowhere to audit it (events belong to an account); it still costs what a real attempt costs.
        await this.verifyOrWaste(undefined, input.password);
        throw new SignInFailedError();
      }
      // Attempts for one user name go one at a time (in this process): each sees the failures of the
      // one before, so a burst of parallel guesses cannot all pass the throttle check together.
      return await this.deps.attempts.oneAtATime(`${accountId}|${byName ? userSubject(input.userName) : ROOT_SUBJECT}`, () => this.attempt(accountId, input, request));
    } catch (error) {
      if (error instanceof SignInFailedError && request.sourceIp) this.addressLimit.record(request.sourceIp, this.core.clock.now());
      // The password hashing queue is full: the server is flooded with sign-ins.
      if (error instanceof LimitExceededError) throw new SignInThrottledError(1, false);
      throw error;
    }
  }

  private async attempt(accountId: string, input: SignInInput, request: SignInRequest): Promise<SignInOutcome> {
    const byName = input.userName != null && input.userName !== '';
    const now = this.core.clock.now();
    const loaded = await inAccountTransaction(this.core.db, accountId, async (trx) => {
      const account = await trx.selectFrom('accounts').select(['settings', 'root_login']).where('account_id', '=', accountId).executeTakeFirstOrThrow();
      const user = byName ? await findUserRowByName(trx, accountId, input.userName) : undefined;
      // A name that is no user is counted under a hash of it: people type passwords into the name field.
      const subject = byName ? (user ? userSubject(user.user_name) : unknownUserSubject(input.userName)) : ROOT_SUBJECT;
      const subjects = [subject, ...(request.sourceIp ? [addressSubject(request.sourceIp)] : [])];
      const counters = await trx.selectFrom('sign_in_failures').selectAll().where('account_id', '=', accountId).where('subject', 'in', subjects).execute();
      const ownerId = byName ? user?.user_id : ROOT_OWNER;
      const hasDevice = ownerId !== undefined && (await countEnabledMfaDevices(trx, accountId, ownerId)) > 0;
      // The settings column is jsonb, written only by the account's events.
      const settings = account.settings as AccountSettings & { passwordPolicy?: PasswordPolicy };
      return { settings, rootLogin: account.root_login, subject, counters, user, hasDevice };
    });
    const throttle = accountThrottle(loaded.settings);
    const verdict = throttleVerdict(throttle, loaded.counters.map(failureCounter), now);
    if (verdict) throw new SignInThrottledError(verdict.retryAfterSeconds, verdict.locked);

    const principal: Principal = byName
      ? {
          arn: loaded.user?.arn ?? entityArn(this.core.partition, accountId, 'user', '/', HIDDEN_USER_NAME),
          ownerId: loaded.user?.user_id ?? '',
          userId: loaded.user?.user_id ?? null,
          userName: loaded.user?.user_name ?? null,
          subject: loaded.subject,
        }
      : { arn: rootArn(this.core.partition, accountId), ownerId: ROOT_OWNER, userId: null, userName: null, subject: ROOT_SUBJECT };
    const profile: LoginProfileRow | RootLoginRow | null = byName ? (loaded.user?.login_profile ?? null) : loaded.rootLogin;
    const emailMatches = byName || (loaded.rootLogin !== null && loaded.rootLogin.email.toLowerCase() === input.email!.trim().toLowerCase());
    const sealed = profile && emailMatches ? { hash: profile.passwordHash, context: byName ? passwordContext(accountId, principal.userId!) : rootPasswordContext(accountId) } : undefined;
    const passwordOk = await this.verifyOrWaste(sealed, input.password);
    // A wrong root email counts against the address only: anyone can try, and the root user must
    // not be lockable by someone who does not even know its email.
    const fail = (reason: SignInFailureReason, counts: readonly string[] = [principal.subject]) => this.recordFailure(accountId, principal, reason, counts, throttle, request);
    if (!passwordOk) {
      if (!emailMatches) await fail('wrong-email', []);
      else await fail(byName ? (!loaded.user ? 'unknown-user' : !profile ? 'no-login-profile' : 'wrong-password') : 'wrong-password');
      throw new SignInFailedError();
    }

    // The password is right. Hard expiry refuses. Then what the next attempt must add is asked for
    // before an MFA code is consumed, so that a code is only used by an attempt that can finish;
    // a password change always needs the MFA code too.
    const policy = loaded.settings.passwordPolicy ?? null;
    const changedAt = Date.parse(profile!.passwordChangedAt);
    const expired = byName && policy?.maxPasswordAge != null && now.getTime() >= changedAt + policy.maxPasswordAge * 86_400_000;
    if (expired && policy.hardExpiry) {
      await fail('password-expired', []);
      throw new AccessDeniedError("Your password has expired, and the account's password policy does not let users renew an expired password: ask an administrator to reset it.");
    }
    const mustChange = byName && (expired || (profile as LoginProfileRow).passwordResetRequired);
    if (loaded.hasDevice && !input.mfaCode) return { kind: 'mfa-code-required' };
    if (mustChange && !input.newPassword) return { kind: 'password-change-required', reason: expired ? 'expired' : 'reset-required' };

    let mfaAt: Date | null = null;
    const metadata = { actorArn: principal.arn, ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}), ...(request.requestId ? { requestId: request.requestId } : {}) };
    if (loaded.hasDevice) {
      const accepted = await acceptMfaCode(this.core, accountId, principal.ownerId, input.mfaCode!, null, metadata);
      if (!accepted) {
        await fail('wrong-mfa-code');
        throw new SignInFailedError();
      }
      mfaAt = this.core.clock.now();
    } else if (loaded.settings.requireMfaForConsole === true) {
      if (!input.mfaEnrollment) return { kind: 'mfa-enrollment-required', device: await this.offerDevice(accountId, principal, metadata) };
      if (!(await this.enrol(accountId, principal, input.mfaEnrollment, metadata))) {
        await fail('wrong-mfa-code');
        throw new SignInFailedError();
      }
      mfaAt = this.core.clock.now();
    }

    if (mustChange) {
      // As the user itself, with the request's context: iam:ChangePassword from its policies or the
      // account's grant, the policy's rules, reuse prevention.
      const at = this.core.clock.now();
      await this.deps.passwords.changePasswordInTurn(
        {
          accountId,
          arn: principal.arn,
          kind: 'user',
          userId: principal.userId!,
          userName: principal.userName!,
          requestContext: {
            'aws:CurrentTime': at.toISOString(),
            'aws:EpochTime': String(Math.floor(at.getTime() / 1000)),
            'aws:MultiFactorAuthPresent': mfaAt ? 'true' : 'false',
            ...(mfaAt ? { 'aws:MultiFactorAuthAge': '0' } : {}),
            ...(request.sourceIp ? { 'aws:SourceIp': request.sourceIp } : {}),
            ...(request.userAgent ? { 'aws:UserAgent': request.userAgent } : {}),
          },
          ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}),
          ...(request.requestId ? { requestId: request.requestId } : {}),
        },
        { oldPassword: input.password, newPassword: input.newPassword! },
      );
    }

    const session = await this.deps.consoleSessions.issueConsoleSession(
      { accountId, arn: principal.arn, userId: principal.userId, userName: principal.userName },
      { durationSeconds: byName ? USER_SESSION_SECONDS : ROOT_SESSION_SECONDS, mfaAuthenticatedAt: mfaAt, sourceIp: request.sourceIp, userAgent: request.userAgent, requestId: request.requestId },
    );
    await this.record(accountId, principal.arn, request, {
      type: 'SignInSucceeded',
      data: {
        userName: principal.userName,
        principalArn: principal.arn,
        sessionId: session.sessionId,
        mfaAuthenticated: mfaAt !== null,
        sourceIp: request.sourceIp ?? null,
        clearedSubjects: [principal.subject],
      },
    });
    return { kind: 'signed-in', session, principalArn: principal.arn, mfaAuthenticated: mfaAt !== null };
  }

  private async recordFailure(
    accountId: string,
    principal: Principal,
    reason: SignInFailureReason,
    subjects: readonly string[],
    throttle: SignInThrottleSettings,
    request: SignInRequest,
  ): Promise<void> {
    const counted = [...subjects, ...(request.sourceIp ? [addressSubject(request.sourceIp)] : [])];
    const counts: FailureCount[] = counted.map((subject) => ({ subject, forgetAfterSeconds: throttle.lockoutSeconds }));
    await this.record(accountId, principal.arn, request, { type: 'SignInFailed', data: { userName: principal.userName, reason, sourceIp: request.sourceIp ?? null, counts } });
  }

  private async record(accountId: string, actorArn: string, request: SignInRequest, event: SignInEvent): Promise<void> {
    const metadata = {
      actorArn,
      resourceArn: actorArn,
      ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}),
      ...(request.userAgent ? { userAgent: request.userAgent } : {}),
      ...(request.requestId ? { requestId: request.requestId } : {}),
    };
    // Nobody is authenticated yet: Warden records the attempt, the principal tried as its actor.
    await this.core.write(systemWriter(accountId, metadata), { appends: () => signInEventAppend(event) });
  }

  /**
   * The account requires MFA and the principal has none: a new virtual device is made for it, and
   * its seed shown, so that the next attempt can enable it. Only a caller who knows the password
   * gets here.
   */
  private async offerDevice(accountId: string, principal: Principal, metadata: { actorArn: string }): Promise<CreatedVirtualMfaDevice> {
    const owner = principal.userName ?? 'root';
    const deviceName = `${owner}-${randomBytes(4).toString('hex')}`;
    const serialNumber = `arn:${this.core.partition}:iam::${accountId}:mfa${ENROLMENT_PATH}${deviceName}`;
    const deviceId = randomBytes(12).toString('hex');
    const seed = newTotpSeed();
    const serialKey = `mfa-serial/${serialNumber.toLowerCase()}`;
    await this.core.write(systemWriter(accountId, { ...metadata, resourceArn: serialNumber }), {
      locks: [streamLockKey(`mfa-device/${deviceId}`), serialKey],
      // The device offered at an earlier attempt and never enabled is replaced, not kept.
      load: async (trx) => {
        const earlier = await trx
          .selectFrom('mfa_devices')
          .select(['device_id', 'device_name'])
          .where('account_id', '=', accountId)
          .where('path', '=', ENROLMENT_PATH)
          .where('owner_id', 'is', null)
          .execute();
        return earlier.filter((candidate) => candidate.device_name.startsWith(`${owner}-`));
      },
      lockedAfterLoad: (earlier) => earlier.map((device) => streamLockKey(`mfa-device/${device.device_id}`)),
      appends: (earlier) => [
        ...earlier.map((device) => appendTo(mfaDeviceDecider, `mfa-device/${device.device_id}`, { type: 'DeleteVirtualMFADevice' as const })),
        appendTo(
          mfaDeviceDecider,
          `mfa-device/${deviceId}`,
          {
            type: 'CreateVirtualMFADevice' as const,
            data: { deviceId, serialNumber, deviceName, path: ENROLMENT_PATH, seed: this.core.keyring.encrypt(seed, mfaSeedContext(accountId, deviceId)), tags: [] },
          },
          { lockKeys: [serialKey] },
        ),
      ],
    });
    const alias = await this.core.db.selectFrom('accounts').select('alias').where('account_id', '=', accountId).executeTakeFirst();
    return createdVirtualMfaDevice(serialNumber, seed, `${owner}@${alias?.alias ?? accountId}`);
  }

  /**
   * Enables the device offered to this principal at sign-in (and only such a device: one an admin
   * made needs iam:EnableMFADevice), from two consecutive codes.
   */
  private async enrol(accountId: string, principal: Principal, enrollment: NonNullable<SignInInput['mfaEnrollment']>, metadata: { actorArn: string }): Promise<boolean> {
    const owner = principal.userName ?? 'root';
    const device = await inAccountTransaction(this.core.db, accountId, (trx) => findMfaDevice(trx, accountId, enrollment.serialNumber));
    if (!device || device.owner_id !== null || device.path !== ENROLMENT_PATH || !device.device_name.startsWith(`${owner}-`)) return false;
    await this.core.keyring.ensure(device.seed.keyId);
    const seed = this.core.keyring.decrypt(device.seed, mfaSeedContext(accountId, device.device_id));
    const step = matchConsecutiveCodes(seed, enrollment.authenticationCode1, enrollment.authenticationCode2, stepAt(this.core.clock.now()), ENABLE_WINDOW, Number(device.last_used_step));
    if (step === undefined) return false;
    try {
      const { answer } = await this.core.write(systemWriter(accountId, { ...metadata, resourceArn: device.serial_number }), {
        // Under the user's stream lock, as deleteUser counts devices: the user still exists, and its
        // name is the one a rename (whose append takes the same lock) left it.
        locks: [streamLockKey(`mfa-device/${device.device_id}`), ...(principal.userId ? [streamLockKey(`user/${principal.userId}`)] : [])],
        load: async (trx) => {
          if (!principal.userId) return owner;
          const still = await trx.selectFrom('users').select('user_name').where('account_id', '=', accountId).where('user_id', '=', principal.userId).executeTakeFirst();
          return still?.user_name;
        },
        appends: (ownerName) =>
          ownerName === undefined ? [] : [appendTo(mfaDeviceDecider, `mfa-device/${device.device_id}`, { type: 'EnableMFADevice' as const, ownerId: principal.ownerId, ownerName, step })],
        answer: (_trx, _written, ownerName) => ownerName !== undefined,
      });
      return answer;
    } catch (error) {
      if (error instanceof InvalidAuthenticationCodeError || error instanceof EntityAlreadyExistsError) return false;
      throw error;
    }
  }

  /** Ends the caller's console session. */
  signOut(caller: Caller): Promise<void> {
    return this.deps.consoleSessions.revokeConsoleSession(caller);
  }

  /**
   * An admin clears a lockout: a user's (needs iam:UpdateLoginProfile on the user; the name need
   * not exist, since failures for unknown names count too) or a source address's (needs
   * iam:UpdateAccountPasswordPolicy: it is an account-wide sign-in rule).
   */
  async clearSignInLockout(caller: Caller, input: { userName?: string | null; sourceIp?: string | null; rootUser?: boolean | null }): Promise<boolean> {
    const given = [input.userName != null, input.sourceIp != null, input.rootUser === true].filter(Boolean).length;
    if (given !== 1) throw new InvalidInputError('Give one of userName, sourceIp or rootUser.');
    const subjects = input.userName != null ? [userSubject(input.userName), unknownUserSubject(input.userName)] : input.sourceIp != null ? [addressSubject(input.sourceIp)] : [ROOT_SUBJECT];
    const { answer } = await this.core.write(caller, {
      load: async (trx) => {
        const user = input.userName != null ? await findUserRowByName(trx, caller.accountId, input.userName) : undefined;
        const existing = await trx.selectFrom('sign_in_failures').select('subject').where('account_id', '=', caller.accountId).where('subject', 'in', subjects).execute();
        return { user, existing };
      },
      permissions: ({ user }) =>
        input.userName != null
          ? [{ action: 'iam:UpdateLoginProfile', resource: user?.arn ?? entityArn(this.core.partition, caller.accountId, 'user', '/', input.userName) }]
          : [{ action: 'iam:UpdateAccountPasswordPolicy', resource: '*' }],
      appends: ({ existing }) => existing.map(({ subject }) => signInEventAppend({ type: 'SignInLockoutCleared', data: { subject } }, subject)),
      answer: (_trx, _written, { existing }) => existing.length > 0,
    });
    return answer;
  }

  /** The account's failure counters and what throttling makes of them now (for admins). */
  async signInLockouts(caller: Caller): Promise<{ subject: string; failures: number; lastFailureAt: Date; retryAfterSeconds: number; locked: boolean }[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GetAccountPasswordPolicy', '*');
      const account = await trx.selectFrom('accounts').select('settings').where('account_id', '=', caller.accountId).executeTakeFirstOrThrow();
      const throttle = accountThrottle(account.settings);
      const rows = await trx.selectFrom('sign_in_failures').selectAll().where('account_id', '=', caller.accountId).orderBy('last_failure_at', 'desc').limit(1000).execute();
      const now = this.core.clock.now();
      return rows.map((row) => {
        const verdict = throttleVerdict(throttle, [failureCounter(row)], now);
        return { subject: row.subject, failures: row.failures, lastFailureAt: new Date(row.last_failure_at), retryAfterSeconds: verdict?.retryAfterSeconds ?? 0, locked: verdict?.locked ?? false };
      });
    });
  }
}
