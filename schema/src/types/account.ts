import {
  AccessDeniedError,
  ACCOUNT_QUOTA_NAMES,
  type Account,
  type AccountQuotaName,
  type AccountSettings,
  type CreatedAccount,
  DEFAULT_QUOTAS,
  InvalidInputError,
  NoSuchEntityError,
  QUOTA_ADJUSTABLE,
  QUOTA_MAXIMUMS,
  type Quotas,
  type SignInThrottleSettings,
} from '@warden/iam';
import { builder } from '../builder.js';
import { NewAccessKeyRef } from './access-key.js';
import { CLOSE_ACCOUNT_ERRORS, ENSURE_ORGANIZATION_ACCESS_ROLE_ERRORS } from './errors.js';
import { RoleRef } from './role.js';
import { pageSize, toConnection } from './pagination.js';
import { mutationErrors, queryErrors } from './result-names.js';

const SignInThrottleRef = builder.objectRef<SignInThrottleSettings>('SignInThrottle').implement({
  description:
    'After failuresBeforeDelay consecutive failures (per user name, and per source address) each attempt waits a delay that doubles per failure up to maxDelaySeconds; after failuresBeforeLockout, sign-in is locked for lockoutSeconds.',
  fields: (t) => ({
    failuresBeforeDelay: t.exposeInt('failuresBeforeDelay'),
    baseDelaySeconds: t.exposeInt('baseDelaySeconds'),
    maxDelaySeconds: t.exposeInt('maxDelaySeconds'),
    failuresBeforeLockout: t.exposeInt('failuresBeforeLockout'),
    lockoutSeconds: t.exposeInt('lockoutSeconds'),
  }),
});

const SignInThrottleInput = builder.inputType('SignInThrottleInput', {
  description: 'A value left out keeps its default.',
  fields: (f) => ({
    failuresBeforeDelay: f.int({ required: false }),
    baseDelaySeconds: f.int({ required: false }),
    maxDelaySeconds: f.int({ required: false }),
    failuresBeforeLockout: f.int({ required: false }),
    lockoutSeconds: f.int({ required: false }),
  }),
});

/** What each quota limits, as AWS's IAM quotas page names it. */
const QUOTA_SUBJECTS: Readonly<Record<AccountQuotaName, string>> = {
  users: 'IAM users in the account (also the limit on its virtual MFA devices, assigned or not)',
  groups: 'Groups in the account',
  roles: 'Roles in the account',
  customerManagedPolicies: 'Customer managed policies in the account',
  groupsPerUser: 'Groups a user can be a member of',
  managedPoliciesPerPrincipal: 'Managed policies attached to a user or a role',
  managedPoliciesPerGroup: 'Managed policies attached to a group',
  accessKeysPerUser: 'Access keys of a user, active or inactive',
  policyVersions: 'Stored versions of a managed policy',
  mfaDevicesPerUser: 'MFA devices in use by a user',
};

function quotaDescription(name: AccountQuotaName): string {
  const bound = QUOTA_ADJUSTABLE[name] ? `AWS allows up to ${QUOTA_MAXIMUMS[name]}` : 'AWS does not let it be raised';
  return `${QUOTA_SUBJECTS[name]}. AWS's default ${DEFAULT_QUOTAS[name]}; ${bound}.`;
}

const AccountQuotasRef = builder.objectRef<Quotas>('AccountQuotas').implement({
  description: "The quotas in force for an account: AWS's defaults, except where the management account set one (updateAccountQuotas).",
  fields: (t) => Object.fromEntries(ACCOUNT_QUOTA_NAMES.map((name) => [name, t.int({ description: quotaDescription(name), resolve: (quotas) => quotas[name] })])),
});

const AccountQuotasInput = builder.inputType('AccountQuotasInput', {
  description:
    'A quota left out (or null) keeps its value. Each is a whole number from 0 to its maximum: for a quota AWS lets an account raise, the most Service Quotas grants; for the others, their default. A quota below what the account already has stops new creations only.',
  fields: (f) => Object.fromEntries(ACCOUNT_QUOTA_NAMES.map((name) => [name, f.int({ required: false, description: quotaDescription(name) })])) as Record<AccountQuotaName, ReturnType<typeof f.int>>,
});

