import { streamLockKey } from '@warden/db';
import { isDeepStrictEqual } from 'node:util';
import { awsManagedPolicyArn, entityArn } from '../kernel/arns.js';
import { policyArnKey, roleNameKey } from '../kernel/lock-keys.js';
import { DEFAULT_QUOTAS } from '../naming/index.js';
import { roleDecider } from '../roles/role.decider.js';
import type { RoleState } from '../roles/role.events.js';
import { appendTo, type StreamAppend } from '../service/write-spec.js';

/**
 * The role Organizations gives every account it creates, so that the management account can always
 * reach it: `OrganizationAccountAccessRole`, trusting the management account's root (so any of its
 * principals allowed sts:AssumeRole on the role), with AWS's AdministratorAccess attached. It is the
 * way back into a tenant whose root key was lost (see the README's recovery procedure).
 */
export const ORGANIZATION_ACCESS_ROLE_NAME = 'OrganizationAccountAccessRole';

export function organizationAccessRoleTrustPolicy(partition: string, managementAccountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${managementAccountId}:root` }, Action: 'sts:AssumeRole' }],
  });
}

/** The keys a write creating the role must hold, in the new account. */
export function organizationAccessRoleLocks(partition: string, roleId: string): string[] {
  return [roleNameKey(ORGANIZATION_ACCESS_ROLE_NAME), streamLockKey(`role/${roleId}`), policyArnKey(awsManagedPolicyArn(partition, 'AdministratorAccess'))];
}

/** The role's creation and its policy's attachment, in the new account's role stream. */
export function organizationAccessRoleAppends(partition: string, accountId: string, managementAccountId: string, roleId: string): StreamAppend<RoleState>[] {
  const arn = entityArn(partition, accountId, 'role', '/', ORGANIZATION_ACCESS_ROLE_NAME);
  const streamId = `role/${roleId}`;
  const create = {
    type: 'CreateRole' as const,
    roleId,
    roleName: ORGANIZATION_ACCESS_ROLE_NAME,
    path: '/',
    arn,
    trustPolicy: organizationAccessRoleTrustPolicy(partition, managementAccountId),
    description: 'Lets the management account administer this account (Organizations).',
    maxSessionDuration: 3600,
    tags: [],
    permissionsBoundaryArn: null,
  };
  return [appendTo(roleDecider, streamId, create, { lockKeys: [roleNameKey(ORGANIZATION_ACCESS_ROLE_NAME)], resourceArn: arn }), attachAdministratorAccess(partition, roleId, arn)];
}

/** Appends nothing when the role already has it (the decider's rule for attaching a policy twice). */
function attachAdministratorAccess(partition: string, roleId: string, arn: string): StreamAppend<RoleState> {
  const attach = { type: 'AttachRolePolicy' as const, policyArn: awsManagedPolicyArn(partition, 'AdministratorAccess'), quota: DEFAULT_QUOTAS.managedPoliciesPerPrincipal };
  return appendTo(roleDecider, `role/${roleId}`, attach, { resourceArn: arn });
}

/** The role as an account has it now. */
export interface ExistingOrganizationAccessRole {
  readonly roleId: string;
  readonly arn: string;
  readonly trustPolicy: string;
}

/**
 * What puts an existing role back as it was created, for an account whose tenant changed it: its
 * trust policy (when it no longer is the one naming the management account, compared as JSON) and
 * AdministratorAccess (when detached). Nothing when it is intact; the tenant's additions (other
 * policies, tags) stay.
 */
export function organizationAccessRoleRepairs(partition: string, managementAccountId: string, role: ExistingOrganizationAccessRole): StreamAppend<RoleState>[] {
  const trustPolicy = organizationAccessRoleTrustPolicy(partition, managementAccountId);
  const sameTrust = isDeepStrictEqual(JSON.parse(role.trustPolicy), JSON.parse(trustPolicy));
  return [
    ...(sameTrust ? [] : [appendTo(roleDecider, `role/${role.roleId}`, { type: 'UpdateAssumeRolePolicy' as const, trustPolicy }, { resourceArn: role.arn })]),
    attachAdministratorAccess(partition, role.roleId, role.arn),
  ];
}
