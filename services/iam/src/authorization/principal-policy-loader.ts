import { type Database, preparedStatement, type PrincipalType, type RoleRow, type UserRow } from '@warden/db';
import type { NamedPolicy } from '@warden/policy';
import { CompiledQuery, type Kysely } from 'kysely';
import { WHOLE_ACCOUNT } from '../kernel/changed-entity.js';
import { awsManagedDocumentHash, findAwsManagedPolicy } from '../policy-documents/aws-managed-policies.js';
import { documentHash } from '../policy-documents/validated-document-hash.js';
import type { StoredPolicy } from './compiled-policy-cache.js';

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

/**
 * Whose policies to load: a user or a role (its row, boundary included, is read with them), by id
 * or by ARN, or a group (which has no boundary) by id.
 */
export type PolicyOwner = { readonly accountId: string; readonly type: PrincipalType; readonly id: string } | { readonly accountId: string; readonly type: 'user' | 'role'; readonly arn: string };

/** A managed policy as a decision names it: its name (the ARN's last segment) and its ARN. */
export function managedPolicy<Document>(arn: string, document: Document): NamedPolicy & { readonly document: Document } {
  return { name: arn.slice(arn.lastIndexOf('/') + 1), arn, document };
}

/**
 * A session policy as the session holds it: the managed ones (PolicyArns) by ARN, the inline one by
 * a label. A policy name cannot hold a colon, so a name that is an ARN is a managed policy's.
 */
export function sessionPolicy<Document>(policy: { readonly name: string; readonly document: Document }): NamedPolicy & { readonly document: Document } {
  return policy.name.startsWith('arn:') ? managedPolicy(policy.name, policy.document) : policy;
}

/**
 * A principal's stored policies, read in one statement, so in one snapshot with the account's
 * change epoch (`epoch`): identity policies in the order a decision numbers them (attached managed
 * policies by first attachment, then inline policies by name), the boundary, and the entities the
 * set was read from (`dependsOn`, stream ids as kernel/changed-entity.ts names them), whose change
 * makes it stale.
 */
export interface PrincipalPolicies {
  readonly epoch: string;
  /** The user or role as that snapshot has it (its tags, its boundary); undefined when it no longer exists, and for a group. */
  readonly principal: PrincipalRecord | undefined;
  readonly identityPolicies: readonly StoredPolicy[];
  readonly permissionBoundary: StoredPolicy | null;
  readonly dependsOn: readonly string[];
}

/** A boundary naming a policy that no longer exists allows nothing (never everything). */
const MISSING_BOUNDARY = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}';
const MISSING_BOUNDARY_HASH = documentHash(MISSING_BOUNDARY);

