import type { GroupRow, PolicyRow, PolicyVersionRow, RoleRow, UserRow } from '@warden/db';
import type { Caller } from '../kernel/command-context.js';
import type { IamCore } from '../service/iam-core.js';

/**
 * Who has what: the entities a managed policy is attached to (ListEntitiesForPolicy), and the
 * whole account's users, groups, roles and policies with their attachments and inline policies
 * (GetAccountAuthorizationDetails), for audits and for a tenant admin's overview.
 */
export interface EntitiesForPolicy {
  readonly users: readonly UserRow[];
  readonly groups: readonly GroupRow[];
  readonly roles: readonly RoleRow[];
}

export interface InlinePolicyDetail {
  readonly policyName: string;
  readonly document: string;
}

export interface PrincipalDetail<Row> {
  readonly entity: Row;
  readonly attachedPolicyArns: readonly string[];
  readonly inlinePolicies: readonly InlinePolicyDetail[];
}

export interface AccountAuthorizationDetails {
  readonly users: readonly (PrincipalDetail<UserRow> & { readonly groupNames: readonly string[] })[];
  readonly groups: readonly PrincipalDetail<GroupRow>[];
  readonly roles: readonly PrincipalDetail<RoleRow>[];
  readonly policies: readonly { readonly policy: PolicyRow; readonly versions: readonly PolicyVersionRow[]; readonly attachmentCount: number }[];
}

export class AuthorizationDetailsOperations {
  constructor(private readonly core: IamCore) {}

  async entitiesForPolicy(caller: Caller, policyArn: string): Promise<EntitiesForPolicy> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListEntitiesForPolicy', policyArn);
      const attachments = trx.selectFrom('policy_attachments').select('principal_id').where('account_id', '=', caller.accountId).where('policy_arn', '=', policyArn);
      const [users, groups, roles] = await Promise.all([
        trx
          .selectFrom('users')
          .selectAll()
          .where('account_id', '=', caller.accountId)
          .where('user_id', 'in', attachments.where('principal_type', '=', 'user'))
          .orderBy('user_name_key')
          .execute(),
        trx
          .selectFrom('groups')
          .selectAll()
          .where('account_id', '=', caller.accountId)
          .where('group_id', 'in', attachments.where('principal_type', '=', 'group'))
          .orderBy('group_name_key')
          .execute(),
        trx
          .selectFrom('roles')
          .selectAll()
          .where('account_id', '=', caller.accountId)
          .where('role_id', 'in', attachments.where('principal_type', '=', 'role'))
          .orderBy('role_name_key')
          .execute(),
      ]);
      return { users, groups, roles };
    });
  }

  async accountAuthorizationDetails(caller: Caller): Promise<AccountAuthorizationDetails> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GetAccountAuthorizationDetails', '*');
      const account = caller.accountId;
      const [users, groups, roles, policies, versions, attachments, inline, memberships] = await Promise.all([
        trx.selectFrom('users').selectAll().where('account_id', '=', account).orderBy('user_name_key').execute(),
        trx.selectFrom('groups').selectAll().where('account_id', '=', account).orderBy('group_name_key').execute(),
        trx.selectFrom('roles').selectAll().where('account_id', '=', account).orderBy('role_name_key').execute(),
        trx.selectFrom('policies').selectAll().where('account_id', '=', account).orderBy('policy_name_key').execute(),
        trx.selectFrom('policy_versions').selectAll().where('account_id', '=', account).orderBy('created_at').execute(),
        trx.selectFrom('policy_attachments').selectAll().where('account_id', '=', account).orderBy('attached_at').execute(),
        trx.selectFrom('inline_policies').selectAll().where('account_id', '=', account).orderBy('policy_name').execute(),
        trx.selectFrom('group_memberships').selectAll().where('account_id', '=', account).execute(),
      ]);
      // Grouped once: an account of thousands of entities must not cost entities × rows.
      const attachedByOwner = groupBy(attachments, (row) => `${row.principal_type}|${row.principal_id}`);
      const inlineByOwner = groupBy(inline, (row) => `${row.principal_type}|${row.principal_id}`);
      const membershipsByUser = groupBy(memberships, (row) => row.user_id);
      const versionsByPolicy = groupBy(versions, (row) => row.policy_id);
      const attachmentsByArn = groupBy(attachments, (row) => row.policy_arn);
      const attachedTo = (type: string, id: string) => (attachedByOwner.get(`${type}|${id}`) ?? []).map((row) => row.policy_arn);
      const inlineOf = (type: string, id: string) => (inlineByOwner.get(`${type}|${id}`) ?? []).map((row) => ({ policyName: row.policy_name, document: row.document }));
      const groupNames = new Map(groups.map((group) => [group.group_id, group.group_name]));
      return {
        users: users.map((user) => ({
          entity: user,
          attachedPolicyArns: attachedTo('user', user.user_id),
          inlinePolicies: inlineOf('user', user.user_id),
          groupNames: (membershipsByUser.get(user.user_id) ?? []).map((row) => groupNames.get(row.group_id) ?? row.group_id),
        })),
        groups: groups.map((group) => ({ entity: group, attachedPolicyArns: attachedTo('group', group.group_id), inlinePolicies: inlineOf('group', group.group_id) })),
        roles: roles.map((role) => ({ entity: role, attachedPolicyArns: attachedTo('role', role.role_id), inlinePolicies: inlineOf('role', role.role_id) })),
        policies: policies.map((policy) => ({
          policy,
          versions: versionsByPolicy.get(policy.policy_id) ?? [],
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
