import { type Database, type UserRow, asPrepared, lockingColumnExpression } from '@warden/db';
import type { Kysely } from 'kysely';
import type { FindHolderOptions } from '../policy-holders/find-holder-options.js';
import { NoSuchEntityError } from '../kernel/iam-error.js';
import { nameKey } from '../naming/index.js';
import { startsWithPattern } from '../kernel/starts-with-pattern.js';
import type { User } from './user.js';
import { toUser } from './user-mapper.js';

/**
 * Every column of a user's row, by name, for the prepared find: a prepared statement's `*` would
 * fail on a replica still running once a newer build's migration adds or drops a column ("cached
 * plan must not change result type"). The row type checks that the list is whole.
 */
const USER_COLUMNS = ['account_id', 'user_id', 'user_name', 'user_name_key', 'path', 'arn', 'permissions_boundary_arn', 'tags', 'login_profile', 'created_at'] as const;

/** The whole row, login profile included: for the write side, which needs what the API never shows. */
export async function findUserRowByName(db: Kysely<Database>, accountId: string, userName: string, options: FindHolderOptions = {}): Promise<UserRow | undefined> {
  const byName = db.selectFrom('users').where('account_id', '=', accountId).where('user_name_key', '=', nameKey(userName));
  if (options.lockStreamPrefix === undefined) return byName.selectAll().executeTakeFirst();
  // Prepared: every write of a user addressed by name sends it.
  const locking = byName
    .select([...USER_COLUMNS])
    .select(lockingColumnExpression(accountId, options.lockStreamPrefix, 'users.user_id').as('stream_locked'))
    .compile();
  return (await db.executeQuery(asPrepared('warden_find_user_locking_stream', locking))).rows[0];
}

export async function requireUserRowByName(db: Kysely<Database>, accountId: string, userName: string): Promise<UserRow> {
  const row = await findUserRowByName(db, accountId, userName);
  if (!row) throw new NoSuchEntityError(`The user with name ${userName} cannot be found.`);
  return row;
}

export async function findUserByName(db: Kysely<Database>, accountId: string, userName: string): Promise<User | undefined> {
  const row = await findUserRowByName(db, accountId, userName);
  return row && toUser(row);
}

export async function requireUserByName(db: Kysely<Database>, accountId: string, userName: string): Promise<User> {
  return toUser(await requireUserRowByName(db, accountId, userName));
}

/** A page of the account's users (all of them without `first`), after the name key `after`. */
export async function listUsers(db: Kysely<Database>, accountId: string, page: { pathPrefix?: string | null; after?: string | null; first?: number } = {}): Promise<User[]> {
  let query = db.selectFrom('users').selectAll().where('account_id', '=', accountId);
  if (page.pathPrefix) query = query.where('path', 'like', startsWithPattern(page.pathPrefix));
  if (page.after) query = query.where('user_name_key', '>', page.after);
  query = query.orderBy('user_name_key');
  if (page.first !== undefined) query = query.limit(page.first);
  return (await query.execute()).map(toUser);
}

export async function listUsersInGroup(db: Kysely<Database>, accountId: string, groupId: string): Promise<User[]> {
  const rows = await db
    .selectFrom('group_memberships')
    .innerJoin('users', (join) => join.onRef('users.account_id', '=', 'group_memberships.account_id').onRef('users.user_id', '=', 'group_memberships.user_id'))
    .selectAll('users')
    .where('group_memberships.account_id', '=', accountId)
    .where('group_memberships.group_id', '=', groupId)
    .orderBy('users.user_name_key')
    .execute();
  return rows.map(toUser);
}

/** The users a managed policy is attached to. */
export async function listUsersWithPolicy(db: Kysely<Database>, accountId: string, policyArn: string): Promise<User[]> {
  const attached = db.selectFrom('policy_attachments').select('principal_id').where('account_id', '=', accountId).where('policy_arn', '=', policyArn).where('principal_type', '=', 'user');
  const rows = await db.selectFrom('users').selectAll().where('account_id', '=', accountId).where('user_id', 'in', attached).orderBy('user_name_key').execute();
  return rows.map(toUser);
}

/** The users a managed policy is the permissions boundary of. */
export async function listUsersWithBoundary(db: Kysely<Database>, accountId: string, policyArn: string): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().where('account_id', '=', accountId).where('permissions_boundary_arn', '=', policyArn).orderBy('user_name_key').execute();
  return rows.map(toUser);
}
