/** A customer-managed policy of an account: a named, versioned policy document that principals attach. */
export interface ManagedPolicy {
  readonly accountId: string;
  /** ANPA… */
  readonly policyId: string;
  readonly policyName: string;
  readonly path: string;
  readonly arn: string;
  readonly description: string | null;
  /** The version in force: `v1`, `v2`… */
  readonly defaultVersionId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * A managed policy as ListPolicies lists it: customer-managed or AWS-managed, with how many
 * entities of the account use it (AWS's AttachmentCount and PermissionsBoundaryUsageCount).
 */
export interface ListedPolicy extends ManagedPolicy {
  readonly awsManaged: boolean;
  readonly attachmentCount: number;
  readonly permissionsBoundaryUsageCount: number;
}

/** AWS's PolicyScopeType: every policy, AWS's managed ones only, or the account's own. */
export type PolicyScope = 'All' | 'AWS' | 'Local';
export const POLICY_SCOPES: readonly PolicyScope[] = ['All', 'AWS', 'Local'];

/** AWS's PolicyUsageType: a policy in use as an attached permissions policy, or as a permissions boundary. */
export type PolicyUsage = 'PermissionsPolicy' | 'PermissionsBoundary';
export const POLICY_USAGES: readonly PolicyUsage[] = ['PermissionsPolicy', 'PermissionsBoundary'];

/** ListPolicies' filters, as AWS's ListPolicies takes them. */
export interface PolicyListFilter {
  readonly scope: PolicyScope;
  readonly onlyAttached: boolean;
  readonly pathPrefix: string | null;
  readonly usage: PolicyUsage | null;
}
