import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';
import type { ManagedPolicy } from './managed-policy.js';
import type { PolicyVersion } from './policy-version.js';
import { toPolicyVersion } from './policy-version-mapper.js';

/** The policy's versions, oldest first. */
export async function listPolicyVersions(db: Kysely<Database>, accountId: string, policy: Pick<ManagedPolicy, 'policyId' | 'defaultVersionId'>): Promise<PolicyVersion[]> {
  const rows = await db.selectFrom('policy_versions').selectAll().where('account_id', '=', accountId).where('policy_id', '=', policy.policyId).orderBy('created_at').execute();
  return rows.map((row) => toPolicyVersion(row, policy.defaultVersionId));
}

/** The versions of all the account's policies (given), by policy id, each policy's oldest first, in one read. */
export async function listAccountPolicyVersions(
  db: Kysely<Database>,
  accountId: string,
  policies: readonly Pick<ManagedPolicy, 'policyId' | 'defaultVersionId'>[],
): Promise<Map<string, PolicyVersion[]>> {
  const versions = new Map<string, PolicyVersion[]>(policies.map((policy) => [policy.policyId, []]));
  if (policies.length === 0) return versions;
  const defaults = new Map(policies.map((policy) => [policy.policyId, policy.defaultVersionId]));
  const rows = await db.selectFrom('policy_versions').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();
  for (const row of rows) versions.get(row.policy_id)?.push(toPolicyVersion(row, defaults.get(row.policy_id)!));
  return versions;
}
