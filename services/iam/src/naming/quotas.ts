/**
 * AWS IAM's default quotas (IAM User Guide, "IAM and AWS STS quotas", reference_iam-quotas:
 * "IAM object quotas" and "IAM and STS character limits"), as defaults for Warden's own
 * per-account limits. Counts are entities; sizes are policy characters not counting white space.
 *
 * AWS lets an account raise some of these through Service Quotas ("adjustable"); the others are
 * fixed. Which is which is recorded in `QUOTA_ADJUSTABLE` below. The AWS maxima for the adjustable
 * ones, as the page stated when this was written (they have grown over time): groups 500, roles
 * 5000, customer managed policies 5000, instance profiles 5000, managed policies per user or
 * role 20, role trust policy length 4096.
 *
 * Related quotas that follow from these rather than being separate numbers: virtual MFA devices in
 * an account and users in a group are both "equal to the user quota for the account".
 */
const defaults = {
  /** Users in an account. Fixed (AWS suggests temporary credentials for more). */
  users: 5000,
  /** Groups in an account. Adjustable. */
  groups: 300,
  /** Roles in an account. Adjustable. */
  roles: 1000,
  /** Customer managed policies in an account. Adjustable. */
  customerManagedPolicies: 1500,
  /** Instance profiles in an account. Adjustable. */
  instanceProfiles: 1000,
  /** Groups a user can be a member of. Fixed. */
  groupsPerUser: 10,
  /** Managed policies attached to a user or to a role. Adjustable. */
  managedPoliciesPerPrincipal: 10,
  /** Managed policies attached to a group. Fixed. */
  managedPoliciesPerGroup: 10,
  /** Access keys assigned to a user (active or inactive). Fixed. */
  accessKeysPerUser: 2,
  /** Versions of a managed policy that can be stored. Fixed. */
  policyVersions: 5,
  /** MFA devices in use by a user. Fixed. */
  mfaDevicesPerUser: 8,
  /** Tags on a user, role, customer managed policy or other taggable IAM resource. Fixed. */
  tagsPerEntity: 50,
  /** Login profiles (console passwords) for a user. Fixed. */
  loginProfilesPerUser: 1,
  /** Signing certificates assigned to a user. Fixed. */
  signingCertificatesPerUser: 2,
  /** SSH public keys assigned to a user. Fixed. */
  sshPublicKeysPerUser: 5,
  /** Aliases for an account. Fixed. */
  accountAliases: 1,
  /** SAML providers in an account. Fixed. */
  samlProviders: 100,
  /** OpenID Connect providers in an account. Fixed. */
  oidcProviders: 100,
  /** Role trust policy length, in characters. Adjustable. */
  roleTrustPolicySize: 2048,
  /** Managed policy document size, in characters. Fixed. */
  managedPolicySize: 6144,
  /** Aggregate size of a user's inline policies, in characters. Fixed. */
  userInlinePolicySize: 2048,
  /** Aggregate size of a group's inline policies, in characters. Fixed. */
  groupInlinePolicySize: 5120,
  /** Aggregate size of a role's inline policies, in characters. Fixed. */
  roleInlinePolicySize: 10240,
};

export const DEFAULT_QUOTAS: Readonly<typeof defaults> = Object.freeze(defaults);

export type Quotas = typeof DEFAULT_QUOTAS;
export type QuotaName = keyof Quotas;

/** Whether AWS lets an account raise each quota through Service Quotas. */
export const QUOTA_ADJUSTABLE: Readonly<Record<QuotaName, boolean>> = Object.freeze({
  users: false,
  groups: true,
  roles: true,
  customerManagedPolicies: true,
  instanceProfiles: true,
  groupsPerUser: false,
  managedPoliciesPerPrincipal: true,
  managedPoliciesPerGroup: false,
  accessKeysPerUser: false,
  policyVersions: false,
  mfaDevicesPerUser: false,
  tagsPerEntity: false,
  loginProfilesPerUser: false,
  signingCertificatesPerUser: false,
  sshPublicKeysPerUser: false,
  accountAliases: false,
  samlProviders: false,
  oidcProviders: false,
  roleTrustPolicySize: true,
  managedPolicySize: false,
  userInlinePolicySize: false,
  groupInlinePolicySize: false,
  roleInlinePolicySize: false,
});