export const AccountRef = builder.objectRef<Account>('Account').implement({
  description: 'A tenant: a 12-digit id, and optionally a globally unique alias for its sign-in URL.',
  fields: (t) => ({
    accountId: t.exposeString('accountId'),
    alias: t.string({ nullable: true, resolve: (account) => account.alias }),
    name: t.exposeString('name'),
    isManagementAccount: t.exposeBoolean('isManagement'),
    warnings: t.stringList({
      nullable: true,
      description: 'What an administrator should know at once, such as root access keys in use; null when the caller may not read the account summary.',
      resolve: (account, _args, { iam, caller }) => iam.warnings.forAccount(caller, account),
    }),
    requireMfaForConsole: t.boolean({
      description: 'Every console sign-in needs MFA; a principal without a device enrols one at sign-in.',
      resolve: (account) => account.requireMfaForConsole,
    }),
    signInThrottle: t.field({ type: SignInThrottleRef, description: 'Thresholds of sign-in throttling and lockout.', resolve: (account) => account.signInThrottle }),
    maxAccessKeyAgeDays: t.int({
      nullable: true,
      description: "Users' access keys older than this are deactivated by a background job.",
      resolve: (account) => account.maxAccessKeyAgeDays,
    }),
    quotas: t.field({ type: AccountQuotasRef, description: 'The quotas in force (set by the management account with updateAccountQuotas).', resolve: (account) => account.quotas }),
    createDate: t.field({ type: 'DateTime', resolve: (account) => account.createdAt }),
  }),
});

const AccountStatusRef = builder.enumType('AccountStatus', {
  description: "An account's lifecycle, as Organizations names it: ACTIVE, then CLOSED by closeAccount.",
  values: ['ACTIVE', 'CLOSED'] as const,
});

const OrganizationAccountRef = builder.objectRef<Account>('OrganizationAccount').implement({
  description: 'An account of the platform as the management account sees it (accounts).',
  fields: (t) => ({
    accountId: t.exposeString('accountId'),
    name: t.exposeString('name'),
    alias: t.string({ nullable: true, description: 'Null when it has none; a closed account has released its alias.', resolve: (account) => account.alias }),
    status: t.field({ type: AccountStatusRef, resolve: (account) => account.status }),
    createdAt: t.field({ type: 'DateTime', resolve: (account) => account.createdAt }),
    closedAt: t.field({ type: 'DateTime', nullable: true, resolve: (account) => account.closedAt }),
  }),
});

const AccountFilterInput = builder.inputType('AccountFilter', {
  fields: (f) => ({
    status: f.field({ type: AccountStatusRef, required: false }),
    nameContains: f.string({ required: false, description: 'A part of the name, matched as typed but case-insensitively.' }),
  }),
});

builder.queryField('accounts', (t) =>
  t.connection({
    type: OrganizationAccountRef,
    description: 'Every account of the platform by account id (organizations:ListAccounts on arn:aws:organizations::MANAGEMENT_ACCOUNT_ID:account/*; management account principals only).',
    errors: queryErrors('accounts'),
    args: { filter: t.arg({ type: AccountFilterInput, required: false }) },
    resolve: async (_r, args, { iam, caller }) => {
      const first = pageSize(args);
      const accounts = await iam.accounts.list(caller, { status: args.filter?.status ?? null, nameContains: args.filter?.nameContains ?? null }, { after: args.after ?? null, first: first + 1 });
      return toConnection(accounts, first, (account) => account.accountId);
    },
  }),
);

builder.queryField('organizationAccount', (t) =>
  t.field({
    type: OrganizationAccountRef,
    description:
      "One account of the platform, closed or not: Organizations' DescribeAccount (organizations:DescribeAccount on arn:aws:organizations::MANAGEMENT_ACCOUNT_ID:account/ACCOUNT_ID; management account principals only).",
    errors: queryErrors('organizationAccount'),
    args: { accountId: t.arg.string({ required: true }) },
    resolve: (_r, args, { iam, caller }) => iam.accounts.describe(caller, args.accountId),
  }),
);

