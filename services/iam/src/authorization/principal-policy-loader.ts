import { type Database, jsonColumn, preparedStatement, type PrincipalType, type RoleRow, type UserRow } from '@warden/db';
import type { NamedPolicy } from '@warden/policy';
import { CompiledQuery, type Kysely } from 'kysely';
import { type ManagedPolicyDefault, WHOLE_ACCOUNT } from '../kernel/changed-entity.js';
import { awsManagedDocumentHash, findAwsManagedPolicy } from '../policy-documents/aws-managed-policies.js';
import { documentHash } from '../policy-documents/validated-document-hash.js';
import type { StoredPolicy } from './compiled-policy-cache.js';
import { assemblePolicies, MISSING_BOUNDARY } from './policy-assembly.js';

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

/** What a boundary naming a policy that no longer exists holds (it allows nothing), with its hash. */
const MISSING_BOUNDARY_HASH = documentHash(MISSING_BOUNDARY);

interface LoadedRow {
  epoch: string | null;
  principal: UserRow | RoleRow | string | null;
  groups: string[] | string;
  attached: { owner_type: PrincipalType; owner_id: string; arn: string }[] | string;
  inline: { owner_type: PrincipalType; owner_id: string; name: string; document: string; hash: string }[] | string;
  managed: ManagedPolicyDefault[] | string;
}

/** A customer managed policy's default version as a set holds it: named, hashed, and versioned by ARN, id and version id. */
function customerManagedPolicy(policy: ManagedPolicyDefault): StoredPolicy {
  return { ...managedPolicy(policy.arn, policy.document), hash: policy.hash, version: `${policy.arn}|${policy.id}|${policy.version}`, policyId: policy.id };
}

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
  const row = jsonColumn(rows[0]!.loaded);
  if (row.epoch === null) throw new Error(`Account ${accountId} does not exist.`);
  const principalRow = row.principal === null ? undefined : jsonColumn(row.principal);
  const principal = principalRow && (type === 'user' ? userRecord(principalRow as UserRow) : roleRecord(principalRow as RoleRow));
  const id = principal?.id ?? ('id' in owner ? owner.id : undefined);
  if (type !== 'group' && !principal) return { epoch: row.epoch, principal: undefined, identityPolicies: [], permissionBoundary: null, dependsOn: id ? [`${type}/${id}`] : [WHOLE_ACCOUNT] };
  const boundaryArn = principal ? principal.permissionsBoundaryArn : null;
  const dependsOn = [`${type}/${id}`, ...jsonColumn(row.groups).map((group) => `group/${group}`)];
  const customer = new Map(jsonColumn(row.managed).map((policy) => [policy.arn, policy]));
  // What each holder holds, as the one assembly rule (`assemblePolicies`) takes it.
  const holdings = new Map<string, { holder: string; attached: string[]; inline: { name: string; document: string; hash: string }[] }>();
  const holding = (ownerType: string, ownerId: string) => {
    const holder = `${ownerType}/${ownerId}`;
    let found = holdings.get(holder);
    if (!found) holdings.set(holder, (found = { holder, attached: [], inline: [] }));
    return found;
  };
  const own = holding(type, id!);
  const groups = jsonColumn(row.groups).map((group) => holding('group', group));
  for (const attachment of jsonColumn(row.attached)) holding(attachment.owner_type, attachment.owner_id).attached.push(attachment.arn);
  for (const policy of jsonColumn(row.inline)) holding(policy.owner_type, policy.owner_id).inline.push({ name: policy.name, document: policy.document, hash: policy.hash });
  const { identityPolicies, permissionBoundary } = assemblePolicies<{ name: string; document: string; hash: string }, StoredPolicy>(own, groups, boundaryArn, {
    managed: (arn) => {
      const awsManaged = findAwsManagedPolicy(arn);
      if (awsManaged) return { ...managedPolicy(arn, awsManaged.document), hash: awsManagedDocumentHash(awsManaged), version: arn };
      const policy = customer.get(arn);
      if (!policy) return undefined;
      dependsOn.push(`policy/${policy.id}`);
      return customerManagedPolicy(policy);
    },
    inline: (policy, holder) => ({ name: policy.name, document: policy.document, hash: policy.hash, version: holder }),
    missingBoundary: (arn) => {
      // Which policy a later create under this ARN will be is not known: any change counts.
      dependsOn.push(WHOLE_ACCOUNT);
      return { ...managedPolicy(arn, MISSING_BOUNDARY), hash: MISSING_BOUNDARY_HASH, version: 'missing' };
    },
  });
  return { epoch: row.epoch, principal, identityPolicies, permissionBoundary, dependsOn };
}

