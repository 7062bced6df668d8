import { type Database, type GroupRow, asPrepared, lockingColumnExpression } from '@warden/db';
import type { Kysely } from 'kysely';
import type { FindHolderOptions } from '../policy-holders/find-holder-options.js';
import { startsWithPattern } from '../kernel/starts-with-pattern.js';
import { NoSuchEntityError } from '../kernel/iam-error.js';
import { nameKey } from '../naming/index.js';
import type { Group } from './group.js';
import { toGroup } from './group-mapper.js';

/**
 * Every column of a group's row, by name, for the prepared find: a prepared statement's `*` would
 * fail on a replica still running once a newer build's migration adds or drops a column ("cached
 * plan must not change result type"). The row type checks that the list is whole.
 */
const GROUP_COLUMNS = ['account_id', 'group_id', 'group_name', 'group_name_key', 'path', 'arn', 'created_at'] as const;

/** The whole row, for the write side. */
export async function findGroupRowByName(db: Kysely<Database>, accountId: string, groupName: string, options: FindHolderOptions = {}): Promise<GroupRow | undefined> {
  const byName = db.selectFrom('groups').where('account_id', '=', accountId).where('group_name_key', '=', nameKey(groupName));
  if (options.lockStreamPrefix === undefined) return byName.selectAll().executeTakeFirst();
  // Prepared: every write of a group addressed by name sends it.
  const locking = byName
    .select([...GROUP_COLUMNS])
    .select(lockingColumnExpression(accountId, options.lockStreamPrefix, 'groups.group_id').as('stream_locked'))
    .compile();
  return (await db.executeQuery(asPrepared('warden_find_group_locking_stream', locking))).rows[0];
}

export async function requireGroupRowByName(db: Kysely<Database>, accountId: string, groupName: string): Promise<GroupRow> {
  const row = await findGroupRowByName(db, accountId, groupName);
  if (!row) throw new NoSuchEntityError(`The group with name ${groupName} cannot be found.`);
  return row;
}

export async function findGroupByName(db: Kysely<Database>, accountId: string, groupName: string): Promise<Group | undefined> {
  const row = await findGroupRowByName(db, accountId, groupName);
  return row && toGroup(row);
}

export async function requireGroupByName(db: Kysely<Database>, accountId: string, groupName: string): Promise<Group> {
  return toGroup(await requireGroupRowByName(db, accountId, groupName));
}

/** A page of the account's groups (all of them without `first`), after the name key `after`. */
export async function listGroups(db: Kysely<Database>, accountId: string, page: { pathPrefix?: string | null; after?: string | null; first?: number } = {}): Promise<Group[]> {
  let query = db.selectFrom('groups').selectAll().where('account_id', '=', accountId);
  if (page.pathPrefix) query = query.where('path', 'like', startsWithPattern(page.pathPrefix));
  if (page.after) query = query.where('group_name_key', '>', page.after);
  query = query.orderBy('group_name_key');
  if (page.first !== undefined) query = query.limit(page.first);
  return (await query.execute()).map(toGroup);
}

/** The groups a user is a member of (the user by its id), in name order. */
export async function listGroupsOfUser(db: Kysely<Database>, accountId: string, userId: string): Promise<Group[]> {
  const memberOf = db.selectFrom('group_memberships').select('group_id').where('account_id', '=', accountId).where('user_id', '=', userId);
  const rows = await db.selectFrom('groups').selectAll().where('account_id', '=', accountId).where('group_id', 'in', memberOf).orderBy('group_name_key').execute();
  return rows.map(toGroup);
}

/** The groups a managed policy is attached to. */
export async function listGroupsWithPolicy(db: Kysely<Database>, accountId: string, policyArn: string): Promise<Group[]> {
  const attached = db.selectFrom('policy_attachments').select('principal_id').where('account_id', '=', accountId).where('policy_arn', '=', policyArn).where('principal_type', '=', 'group');
  const rows = await db.selectFrom('groups').selectAll().where('account_id', '=', accountId).where('group_id', 'in', attached).orderBy('group_name_key').execute();
  return rows.map(toGroup);
}
