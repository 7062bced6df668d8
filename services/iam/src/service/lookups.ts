import type { Database, GroupRow, RoleRow, UserRow } from '@warden/db';
import type { Kysely } from 'kysely';
import { findAwsManagedPolicy } from '../policy-documents/aws-managed-policies.js';
import { InvalidInputError, NoSuchEntityError } from '../kernel/iam-error.js';

/** Name → entity lookups in the read models, always filtered by account (names are case-insensitive). */
export function findUser(db: Kysely<Database>, accountId: string, userName: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('account_id', '=', accountId).where('user_name_key', '=', userName.toLowerCase()).executeTakeFirst();
}

export function findGroup(db: Kysely<Database>, accountId: string, groupName: string): Promise<GroupRow | undefined> {
  return db.selectFrom('groups').selectAll().where('account_id', '=', accountId).where('group_name_key', '=', groupName.toLowerCase()).executeTakeFirst();
}

export function findRole(db: Kysely<Database>, accountId: string, roleName: string): Promise<RoleRow | undefined> {
  return db.selectFrom('roles').selectAll().where('account_id', '=', accountId).where('role_name_key', '=', roleName.toLowerCase()).executeTakeFirst();
}

export async function requireUser(db: Kysely<Database>, accountId: string, userName: string): Promise<UserRow> {
  const user = await findUser(db, accountId, userName);
  if (!user) throw new NoSuchEntityError(`The user with name ${userName} cannot be found.`);
  return user;
}

export async function requireGroup(db: Kysely<Database>, accountId: string, groupName: string): Promise<GroupRow> {
  const group = await findGroup(db, accountId, groupName);
  if (!group) throw new NoSuchEntityError(`The group with name ${groupName} cannot be found.`);
  return group;
}

export async function requireRole(db: Kysely<Database>, accountId: string, roleName: string): Promise<RoleRow> {
  const role = await findRole(db, accountId, roleName);
  if (!role) throw new NoSuchEntityError(`The role with name ${roleName} cannot be found.`);
  return role;
}

/**
 * A managed policy that may be attached in this account: an AWS-managed policy, or one of the
 * account's own customer-managed policies (never another account's).
 */
export async function requireAttachablePolicy(db: Kysely<Database>, accountId: string, policyArn: string): Promise<void> {
  if (typeof policyArn !== 'string' || !policyArn.startsWith('arn:')) throw new InvalidInputError(`${JSON.stringify(policyArn)} is not a policy ARN.`);
  if (findAwsManagedPolicy(policyArn)) return;
  const row = await db.selectFrom('policies').select('policy_id').where('account_id', '=', accountId).where('arn', '=', policyArn).executeTakeFirst();
  if (!row) throw new NoSuchEntityError(`Policy ${policyArn} does not exist or is not attachable.`);
}

/**
 * The lock keys of names, declared by every write that creates, renames or addresses an entity by
 * its name (names compare without regard to case), and of a managed policy's ARN, declared by every
 * write that attaches or deletes it.
 */
export function userNameKey(userName: string): string {
  return `user-name/${String(userName).toLowerCase()}`;
}

export function groupNameKey(groupName: string): string {
  return `group-name/${String(groupName).toLowerCase()}`;
}

export function roleNameKey(roleName: string): string {
  return `role-name/${String(roleName).toLowerCase()}`;
}

export function policyArnKey(policyArn: string): string {
  return `policy-arn/${policyArn}`;
}

/** aws:ResourceTag/KEY for the tags of the IAM user or role a request acts on. */
export function resourceTagContext(tags: readonly { key: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(tags.map((tag) => [`aws:ResourceTag/${tag.key}`, tag.value]));
}

/** aws:RequestTag/KEY and aws:TagKeys for operations that set tags. */
export function requestTagContext(tags: readonly { key: string; value: string }[]): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  if (tags.length === 0) return context;
  for (const tag of tags) context[`aws:RequestTag/${tag.key}`] = tag.value;
  context['aws:TagKeys'] = tags.map((tag) => tag.key);
  return context;
}
