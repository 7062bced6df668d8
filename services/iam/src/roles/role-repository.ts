import { type Database, type RoleRow, asPrepared, lockingColumnExpression } from '@warden/db';
import type { Kysely } from 'kysely';
import type { FindHolderOptions } from '../policy-holders/find-holder-options.js';
import { startsWithPattern } from '../kernel/starts-with-pattern.js';
import { NoSuchEntityError } from '../kernel/iam-error.js';
import { nameKey } from '../naming/index.js';
import type { Role } from './role.js';
import { toRole } from './role-mapper.js';

/**
 * Every column of a role's row, by name, for the prepared find: a prepared statement's `*` would
 * fail on a replica still running once a newer build's migration adds or drops a column ("cached
 * plan must not change result type"). The row type checks that the list is whole.
 */
const ROLE_COLUMNS = [
  'account_id',
  'role_id',
  'role_name',
  'role_name_key',
  'path',
  'arn',
  'trust_policy',
  'trust_policy_hash',
  'description',
  'max_session_duration',
  'permissions_boundary_arn',
  'tags',
  'sessions_revoked_before',
  'created_at',
] as const;

/** The whole row, for the write side and for STS (which needs when the role's sessions were revoked). */
export async function findRoleRowByName(db: Kysely<Database>, accountId: string, roleName: string, options: FindHolderOptions = {}): Promise<RoleRow | undefined> {
  const byName = db.selectFrom('roles').where('account_id', '=', accountId).where('role_name_key', '=', nameKey(roleName));
  if (options.lockStreamPrefix === undefined) return byName.selectAll().executeTakeFirst();
  // Prepared: every write of a role addressed by name sends it.
  const locking = byName
    .select([...ROLE_COLUMNS])
    .select(lockingColumnExpression(accountId, options.lockStreamPrefix, 'roles.role_id').as('stream_locked'))
    .compile();
  return (await db.executeQuery(asPrepared('warden_find_role_locking_stream', locking))).rows[0];
}

/** The whole row by the role's ARN, for the STS calls that name the role by it (AssumeRole and the federated ones). */
export function findRoleRowByArn(db: Kysely<Database>, accountId: string, roleArn: string): Promise<RoleRow | undefined> {
  return db.selectFrom('roles').selectAll().where('account_id', '=', accountId).where('arn', '=', roleArn).executeTakeFirst();
}

export async function requireRoleRowByName(db: Kysely<Database>, accountId: string, roleName: string): Promise<RoleRow> {
  const row = await findRoleRowByName(db, accountId, roleName);
  if (!row) throw new NoSuchEntityError(`The role with name ${roleName} cannot be found.`);
  return row;
}

export async function findRoleByName(db: Kysely<Database>, accountId: string, roleName: string): Promise<Role | undefined> {
  const row = await findRoleRowByName(db, accountId, roleName);
  return row && toRole(row);
}

export async function requireRoleByName(db: Kysely<Database>, accountId: string, roleName: string): Promise<Role> {
  return toRole(await requireRoleRowByName(db, accountId, roleName));
}

/** A page of the account's roles (all of them without `first`), after the name key `after`. */
export async function listRoles(db: Kysely<Database>, accountId: string, page: { pathPrefix?: string | null; after?: string | null; first?: number } = {}): Promise<Role[]> {
  let query = db.selectFrom('roles').selectAll().where('account_id', '=', accountId);
  if (page.pathPrefix) query = query.where('path', 'like', startsWithPattern(page.pathPrefix));
  if (page.after) query = query.where('role_name_key', '>', page.after);
  query = query.orderBy('role_name_key');
  if (page.first !== undefined) query = query.limit(page.first);
  return (await query.execute()).map(toRole);
}

/** The roles a managed policy is attached to. */
export async function listRolesWithPolicy(db: Kysely<Database>, accountId: string, policyArn: string): Promise<Role[]> {
  const attached = db.selectFrom('policy_attachments').select('principal_id').where('account_id', '=', accountId).where('policy_arn', '=', policyArn).where('principal_type', '=', 'role');
  const rows = await db.selectFrom('roles').selectAll().where('account_id', '=', accountId).where('role_id', 'in', attached).orderBy('role_name_key').execute();
  return rows.map(toRole);
}

/** The roles a managed policy is the permissions boundary of. */
export async function listRolesWithBoundary(db: Kysely<Database>, accountId: string, policyArn: string): Promise<Role[]> {
  const rows = await db.selectFrom('roles').selectAll().where('account_id', '=', accountId).where('permissions_boundary_arn', '=', policyArn).orderBy('role_name_key').execute();
  return rows.map(toRole);
}
