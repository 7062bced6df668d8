import type { Caller } from '../kernel/command-context.js';
import type { Group } from '../groups/group.js';
import { listGroups, listGroupsWithPolicy } from '../groups/group-repository.js';
import type { ManagedPolicy, PolicyUsage } from '../policies/managed-policy.js';
import { nameKey } from '../naming/index.js';
import { listManagedPolicies } from '../policies/managed-policy-repository.js';
import type { PolicyVersion } from '../policies/policy-version.js';
import { listAccountPolicyVersions } from '../policies/policy-version-repository.js';
import type { Role } from '../roles/role.js';
import { listRoles, listRolesWithBoundary, listRolesWithPolicy } from '../roles/role-repository.js';
import type { IamCore } from '../service/iam-core.js';
import type { User } from '../users/user.js';
import { listUsers, listUsersWithBoundary, listUsersWithPolicy } from '../users/user-repository.js';

/**
 * Who has what: the entities a managed policy is attached to (ListEntitiesForPolicy), and the
 * whole account's users, groups, roles and policies with their attachments and inline policies
 * (GetAccountAuthorizationDetails), for audits and for a tenant admin's overview.
 */
export interface EntitiesForPolicy {
  readonly users: readonly User[];
  readonly groups: readonly Group[];
  readonly roles: readonly Role[];
}

export interface InlinePolicyDetail {
  readonly policyName: string;
  readonly document: string;
}

export interface PrincipalDetail<Entity> {
  readonly entity: Entity;
  readonly attachedPolicyArns: readonly string[];
  readonly inlinePolicies: readonly InlinePolicyDetail[];
}

export interface AccountAuthorizationDetails {
  readonly users: readonly (PrincipalDetail<User> & { readonly groupNames: readonly string[] })[];
  readonly groups: readonly PrincipalDetail<Group>[];
  readonly roles: readonly PrincipalDetail<Role>[];
  readonly policies: readonly { readonly policy: ManagedPolicy; readonly versions: readonly PolicyVersion[]; readonly attachmentCount: number }[];
}

export class AuthorizationDetailsOperations {
  constructor(private readonly core: IamCore) {}

  /**
   * AWS's ListEntitiesForPolicy: the users, groups and roles that use the policy, each list in
   * name order. AWS's PolicyUsageFilter: PermissionsPolicy those it is attached to,
   * PermissionsBoundary the users and roles it bounds (a group has no boundary), neither both
   * (an entity using it both ways listed once); PathPrefix keeps the entities whose path starts with it.
   */
  async entitiesForPolicy(caller: Caller, policyArn: string, options: { pathPrefix?: string | null; usage?: PolicyUsage | null } = {}): Promise<EntitiesForPolicy> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListEntitiesForPolicy', policyArn);
      const account = caller.accountId;
      const attached = options.usage !== 'PermissionsBoundary';
      const bounded = options.usage !== 'PermissionsPolicy';
      const [users, groups, roles, boundedUsers, boundedRoles] = await Promise.all([
        attached ? listUsersWithPolicy(trx, account, policyArn) : [],
        attached ? listGroupsWithPolicy(trx, account, policyArn) : [],
        attached ? listRolesWithPolicy(trx, account, policyArn) : [],
        bounded ? listUsersWithBoundary(trx, account, policyArn) : [],
        bounded ? listRolesWithBoundary(trx, account, policyArn) : [],
      ]);
      const kept = <Entity extends { path: string }>(entities: readonly Entity[], idOf: (entity: Entity) => string, nameOf: (entity: Entity) => string): Entity[] =>
        [...new Map(entities.map((entity) => [idOf(entity), entity])).values()]
          .filter((entity) => !options.pathPrefix || entity.path.startsWith(options.pathPrefix))
          .sort((a, b) => (nameKey(nameOf(a)) < nameKey(nameOf(b)) ? -1 : 1));
      return {
        users: kept(
          [...users, ...boundedUsers],
          (user) => user.userId,
          (user) => user.userName,
        ),
        groups: kept(
          groups,
          (group) => group.groupId,
          (group) => group.groupName,
        ),
        roles: kept(
          [...roles, ...boundedRoles],
          (role) => role.roleId,
          (role) => role.roleName,
        ),
      };
    });
  }

  async accountAuthorizationDetails(caller: Caller): Promise<AccountAuthorizationDetails> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GetAccountAuthorizationDetails', '*');
      const account = caller.accountId;
      const [users, groups, roles, policies, attachments, inline, memberships] = await Promise.all([
        listUsers(trx, account),
        listGroups(trx, account),
        listRoles(trx, account),
        listManagedPolicies(trx, account),
        trx.selectFrom('policy_attachments').selectAll().where('account_id', '=', account).orderBy('attached_at').execute(),
        trx.selectFrom('inline_policies').selectAll().where('account_id', '=', account).orderBy('policy_name').execute(),
        trx.selectFrom('group_memberships').selectAll().where('account_id', '=', account).execute(),
      ]);
      // Grouped once: an account of thousands of entities must not cost entities × rows.
      const attachedByOwner = groupBy(attachments, (row) => `${row.principal_type}|${row.principal_id}`);
      const inlineByOwner = groupBy(inline, (row) => `${row.principal_type}|${row.principal_id}`);
      const membershipsByUser = groupBy(memberships, (row) => row.user_id);
      const versionsByPolicy = await listAccountPolicyVersions(trx, account, policies);
      const attachmentsByArn = groupBy(attachments, (row) => row.policy_arn);
      const attachedTo = (type: string, id: string) => (attachedByOwner.get(`${type}|${id}`) ?? []).map((row) => row.policy_arn);
      const inlineOf = (type: string, id: string) => (inlineByOwner.get(`${type}|${id}`) ?? []).map((row) => ({ policyName: row.policy_name, document: row.document }));
      const groupNames = new Map(groups.map((group) => [group.groupId, group.groupName]));
      return {
        users: users.map((user) => ({
          entity: user,
          attachedPolicyArns: attachedTo('user', user.userId),
          inlinePolicies: inlineOf('user', user.userId),
          groupNames: (membershipsByUser.get(user.userId) ?? []).map((row) => groupNames.get(row.group_id) ?? row.group_id),
        })),
        groups: groups.map((group) => ({ entity: group, attachedPolicyArns: attachedTo('group', group.groupId), inlinePolicies: inlineOf('group', group.groupId) })),
        roles: roles.map((role) => ({ entity: role, attachedPolicyArns: attachedTo('role', role.roleId), inlinePolicies: inlineOf('role', role.roleId) })),
        policies: policies.map((policy) => ({
          policy,
          versions: versionsByPolicy.get(policy.policyId) ?? [],
          attachmentCount: attachmentsByArn.get(policy.arn)?.length ?? 0,
        })),
      };
    });
  }
}

/** Rows grouped by a key, each group in the rows' order. */
function groupBy<Row>(rows: readonly Row[], key: (row: Row) => string): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const name = key(row);
    const group = groups.get(name);
    if (group) group.push(row);
    else groups.set(name, [row]);
  }
  return groups;
}
