import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';
import { findGroupRowByName, requireGroupRowByName } from '../groups/group-repository.js';
import { InvalidInputError, NoSuchEntityError } from '../kernel/iam-error.js';
import { findAwsManagedPolicy } from '../policy-documents/aws-managed-policies.js';
import { findManagedPolicyByArn } from '../policies/managed-policy-repository.js';
import { findRoleRowByName, requireRoleRowByName } from '../roles/role-repository.js';
import { findUserRowByName, requireUserRowByName } from '../users/user-repository.js';

/**
 * The write side's name → row lookups (the rows hold what the API never shows: login profiles,
 * revocation times), answered by the entities' repositories; always filtered by account.
 */
export { findGroupRowByName as findGroup, findRoleRowByName as findRole, findUserRowByName as findUser };
export { requireGroupRowByName as requireGroup, requireRoleRowByName as requireRole, requireUserRowByName as requireUser };

/**
 * A managed policy that may be attached in this account: an AWS-managed policy, or one of the
 * account's own customer-managed policies (never another account's).
 */
export async function requireAttachablePolicy(db: Kysely<Database>, accountId: string, policyArn: string): Promise<void> {
  if (typeof policyArn !== 'string' || !policyArn.startsWith('arn:')) throw new InvalidInputError(`${JSON.stringify(policyArn)} is not a policy ARN.`);
  if (findAwsManagedPolicy(policyArn)) return;
  if (!(await findManagedPolicyByArn(db, accountId, policyArn))) throw new NoSuchEntityError(`Policy ${policyArn} does not exist or is not attachable.`);
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
