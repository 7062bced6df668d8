import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';
import type { ManagedPolicy } from './managed-policy.js';
import { toManagedPolicy } from './managed-policy-mapper.js';

export async function findManagedPolicyByArn(db: Kysely<Database>, accountId: string, policyArn: string): Promise<ManagedPolicy | undefined> {
  const row = await db.selectFrom('policies').selectAll().where('account_id', '=', accountId).where('arn', '=', policyArn).executeTakeFirst();
  return row && toManagedPolicy(row);
}

/** A page of the account's customer-managed policies (all of them without `first`), after the name key `after`. */
export async function listManagedPolicies(db: Kysely<Database>, accountId: string, page: { after?: string | null; first?: number } = {}): Promise<ManagedPolicy[]> {
  let query = db.selectFrom('policies').selectAll().where('account_id', '=', accountId);
  if (page.after) query = query.where('policy_name_key', '>', page.after);
  query = query.orderBy('policy_name_key');
  if (page.first !== undefined) query = query.limit(page.first);
  return (await query.execute()).map(toManagedPolicy);
}
