import type { SignInOutcome } from '@warden/iam';
import { builder } from '../builder.js';
import { SIGN_IN_ERRORS } from './errors.js';
import { mutationErrors, passwordMutationErrors, queryErrors } from './result-names.js';

/**
 * Console sign-in: `signIn` is the one operation that runs without credentials. Each step of a
 * sign-in is an outcome: signed in (a console session's bearer token), or what the next attempt
 * must add (an MFA code, a new password, or an MFA device to enrol).
 */
type Outcome<K extends SignInOutcome['kind']> = Extract<SignInOutcome, { kind: K }>;

const SignedInRef = builder.objectRef<Outcome<'signed-in'>>('SignedIn').implement({
  description: 'A console session: send `Authorization: Bearer TOKEN` to /graphql until it expires or signOut.',
  fields: (t) => ({
    token: t.string({ resolve: (outcome) => outcome.session.token }),
    expiration: t.field({ type: 'DateTime', resolve: (outcome) => outcome.session.expiration }),
    principalArn: t.exposeString('principalArn'),
    mfaAuthenticated: t.exposeBoolean('mfaAuthenticated'),
  }),
});

const MfaCodeRequiredRef = builder.objectRef<Outcome<'mfa-code-required'>>('SignInMFACodeRequired').implement({
  description: 'The password is right and the principal has an MFA device: sign in again with mfaCode.',
  fields: (t) => ({ message: t.string({ resolve: () => 'Enter the code your MFA device shows.' }) }),
});

const PasswordChangeRequiredRef = builder.objectRef<Outcome<'password-change-required'>>('SignInPasswordChangeRequired').implement({
  description: 'The password must be changed now (an administrator required it, or it expired): sign in again with newPassword.',
  fields: (t) => ({ reason: t.string({ description: '`reset-required` or `expired`.', resolve: (outcome) => outcome.reason }) }),
});

const MfaEnrollmentRequiredRef = builder.objectRef<Outcome<'mfa-enrollment-required'>>('SignInMFAEnrollmentRequired').implement({
  description: 'The account requires MFA and the principal has no device: add this one to an authenticator app and sign in again with mfaEnrollment (two consecutive codes).',
  fields: (t) => ({
    serialNumber: t.string({ resolve: (outcome) => outcome.device.serialNumber }),
    base32StringSeed: t.string({ resolve: (outcome) => outcome.device.base32StringSeed }),
    otpauthUri: t.string({ resolve: (outcome) => outcome.device.otpauthUri }),
  }),
});

const SignInOutcomeRef = builder.unionType('SignInOutcome', {
  types: [SignedInRef, MfaCodeRequiredRef, PasswordChangeRequiredRef, MfaEnrollmentRequiredRef],
  resolveType: (outcome) =>
    outcome.kind === 'signed-in'
      ? SignedInRef
      : outcome.kind === 'mfa-code-required'
        ? MfaCodeRequiredRef
        : outcome.kind === 'password-change-required'
          ? PasswordChangeRequiredRef
          : MfaEnrollmentRequiredRef,
});

const SignInInput = builder.inputType('SignInInput', {
  fields: (f) => ({
    account: f.string({ required: true, description: 'The 12-digit account id or the account alias.' }),
    userName: f.string({ required: false, description: 'An IAM user; or give email to sign in as the root user.' }),
    email: f.string({ required: false, description: "The account's root email: signs in as the root user." }),
    password: f.string({ required: true }),
    mfaCode: f.string({ required: false }),
    newPassword: f.string({ required: false, description: 'When the outcome asked for a password change.' }),
    mfaEnrollment: f.field({
      type: builder.inputType('SignInMFAEnrollmentInput', {
        fields: (g) => ({ serialNumber: g.string({ required: true }), authenticationCode1: g.string({ required: true }), authenticationCode2: g.string({ required: true }) }),
      }),
      required: false,
      description: 'When the outcome asked to enrol an MFA device.',
    }),
  }),
});

builder.mutationField('signIn', (t) =>
  t.field({
    type: SignInOutcomeRef,
    description: 'Console sign-in. Needs no credentials. Every failure is SignInFailedError with the same message.',
    errors: mutationErrors('signIn', SIGN_IN_ERRORS),
    args: { input: t.arg({ type: SignInInput, required: true }) },
    resolve: (_r, { input }, { iam, requestFacts }) => iam.signIn.signIn(input, { requestId: requestFacts.requestId, sourceIp: requestFacts.sourceIp, userAgent: requestFacts.userAgent }),
  }),
);

builder.mutationField('signOut', (t) =>
  t.boolean({
    errors: mutationErrors('signOut'),
    description: "Ends the caller's console session: its bearer token is refused from now on.",
    resolve: async (_r, _a, { iam, caller }) => (await iam.signIn.signOut(caller), true),
  }),
);

builder.mutationField('clearSignInLockout', (t) =>
  t.boolean({
    errors: mutationErrors('clearSignInLockout'),
    description:
      'Forgets the failed sign-ins of a user name (iam:UpdateLoginProfile on the user), a source address or the root user (iam:UpdateAccountPasswordPolicy). False when there was nothing to clear.',
    args: {
      input: t.arg({
        type: builder.inputType('ClearSignInLockoutInput', {
          description: 'One of the three.',
          fields: (f) => ({ userName: f.string({ required: false }), sourceIp: f.string({ required: false }), rootUser: f.boolean({ required: false, description: "The root user's lockout." }) }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.signIn.clearSignInLockout(caller, input),
  }),
);

const SignInLockoutRef = builder.objectRef<{ subject: string; failures: number; lastFailureAt: Date; retryAfterSeconds: number; locked: boolean }>('SignInLockout').implement({
  fields: (t) => ({
    subject: t.exposeString('subject', { description: '`user:NAME` (lower case), `user#HASH` for a name that is no user, `root`, or `ip:ADDRESS` (only ever delayed, never locked).' }),
    failures: t.exposeInt('failures'),
    lastFailureAt: t.field({ type: 'DateTime', resolve: (row) => row.lastFailureAt }),
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', { description: '0: the next attempt may go ahead.' }),
    locked: t.exposeBoolean('locked'),
  }),
});

builder.queryField('signInLockouts', (t) =>
  t.field({
    type: [SignInLockoutRef],
    errors: queryErrors('signInLockouts'),
    description: "The account's consecutive sign-in failures, by user name and source address, and whether they are throttled now (iam:GetAccountPasswordPolicy).",
    resolve: (_r, _a, { iam, caller }) => iam.signIn.signInLockouts(caller),
  }),
);

builder.mutationField('setRootLoginProfile', (t) =>
  t.boolean({
    errors: passwordMutationErrors('setRootLoginProfile'),
    description: "The root user sets its email and console password (the root user only; AWS's root password rules).",
    args: {
      input: t.arg({ type: builder.inputType('SetRootLoginProfileInput', { fields: (f) => ({ email: f.string({ required: true }), password: f.string({ required: true }) }) }), required: true }),
    },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.passwords.setRootLoginProfile(caller, input), true),
  }),
);
