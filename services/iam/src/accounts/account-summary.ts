import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';
import { ROOT_OWNER } from '../mfa/mfa-device.events.js';
import type { Quotas } from '../naming/index.js';

/**
 * AWS's GetAccountSummary: the account's entity counts and quotas under AWS's SummaryMap keys
 * (IAM API Reference, GetAccountSummary; the summaryKeyType enum), in the order AWS documents them.
 */
export const ACCOUNT_SUMMARY_KEYS = [
  'Users',
  'UsersQuota',
  'Groups',
  'GroupsQuota',
  'Roles',
  'RolesQuota',
  'Policies',
  'PoliciesQuota',
  'PolicyVersionsInUse',
  'PolicyVersionsInUseQuota',
  'VersionsPerPolicyQuota',
  'PolicySizeQuota',
  'UserPolicySizeQuota',
  'GroupPolicySizeQuota',
  'RolePolicySizeQuota',
  'AssumeRolePolicySizeQuota',
  'GroupsPerUserQuota',
  'AttachedPoliciesPerUserQuota',
  'AttachedPoliciesPerGroupQuota',
  'AttachedPoliciesPerRoleQuota',
  'AccessKeysPerUserQuota',
  'SigningCertificatesPerUserQuota',
  'ServerCertificates',
  'ServerCertificatesQuota',
  'InstanceProfiles',
  'InstanceProfilesQuota',
  'MFADevices',
  'MFADevicesInUse',
  'AccountMFAEnabled',
  'AccountAccessKeysPresent',
  'AccountSigningCertificatesPresent',
  'Providers',
  'GlobalEndpointTokenVersion',
] as const;

export type AccountSummaryKey = (typeof ACCOUNT_SUMMARY_KEYS)[number];
export type AccountSummary = Readonly<Record<AccountSummaryKey, number>>;

/**
 * AWS's figures for what Warden has neither entities nor a per-account quota for: server
 * certificates (20 per account) and managed policy attachments in use across the account (10,000);
 * AWS's documented defaults, reported as AWS reports them.
 */
const AWS_FIXED_QUOTAS = { serverCertificates: 20, policyVersionsInUse: 10_000 } as const;

/**
 * Warden's session tokens are accepted whatever region a request is signed for, which is what
 * AWS's version 2 tokens are ("valid in all AWS Regions").
 */
const GLOBAL_ENDPOINT_TOKEN_VERSION = 2;

type CountedTable = 'users' | 'groups' | 'roles' | 'policies' | 'policy_attachments' | 'mfa_devices' | 'oidc_providers';

async function count(db: Kysely<Database>, table: CountedTable, accountId: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** How many of the account's MFA devices are enabled, for anyone or for the root user. */
async function enabledMfaDevices(db: Kysely<Database>, accountId: string): Promise<{ inUse: number; root: number }> {
  const row = await db
    .selectFrom('mfa_devices')
    .select((eb) => [eb.fn.countAll<string>().as('in_use'), eb.fn.count<string>(eb.case().when('owner_id', '=', ROOT_OWNER).then(1).end()).as('root')])
    .where('account_id', '=', accountId)
    .where('enabled_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return { inUse: Number(row.in_use), root: Number(row.root) };
}

async function rootAccessKeys(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('access_keys')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('account_id', '=', accountId)
    .where('user_id', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The summary of one account, read in the caller's transaction from the read models and the account's quotas. */
export async function accountSummary(db: Kysely<Database>, accountId: string, quotas: Quotas): Promise<AccountSummary> {
  const [users, groups, roles, policies, attachments, mfaDevices, enabled, rootKeys, providers] = await Promise.all([
    count(db, 'users', accountId),
    count(db, 'groups', accountId),
    count(db, 'roles', accountId),
    count(db, 'policies', accountId),
    count(db, 'policy_attachments', accountId),
    count(db, 'mfa_devices', accountId),
    enabledMfaDevices(db, accountId),
    rootAccessKeys(db, accountId),
    count(db, 'oidc_providers', accountId),
  ]);
  return {
    Users: users,
    UsersQuota: quotas.users,
    Groups: groups,
    GroupsQuota: quotas.groups,
    Roles: roles,
    RolesQuota: quotas.roles,
    Policies: policies,
    PoliciesQuota: quotas.customerManagedPolicies,
    PolicyVersionsInUse: attachments,
    PolicyVersionsInUseQuota: AWS_FIXED_QUOTAS.policyVersionsInUse,
    VersionsPerPolicyQuota: quotas.policyVersions,
    PolicySizeQuota: quotas.managedPolicySize,
    UserPolicySizeQuota: quotas.userInlinePolicySize,
    GroupPolicySizeQuota: quotas.groupInlinePolicySize,
    RolePolicySizeQuota: quotas.roleInlinePolicySize,
    AssumeRolePolicySizeQuota: quotas.roleTrustPolicySize,
    GroupsPerUserQuota: quotas.groupsPerUser,
    AttachedPoliciesPerUserQuota: quotas.managedPoliciesPerPrincipal,
    AttachedPoliciesPerGroupQuota: quotas.managedPoliciesPerGroup,
    AttachedPoliciesPerRoleQuota: quotas.managedPoliciesPerPrincipal,
    AccessKeysPerUserQuota: quotas.accessKeysPerUser,
    SigningCertificatesPerUserQuota: quotas.signingCertificatesPerUser,
    ServerCertificates: 0,
    ServerCertificatesQuota: AWS_FIXED_QUOTAS.serverCertificates,
    // Warden has no instance profiles yet: none, under the account's quota for them.
    InstanceProfiles: 0,
    InstanceProfilesQuota: quotas.instanceProfiles,
    MFADevices: mfaDevices,
    MFADevicesInUse: enabled.inUse,
    AccountMFAEnabled: enabled.root > 0 ? 1 : 0,
    AccountAccessKeysPresent: rootKeys > 0 ? 1 : 0,
    // Warden has no signing certificates.
    AccountSigningCertificatesPresent: 0,
    Providers: providers,
    GlobalEndpointTokenVersion: GLOBAL_ENDPOINT_TOKEN_VERSION,
  };
}