/**
 * The most each quota can be set to. An adjustable quota goes up to the maximum AWS grants through
 * Service Quotas (the figures in this file's header); a fixed one cannot be raised, so its maximum
 * is its default.
 */
const raisedMaximums: Partial<Record<QuotaName, number>> = {
  groups: 500,
  roles: 5000,
  customerManagedPolicies: 5000,
  instanceProfiles: 5000,
  managedPoliciesPerPrincipal: 20,
  roleTrustPolicySize: 4096,
};

export const QUOTA_MAXIMUMS: Readonly<Record<QuotaName, number>> = Object.freeze(
  Object.fromEntries((Object.keys(DEFAULT_QUOTAS) as QuotaName[]).map((name) => [name, raisedMaximums[name] ?? DEFAULT_QUOTAS[name]])) as Record<QuotaName, number>,
);

/**
 * The quotas an account can have set for it (`updateAccountQuotas`): the ones Warden counts
 * against, per account, when something is created, attached or added. The others are either
 * AWS's fixed rules checked where they apply (tags, policy sizes) or about entities Warden does not
 * have (instance profiles, certificates, identity providers), and setting them would change nothing.
 * AWS counts virtual MFA devices in an account against the users quota, so they have none of their own.
 */
export const ACCOUNT_QUOTA_NAMES = [
  'users',
  'groups',
  'roles',
  'customerManagedPolicies',
  'groupsPerUser',
  'managedPoliciesPerPrincipal',
  'managedPoliciesPerGroup',
  'accessKeysPerUser',
  'policyVersions',
  'mfaDevicesPerUser',
] as const satisfies readonly QuotaName[];

export type AccountQuotaName = (typeof ACCOUNT_QUOTA_NAMES)[number];

/** Whether `name` is a quota an account can have set (an own property, never Object.prototype's). */
export function isAccountQuotaName(name: string): name is AccountQuotaName {
  return (ACCOUNT_QUOTA_NAMES as readonly string[]).includes(name);
}

/**
 * Why a value cannot be set for an account quota, or `undefined` when it can: a whole number from 0
 * (nothing more may be created) to the quota's maximum. Lowering a quota below what the account
 * already has is allowed: what exists stays, and nothing more is created until usage falls below it.
 */
export function checkAccountQuota(name: AccountQuotaName, value: number): string | undefined {
  if (!Number.isSafeInteger(value) || value < 0 || value > QUOTA_MAXIMUMS[name]) {
    return `Quota ${name} must be a whole number from 0 to ${QUOTA_MAXIMUMS[name]}${QUOTA_ADJUSTABLE[name] ? '' : ' (AWS does not let it be raised)'}; got ${String(value)}.`;
  }
  return undefined;
}

/** An account's quotas in force: its overrides over AWS's defaults. */
export function effectiveQuotas(overrides: Readonly<Record<string, number>> | null | undefined): Quotas {
  const result: Record<string, number> = { ...DEFAULT_QUOTAS };
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (Object.hasOwn(DEFAULT_QUOTAS, name) && typeof value === 'number') result[name] = value;
  }
  return result as Quotas;
}

/**
 * The defaults with some quotas replaced. Each override must be a whole number, 0 or more, and
 * name a known quota; anything else throws.
 */
export function withQuotaOverrides(overrides: Partial<Record<QuotaName, number>>): Quotas {
  const result: Record<string, number> = { ...DEFAULT_QUOTAS };
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(DEFAULT_QUOTAS, name)) throw new Error(`unknown quota ${JSON.stringify(name)}`);
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`quota ${name} must be a whole number, 0 or more; got ${String(value)}`);
    result[name] = value;
  }
  return Object.freeze(result as typeof defaults);
}