builder.mutationField('closeAccount', (t) =>
  t.field({
    type: OrganizationAccountRef,
    description:
      'Closes a tenant account (organizations:CloseAccount on arn:aws:organizations::MANAGEMENT_ACCOUNT_ID:account/ACCOUNT_ID; management account principals only). Every credential of the account is refused from then on, its alias is released, and its data stays for audit. The management account cannot be closed.',
    errors: mutationErrors('closeAccount', CLOSE_ACCOUNT_ERRORS),
    args: { input: t.arg({ type: builder.inputType('CloseAccountInput', { fields: (f) => ({ accountId: f.string({ required: true }) }) }), required: true }) },
    resolve: (_r, { input }, { iam, caller }) => iam.accounts.close(caller, input.accountId),
  }),
);

builder.mutationField('ensureOrganizationAccessRole', (t) =>
  t.field({
    type: RoleRef,
    description:
      "Gives an account OrganizationAccountAccessRole as createAccount does, for accounts made before every new account got it or whose tenant deleted it, and puts back an existing one's trust policy (naming the management account) and AdministratorAccess; an intact role is answered as it is, with nothing written (warden:EnsureOrganizationAccessRole on arn:aws:organizations::MANAGEMENT_ACCOUNT_ID:account/ACCOUNT_ID; management account principals only). Not for the management account or a closed one (ConstraintViolationError).",
    errors: mutationErrors('ensureOrganizationAccessRole', ENSURE_ORGANIZATION_ACCESS_ROLE_ERRORS),
    args: {
      input: t.arg({ type: builder.inputType('EnsureOrganizationAccessRoleInput', { fields: (f) => ({ accountId: f.string({ required: true }) }) }), required: true }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.accounts.ensureOrganizationAccessRole(caller, input.accountId),
  }),
);

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
  t.field({
    type: AccountRef,
    errors: mutationErrors('createAccountAlias'),
    args: { input: t.arg({ type: AliasInput, required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.accounts.createAlias(caller, input.accountAlias), iam.accounts.current(caller)),
  }),
);
builder.mutationField('deleteAccountAlias', (t) =>
  t.field({
    type: AccountRef,
    errors: mutationErrors('deleteAccountAlias'),
    args: { input: t.arg({ type: AliasInput, required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.accounts.deleteAlias(caller, input.accountAlias), iam.accounts.current(caller)),
  }),
);

builder.mutationField('updateAccountSettings', (t) =>
  t.field({
    type: AccountRef,
    errors: mutationErrors('updateAccountSettings'),
    description: 'Changes the settings given; a setting left out keeps its value, null turns it off (or back to its defaults).',
    args: {
      input: t.arg({
        type: builder.inputType('UpdateAccountSettingsInput', {
          fields: (f) => ({
            maxAccessKeyAgeDays: f.int({ required: false, description: 'null turns it off.' }),
            requireMfaForConsole: f.boolean({ required: false }),
            signInThrottle: f.field({ type: SignInThrottleInput, required: false, description: 'null restores the defaults.' }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, { iam, caller }) => {
      const settings: { -readonly [K in keyof AccountSettings]: AccountSettings[K] } = {};
      if (input.maxAccessKeyAgeDays !== undefined) settings.maxAccessKeyAgeDays = input.maxAccessKeyAgeDays;
      if (input.requireMfaForConsole !== undefined) settings.requireMfaForConsole = input.requireMfaForConsole;
      if (input.signInThrottle !== undefined) {
        settings.signInThrottle = input.signInThrottle === null ? null : Object.fromEntries(Object.entries(input.signInThrottle).filter(([, value]) => value !== null && value !== undefined));
      }
      await iam.accounts.updateSettings(caller, settings);
      return iam.accounts.current(caller);
    },
  }),
);

builder.mutationField('updateAccountQuotas', (t) =>
  t.field({
    type: AccountRef,
    errors: mutationErrors('updateAccountQuotas', [AccessDeniedError, InvalidInputError, NoSuchEntityError]),
    description:
      "Sets quotas of an account (warden:UpdateAccountQuotas on arn:aws:organizations::MANAGEMENT_ACCOUNT_ID:account/ACCOUNT_ID; management account principals only). The change is an event in the account's own audit log.",
    args: {
      input: t.arg({
        type: builder.inputType('UpdateAccountQuotasInput', { fields: (f) => ({ accountId: f.string({ required: true }), quotas: f.field({ type: AccountQuotasInput, required: true }) }) }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => {
      const quotas = Object.fromEntries(Object.entries(input.quotas).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
      return iam.accounts.updateQuotas(caller, input.accountId, quotas);
    },
  }),
);