interface LoadedRow {
  epoch: string | null;
  principal: UserRow | RoleRow | string | null;
  groups: string[] | string;
  attached: string[] | string;
  inline: { owner_type: PrincipalType; owner_id: string; name: string; document: string; hash: string }[] | string;
  managed: { arn: string; id: string; version: string; document: string; hash: string }[] | string;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/**
 * The load is the database's `warden_principal_policies` (migration 0026): one statement, so one
 * round trip and one snapshot, and no transaction around it, since the function takes the
 * row-security role and the account itself. Prepared: planning even this call on every miss would
 * cost more than running it on the embedded store. $1 account, $2 the owner's type, $3 its id or
 * $4 its ARN.
 */
const LOAD_STATEMENT = preparedStatement('warden_principal_policies', 'SELECT warden_principal_policies($1::text, $2::text, $3::text, $4::text) AS loaded');

export async function loadPrincipalPolicies(db: Kysely<Database>, owner: PolicyOwner): Promise<PrincipalPolicies> {
  const { accountId, type } = owner;
  const { rows } = await db.executeQuery<{ loaded: LoadedRow | string }>(CompiledQuery.raw(LOAD_STATEMENT, [accountId, type, 'id' in owner ? owner.id : null, 'arn' in owner ? owner.arn : null]));
  const row = json(rows[0]!.loaded);
  if (row.epoch === null) throw new Error(`Account ${accountId} does not exist.`);
  const principalRow = row.principal === null ? undefined : json(row.principal);
  const principal = principalRow && (type === 'user' ? userRecord(principalRow as UserRow) : roleRecord(principalRow as RoleRow));
  const id = principal?.id ?? ('id' in owner ? owner.id : undefined);
  if (type !== 'group' && !principal) return { epoch: row.epoch, principal: undefined, identityPolicies: [], permissionBoundary: null, dependsOn: id ? [`${type}/${id}`] : [WHOLE_ACCOUNT] };
  const boundaryArn = principal ? principal.permissionsBoundaryArn : null;
  const dependsOn = [`${type}/${id}`, ...json(row.groups).map((group) => `group/${group}`)];
  const customer = new Map(json(row.managed).map((policy) => [policy.arn, policy]));
  const managed = (arn: string): StoredPolicy | undefined => {
    const awsManaged = findAwsManagedPolicy(arn);
    if (awsManaged) return { ...managedPolicy(arn, awsManaged.document), hash: awsManagedDocumentHash(awsManaged), version: arn };
    const policy = customer.get(arn);
    if (!policy) return undefined;
    dependsOn.push(`policy/${policy.id}`);
    return { ...managedPolicy(arn, policy.document), hash: policy.hash, version: `${arn}|${policy.id}|${policy.version}` };
  };
  const identityPolicies: StoredPolicy[] = [];
  for (const arn of json(row.attached)) {
    const policy = managed(arn);
    if (policy) identityPolicies.push(policy);
  }
  for (const policy of json(row.inline)) identityPolicies.push({ name: policy.name, document: policy.document, hash: policy.hash, version: `${policy.owner_type}/${policy.owner_id}` });
  let permissionBoundary: StoredPolicy | null = null;
  if (boundaryArn) {
    permissionBoundary = managed(boundaryArn) ?? null;
    if (!permissionBoundary) {
      // Which policy a later create under this ARN will be is not known: any change counts.
      dependsOn.push(WHOLE_ACCOUNT);
      permissionBoundary = { ...managedPolicy(boundaryArn, MISSING_BOUNDARY), hash: MISSING_BOUNDARY_HASH, version: 'missing' };
    }
  }
  return { epoch: row.epoch, principal, identityPolicies, permissionBoundary, dependsOn };
}

/** A principal's policies as a decision takes them: identity policies in order, and the boundary. */
export interface AssembledPolicies {
  readonly identityPolicies: readonly NamedPolicy[];
  readonly permissionBoundary: NamedPolicy | null;
}

/**
 * A principal's policies from what it holds (its own and its groups' attached ARNs, inline
 * policies, boundary) and the default document of each managed policy: the one assembly of the
 * point-in-time fold (`history/`), by the live read's rules (`loadPrincipalPolicies`, whose one
 * statement orders and completes them in SQL): managed policies in attachment order, then inline
 * ones, and a boundary that names no policy allows nothing.
 */
export function principalPolicies(
  attachedArns: readonly string[],
  inline: readonly { readonly name: string; readonly document: string }[],
  boundaryArn: string | null,
  documentOf: (arn: string) => string | undefined,
): AssembledPolicies {
  const identityPolicies: NamedPolicy[] = [];
  for (const arn of new Set(attachedArns)) {
    const document = documentOf(arn);
    if (document !== undefined) identityPolicies.push(managedPolicy(arn, document));
  }
  for (const policy of inline) identityPolicies.push({ name: policy.name, document: policy.document });
  const permissionBoundary = boundaryArn ? managedPolicy(boundaryArn, documentOf(boundaryArn) ?? MISSING_BOUNDARY) : null;
  return { identityPolicies, permissionBoundary };
}
