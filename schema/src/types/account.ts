import type { AccountRow } from '@warden/db';
import type { CreatedAccount } from '@warden/iam';
import { builder } from '../builder.js';
import { NewAccessKeyRef } from './access-key.js';
import { mutationErrors, queryErrors } from './result-names.js';

export const AccountRef = builder.objectRef<AccountRow>('Account').implement({
  description: 'A tenant: a 12-digit id, and optionally a globally unique alias for its sign-in URL.',
  fields: (t) => ({
    accountId: t.exposeString('account_id'),
    alias: t.string({ nullable: true, resolve: (account) => account.alias }),
    name: t.exposeString('name'),
    isManagementAccount: t.exposeBoolean('is_management'),
    warnings: t.stringList({ nullable: true, description: 'What an administrator should know at once, such as root access keys in use; null when the caller may not read the account summary.', resolve: (account, _args, { iam, caller }) => iam.warnings.forAccount(caller, account) }),
    maxAccessKeyAgeDays: t.int({ nullable: true, description: "Users' access keys older than this are deactivated by a background job.", resolve: (account) => (account.settings['maxAccessKeyAgeDays'] as number | null | undefined) ?? null }),
    createDate: t.field({ type: 'DateTime', resolve: (account) => account.created_at }),
  }),
});

builder.queryField('account', (t) => t.field({ type: AccountRef, errors: queryErrors('account'), resolve: (_r, _a, { iam, caller }) => iam.accounts.get(caller) }));

const CreatedAccountRef = builder.objectRef<CreatedAccount>('CreatedAccount').implement({
  fields: (t) => ({
    account: t.field({ type: AccountRef, resolve: (created) => created.account }),
    rootAccessKey: t.field({ type: NewAccessKeyRef, resolve: (created) => created.rootAccessKey }),
  }),
});

builder.mutationField('createAccount', (t) =>
  t.field({
    type: CreatedAccountRef,
    description: 'Creates a tenant account (organizations:CreateAccount; management account principals only).',
    errors: mutationErrors('createAccount'),
    args: { input: t.arg({ type: builder.inputType('CreateAccountInput', { fields: (f) => ({ name: f.string({ required: true }), alias: f.string({ required: false }) }) }), required: true }) },
    resolve: (_r, { input }, { iam, caller }) => iam.accounts.create(caller, input),
  }),
);

const AliasInput = builder.inputType('AccountAliasInput', { fields: (t) => ({ accountAlias: t.string({ required: true }) }) });

builder.mutationField('createAccountAlias', (t) =>
  t.field({ type: AccountRef, errors: mutationErrors('createAccountAlias'), args: { input: t.arg({ type: AliasInput, required: true }) }, resolve: async (_r, { input }, { iam, caller }) => (await iam.accounts.createAlias(caller, input.accountAlias), iam.accounts.current(caller)) }),
);
builder.mutationField('deleteAccountAlias', (t) =>
  t.field({ type: AccountRef, errors: mutationErrors('deleteAccountAlias'), args: { input: t.arg({ type: AliasInput, required: true }) }, resolve: async (_r, { input }, { iam, caller }) => (await iam.accounts.deleteAlias(caller, input.accountAlias), iam.accounts.current(caller)) }),
);

builder.mutationField('updateAccountSettings', (t) =>
  t.field({
    type: AccountRef,
    errors: mutationErrors('updateAccountSettings'),
    args: { input: t.arg({ type: builder.inputType('UpdateAccountSettingsInput', { fields: (f) => ({ maxAccessKeyAgeDays: f.int({ required: false, description: 'null turns it off.' }) }) }), required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.accounts.updateSettings(caller, { maxAccessKeyAgeDays: input.maxAccessKeyAgeDays ?? null }), iam.accounts.current(caller)),
  }),
);
