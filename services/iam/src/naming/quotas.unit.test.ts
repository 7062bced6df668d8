import { describe, expect, it } from 'vitest';
import { ACCOUNT_QUOTA_NAMES, checkAccountQuota, DEFAULT_QUOTAS, effectiveQuotas, QUOTA_ADJUSTABLE, QUOTA_MAXIMUMS, withQuotaOverrides } from './quotas.js';

/*
 * Source: IAM User Guide, "IAM and AWS STS quotas" (reference_iam-quotas), tables "Default quotas
 * for IAM entities" (adjustable), "Quotas for IAM entities" (not adjustable) and "IAM and STS
 * character limits" (policy sizes).
 */

describe('DEFAULT_QUOTAS', () => {
  it('has the adjustable defaults', () => {
    expect(DEFAULT_QUOTAS.groups).toBe(300); // Groups in an AWS account
    expect(DEFAULT_QUOTAS.roles).toBe(1000); // Roles in an AWS account
    expect(DEFAULT_QUOTAS.customerManagedPolicies).toBe(1500); // Customer managed policies in an AWS account
    expect(DEFAULT_QUOTAS.instanceProfiles).toBe(1000); // Instance profiles in an AWS account
    expect(DEFAULT_QUOTAS.managedPoliciesPerPrincipal).toBe(10); // Managed policies attached to an IAM role / user
    expect(DEFAULT_QUOTAS.roleTrustPolicySize).toBe(2048); // Role trust policy length
  });

  it('has the fixed quotas', () => {
    expect(DEFAULT_QUOTAS.users).toBe(5000); // Users in an AWS account
    expect(DEFAULT_QUOTAS.groupsPerUser).toBe(10); // Groups an IAM user can be a member of
    expect(DEFAULT_QUOTAS.managedPoliciesPerGroup).toBe(10); // Managed policies attached to an IAM group
    expect(DEFAULT_QUOTAS.accessKeysPerUser).toBe(2); // Access keys assigned to an IAM user
    expect(DEFAULT_QUOTAS.policyVersions).toBe(5); // Versions of a managed policy that can be stored
    expect(DEFAULT_QUOTAS.mfaDevicesPerUser).toBe(8); // MFA devices in use by an IAM user
    expect(DEFAULT_QUOTAS.tagsPerEntity).toBe(50); // Tags that can be attached to an IAM user / role / …
    expect(DEFAULT_QUOTAS.loginProfilesPerUser).toBe(1);
    expect(DEFAULT_QUOTAS.signingCertificatesPerUser).toBe(2);
    expect(DEFAULT_QUOTAS.sshPublicKeysPerUser).toBe(5);
    expect(DEFAULT_QUOTAS.accountAliases).toBe(1);
    expect(DEFAULT_QUOTAS.samlProviders).toBe(100);
    expect(DEFAULT_QUOTAS.oidcProviders).toBe(100);
  });

  it('has the policy size limits', () => {
    expect(DEFAULT_QUOTAS.managedPolicySize).toBe(6144);
    expect(DEFAULT_QUOTAS.userInlinePolicySize).toBe(2048);
    expect(DEFAULT_QUOTAS.groupInlinePolicySize).toBe(5120);
    expect(DEFAULT_QUOTAS.roleInlinePolicySize).toBe(10240);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(DEFAULT_QUOTAS)).toBe(true);
  });
});

describe('QUOTA_ADJUSTABLE', () => {
  it('covers every quota', () => {
    expect(Object.keys(QUOTA_ADJUSTABLE).sort()).toEqual(Object.keys(DEFAULT_QUOTAS).sort());
  });

  it('marks exactly the quotas the page lists as adjustable', () => {
    const adjustable = Object.entries(QUOTA_ADJUSTABLE)
      .filter(([, yes]) => yes)
      .map(([name]) => name)
      .sort();
    expect(adjustable).toEqual(['customerManagedPolicies', 'groups', 'instanceProfiles', 'managedPoliciesPerPrincipal', 'roleTrustPolicySize', 'roles']);
  });
});

describe('withQuotaOverrides', () => {
  it('replaces the given quotas and keeps the rest', () => {
    const quotas = withQuotaOverrides({ roles: 5000, users: 10 });
    expect(quotas.roles).toBe(5000);
    expect(quotas.users).toBe(10);
    expect(quotas.groups).toBe(300);
    expect(DEFAULT_QUOTAS.roles).toBe(1000);
    expect(Object.isFrozen(quotas)).toBe(true);
  });

  it('refuses unknown names and values that are not whole numbers, 0 or more', () => {
    expect(() => withQuotaOverrides({ widgets: 3 } as never)).toThrow('unknown quota "widgets"');
    expect(() => withQuotaOverrides({ roles: -1 })).toThrow('quota roles must be a whole number, 0 or more; got -1');
    expect(() => withQuotaOverrides({ roles: 1.5 })).toThrow(/got 1\.5/);
    expect(() => withQuotaOverrides({ roles: Number.POSITIVE_INFINITY })).toThrow(/got Infinity/);
  });
});

describe('QUOTA_MAXIMUMS', () => {
  it('has the Service Quotas maximum of each adjustable quota', () => {
    expect(QUOTA_MAXIMUMS.groups).toBe(500);
    expect(QUOTA_MAXIMUMS.roles).toBe(5000);
    expect(QUOTA_MAXIMUMS.customerManagedPolicies).toBe(5000);
    expect(QUOTA_MAXIMUMS.instanceProfiles).toBe(5000);
    expect(QUOTA_MAXIMUMS.managedPoliciesPerPrincipal).toBe(20);
    expect(QUOTA_MAXIMUMS.roleTrustPolicySize).toBe(4096);
  });

  it('keeps every fixed quota at its default', () => {
    for (const [name, adjustable] of Object.entries(QUOTA_ADJUSTABLE)) {
      if (!adjustable) expect(QUOTA_MAXIMUMS[name as keyof typeof QUOTA_MAXIMUMS], name).toBe(DEFAULT_QUOTAS[name as keyof typeof DEFAULT_QUOTAS]);
    }
  });
});

describe('account quotas', () => {
  it('are quotas with a default', () => {
    for (const name of ACCOUNT_QUOTA_NAMES) expect(Object.hasOwn(DEFAULT_QUOTAS, name), name).toBe(true);
  });

  it('accept 0 to the maximum, whole numbers only', () => {
    expect(checkAccountQuota('roles', 0)).toBeUndefined();
    expect(checkAccountQuota('roles', 5000)).toBeUndefined();
    expect(checkAccountQuota('roles', 5001)).toBe('Quota roles must be a whole number from 0 to 5000; got 5001.');
    expect(checkAccountQuota('users', -1)).toBe('Quota users must be a whole number from 0 to 5000 (AWS does not let it be raised); got -1.');
    expect(checkAccountQuota('policyVersions', 2.5)).toMatch(/got 2\.5\.$/);
  });

  it('in force are the overrides over the defaults, unknown names ignored', () => {
    const quotas = effectiveQuotas({ users: 3, bananas: 7 });
    expect(quotas.users).toBe(3);
    expect(quotas.groups).toBe(300);
    expect(Object.hasOwn(quotas, 'bananas')).toBe(false);
    expect(effectiveQuotas(null)).toEqual(DEFAULT_QUOTAS);
  });
});