/**
 * Prepared, as the load: `warden_changed_policies` (migration 0029). $1 account, $2 the epoch a set
 * was read at, $3 the entities it was read from.
 */
const CHANGED_POLICIES_STATEMENT = preparedStatement('warden_changed_policies', 'SELECT warden_changed_policies($1::text, $2::int8, $3::text[]) AS loaded');

/**
 * `policies`, read at its epoch, brought to the store's current snapshot by reading only what
 * changed since, when that is only managed policies it holds (a new default version, a version set
 * as the default): their default versions replace the ones it holds, in the same places, and the
 * rest is kept. `undefined` when anything else it was read from changed (its user or role, a group,
 * the whole account), when a changed policy no longer exists (an attached ARN naming no policy
 * leaves the set), or when the change records since are incomplete (pruned): then the whole set
 * must be read again. Correct because the records and the versions come from one snapshot (one
 * statement, with its epoch): every entity the set depends on, other than the policies read now,
 * is unchanged from its epoch to the snapshot's, so the result is the set as that snapshot holds it,
 * tagged with that snapshot's epoch.
 */
export async function loadChangedPolicies(db: Kysely<Database>, accountId: string, policies: PrincipalPolicies): Promise<PrincipalPolicies | undefined> {
  const { rows } = await db.executeQuery<{ loaded: ChangedRow | string }>(CompiledQuery.raw(CHANGED_POLICIES_STATEMENT, [accountId, policies.epoch, policies.dependsOn]));
  const row = jsonColumn(rows[0]!.loaded);
  if (row.epoch === null || Number(row.records) !== Number(row.epoch) - Number(policies.epoch)) return undefined;
  return withChangedPolicies(policies, jsonColumn(row.changed), jsonColumn(row.managed), row.epoch);
}

/**
 * `policies` as epoch `epoch` holds it when, of everything it was read from, only the entities
 * `changed` changed since its own epoch, and `defaults` are the default versions there of the
 * managed policies among them: each replaces the version the set holds, in the same places, and
 * the rest is kept. `undefined` when a changed entity is anything but a managed policy with a
 * default among `defaults` (it no longer exists, or is not a policy): then the whole set must be
 * read again. The one rule for both sources of `defaults`: the change log's epoch reads and
 * `warden_changed_policies`.
 */
export function withChangedPolicies(policies: PrincipalPolicies, changed: readonly string[], defaults: readonly ManagedPolicyDefault[], epoch: string): PrincipalPolicies | undefined {
  const managed = new Map(defaults.map((policy) => [`policy/${policy.id}`, policy]));
  const replaced = new Map<string, StoredPolicy>();
  for (const entity of changed) {
    const policy = managed.get(entity);
    if (!policy) return undefined;
    replaced.set(policy.id, customerManagedPolicy(policy));
  }
  const current = (policy: StoredPolicy): StoredPolicy => (policy.policyId !== undefined ? (replaced.get(policy.policyId) ?? policy) : policy);
  const boundary = policies.permissionBoundary;
  return { ...policies, epoch, identityPolicies: policies.identityPolicies.map(current), permissionBoundary: boundary && current(boundary) };
}

interface ChangedRow {
  epoch: string | null;
  records: number | string;
  changed: string[] | string;
  managed: ManagedPolicyDefault[] | string;
}
