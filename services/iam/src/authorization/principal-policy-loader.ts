import type { Database, PrincipalType, RoleRow, UserRow } from '@warden/db';
import type { NamedPolicy } from '@warden/policy';
import type { ExpressionBuilder, Kysely } from 'kysely';
import { loadManagedPolicyDocuments } from './managed-policy-documents.js';

/**
 * Everything that decides what a principal may do, read from the read models: its attached and
 * inline policies, for a user also those of its groups, and its permissions boundary. Policies are
 * named by their own names, and a managed one also by its ARN (two managed policies may share a
 * name on different paths, or one of AWS's), so that a decision can point at them.
 */
export interface PrincipalRecord {
  readonly type: 'user' | 'role';
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly accountId: string;
  readonly permissionsBoundaryArn: string | null;
  readonly tags: readonly { key: string; value: string }[];
}

/** The record of a user or role row, as authorization works with it. */
export function userRecord(user: UserRow): PrincipalRecord {
  return { type: 'user', id: user.user_id, name: user.user_name, arn: user.arn, accountId: user.account_id, permissionsBoundaryArn: user.permissions_boundary_arn, tags: user.tags };
}

export function roleRecord(role: RoleRow): PrincipalRecord {
  return { type: 'role', id: role.role_id, name: role.role_name, arn: role.arn, accountId: role.account_id, permissionsBoundaryArn: role.permissions_boundary_arn, tags: role.tags };
}

/** Whose policies to load: a principal, or a group (which has its own policies and no boundary). */
export type PolicyOwner = Pick<PrincipalRecord, 'id' | 'name' | 'accountId' | 'permissionsBoundaryArn'> & { readonly type: PrincipalType };

export interface PrincipalPolicies {
  readonly identityPolicies: readonly NamedPolicy[];
  readonly permissionBoundary: NamedPolicy | null;
}

/** A managed policy as a decision names it: its name (the ARN's last segment) and its ARN. */
export function managedPolicy(arn: string, document: unknown): NamedPolicy {
  return { name: arn.slice(arn.lastIndexOf('/') + 1), arn, document };
}

/**
 * A session policy as the session holds it: the managed ones (PolicyArns) by ARN, the inline one by
 * a label. A policy name cannot hold a colon, so a name that is an ARN is a managed policy's.
 */
export function sessionPolicy(policy: { readonly name: string; readonly document: unknown }): NamedPolicy {
  return policy.name.startsWith('arn:') ? managedPolicy(policy.name, policy.document) : policy;
}

export async function loadPrincipalPolicies(db: Kysely<Database>, principal: PolicyOwner): Promise<PrincipalPolicies> {
  const accountId = principal.accountId;
  const owners: { type: PrincipalType; id: string }[] = [{ type: principal.type, id: principal.id }];
  if (principal.type === 'user') {
    const groups = await db
      .selectFrom('group_memberships')
      .innerJoin('groups', (join) => join.onRef('groups.account_id', '=', 'group_memberships.account_id').onRef('groups.group_id', '=', 'group_memberships.group_id'))
      .select(['groups.group_id'])
      .where('group_memberships.account_id', '=', accountId)
      .where('group_memberships.user_id', '=', principal.id)
      .execute();
    for (const group of groups) owners.push({ type: 'group', id: group.group_id });
  }
  const ownerFilter = (eb: ExpressionBuilder<Database, 'policy_attachments' | 'inline_policies'>) =>
    eb.or(owners.map((owner) => eb.and([eb('principal_type', '=', owner.type), eb('principal_id', '=', owner.id)])));
  const [attachments, inline] = await Promise.all([
    db.selectFrom('policy_attachments').select(['policy_arn']).where('account_id', '=', accountId).where(ownerFilter).orderBy('attached_at').execute(),
    db.selectFrom('inline_policies').select(['principal_type', 'principal_id', 'policy_name', 'document']).where('account_id', '=', accountId).where(ownerFilter).orderBy('policy_name').execute(),
  ]);
  const managedArns = attachments.map((row) => row.policy_arn);
  const boundaryArn = principal.permissionsBoundaryArn;
  const documents = await loadManagedPolicyDocuments(db, accountId, boundaryArn ? [...managedArns, boundaryArn] : managedArns);
  return principalPolicies(
    managedArns,
    inline.map((row) => ({ name: row.policy_name, document: row.document })),
    boundaryArn,
    (arn) => documents.get(arn),
  );
}

/**
 * A principal's policies from what it holds (its own and its groups' attached ARNs, inline
 * policies, boundary) and the default document of each managed policy: the one assembly of the
 * live read and of a point-in-time fold (`history/`), so both evaluate the same policy set.
 */
export function principalPolicies(
  attachedArns: readonly string[],
  inline: readonly { readonly name: string; readonly document: string }[],
  boundaryArn: string | null,
  documentOf: (arn: string) => string | undefined,
): PrincipalPolicies {
  const identityPolicies: NamedPolicy[] = [];
  for (const arn of new Set(attachedArns)) {
    const document = documentOf(arn);
    if (document !== undefined) identityPolicies.push(managedPolicy(arn, document));
  }
  for (const policy of inline) identityPolicies.push({ name: policy.name, document: policy.document });
  // A boundary naming a policy that no longer exists allows nothing (never everything).
  const permissionBoundary = boundaryArn ? managedPolicy(boundaryArn, documentOf(boundaryArn) ?? '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}') : null;
  return { identityPolicies, permissionBoundary };
}
