import type { PasswordPolicy } from '@warden/iam';
import { builder } from '../builder.js';
import { mutationErrors, passwordMutationErrors, queryErrors } from './result-names.js';

/**
 * Console passwords (login profiles) and the account password policy, as AWS IAM's
 * CreateLoginProfile, UpdateLoginProfile, DeleteLoginProfile, ChangePassword and
 * {Get,Update,Delete}AccountPasswordPolicy. A password goes in and never comes out.
 */
const PasswordPolicyRef = builder.objectRef<PasswordPolicy>('PasswordPolicy').implement({
  fields: (t) => ({
    minimumPasswordLength: t.exposeInt('minimumPasswordLength'),
    requireSymbols: t.exposeBoolean('requireSymbols'),
    requireNumbers: t.exposeBoolean('requireNumbers'),
    requireUppercaseCharacters: t.exposeBoolean('requireUppercaseCharacters'),
    requireLowercaseCharacters: t.exposeBoolean('requireLowercaseCharacters'),
    allowUsersToChangePassword: t.exposeBoolean('allowUsersToChangePassword', { description: 'Grants every IAM user iam:ChangePassword on itself and iam:GetAccountPasswordPolicy.' }),
    maxPasswordAge: t.exposeInt('maxPasswordAge', { nullable: true, description: 'Days, 1 to 1095; null: passwords do not expire.' }),
    passwordReusePrevention: t.exposeInt('passwordReusePrevention', { nullable: true, description: 'A new password may not be any of the last N (1 to 24); null: no reuse prevention.' }),
    hardExpiry: t.exposeBoolean('hardExpiry'),
  }),
});

builder.queryField('accountPasswordPolicy', (t) =>
  t.field({
    type: PasswordPolicyRef,
    errors: queryErrors('accountPasswordPolicy'),
    description: "The account's password policy; NoSuchEntityError when none is set (AWS's default policy applies).",
    resolve: (_r, _a, { iam, caller }) => iam.passwords.accountPasswordPolicy(caller),
  }),
);

const UpdateAccountPasswordPolicyInput = builder.inputType('UpdateAccountPasswordPolicyInput', {
  description: 'The whole policy: a value left out takes its default (as in AWS: length 6, nothing required, users may not change their password).',
  fields: (f) => ({
    minimumPasswordLength: f.int({ required: false }),
    requireSymbols: f.boolean({ required: false }),
    requireNumbers: f.boolean({ required: false }),
    requireUppercaseCharacters: f.boolean({ required: false }),
    requireLowercaseCharacters: f.boolean({ required: false }),
    allowUsersToChangePassword: f.boolean({ required: false }),
    maxPasswordAge: f.int({ required: false }),
    passwordReusePrevention: f.int({ required: false }),
    hardExpiry: f.boolean({ required: false }),
  }),
});

builder.mutationField('updateAccountPasswordPolicy', (t) =>
  t.field({
    type: PasswordPolicyRef,
    errors: mutationErrors('updateAccountPasswordPolicy'),
    args: { input: t.arg({ type: UpdateAccountPasswordPolicyInput, required: true }) },
    resolve: (_r, { input }, { iam, caller }) => iam.passwords.updateAccountPasswordPolicy(caller, input as Partial<PasswordPolicy>),
  }),
);

builder.mutationField('deleteAccountPasswordPolicy', (t) =>
  t.boolean({
    errors: mutationErrors('deleteAccountPasswordPolicy'),
    resolve: async (_r, _a, { iam, caller }) => (await iam.passwords.deleteAccountPasswordPolicy(caller), true),
  }),
);

builder.mutationField('createLoginProfile', (t) =>
  t.boolean({
    errors: passwordMutationErrors('createLoginProfile'),
    args: {
      input: t.arg({
        type: builder.inputType('CreateLoginProfileInput', {
          fields: (f) => ({ userName: f.string({ required: true }), password: f.string({ required: true }), passwordResetRequired: f.boolean({ required: false }) }),
        }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.passwords.createLoginProfile(caller, input), true),
  }),
);

builder.mutationField('updateLoginProfile', (t) =>
  t.boolean({
    errors: passwordMutationErrors('updateLoginProfile'),
    args: {
      input: t.arg({
        type: builder.inputType('UpdateLoginProfileInput', {
          fields: (f) => ({ userName: f.string({ required: true }), password: f.string({ required: false }), passwordResetRequired: f.boolean({ required: false }) }),
        }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.passwords.updateLoginProfile(caller, input), true),
  }),
);

builder.mutationField('deleteLoginProfile', (t) =>
  t.boolean({
    errors: mutationErrors('deleteLoginProfile'),
    args: { input: t.arg({ type: builder.inputType('DeleteLoginProfileInput', { fields: (f) => ({ userName: f.string({ required: true }) }) }), required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.passwords.deleteLoginProfile(caller, input.userName), true),
  }),
);

builder.mutationField('changePassword', (t) =>
  t.boolean({
    errors: passwordMutationErrors('changePassword'),
    description: 'An IAM user changes its own password.',
    args: {
      input: t.arg({
        type: builder.inputType('ChangePasswordInput', { fields: (f) => ({ oldPassword: f.string({ required: true }), newPassword: f.string({ required: true }) }) }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.passwords.changePassword(caller, input), true),
  }),
);
