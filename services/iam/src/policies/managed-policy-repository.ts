import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';
import { startsWithPattern } from '../kernel/starts-with-pattern.js';
import type { ManagedPolicy, PolicyUsage } from './managed-policy.js';
import { toManagedPolicy } from './managed-policy-mapper.js';

export async function findManagedPolicyByArn(db: Kysely<Database>, accountId: string, policyArn: string): Promise<ManagedPolicy | undefined> {
  const row = await db.selectFrom('policies').selectAll().where('account_id', '=', accountId).where('arn', '=', policyArn).executeTakeFirst();
  return row && toManagedPolicy(row);
}

/** What a customer-managed policy list may be narrowed to: a path prefix, and the uses it must have in the account. */
export interface ManagedPolicyFilter {
  readonly pathPrefix?: string | null;
  readonly usedAs?: PolicyUsage | null;
}

/** The ARNs of the managed policies the account's users, groups and roles have attached. */
function attachedPolicyArns(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('policy_attachments').select('policy_arn').where('account_id', '=', accountId);
}

/** The ARNs of the managed policies the account's users and roles have as permissions boundary. */
function boundaryPolicyArns(db: Kysely<Database>, accountId: string) {
  return db
    .selectFrom('users')
    .select('permissions_boundary_arn as policy_arn')
    .where('account_id', '=', accountId)
    .where('permissions_boundary_arn', 'is not', null)
    .unionAll(db.selectFrom('roles').select('permissions_boundary_arn as policy_arn').where('account_id', '=', accountId).where('permissions_boundary_arn', 'is not', null));
}

/** A page of the account's customer-managed policies (all of them without `first`), after the name key `after`. */
export async function listManagedPolicies(db: Kysely<Database>, accountId: string, page: { after?: string | null; first?: number; filter?: ManagedPolicyFilter } = {}): Promise<ManagedPolicy[]> {
  let query = db.selectFrom('policies').selectAll().where('account_id', '=', accountId);
  const filter = page.filter ?? {};
  if (filter.pathPrefix) query = query.where('path', 'like', startsWithPattern(filter.pathPrefix));
  if (filter.usedAs === 'PermissionsPolicy') query = query.where('arn', 'in', attachedPolicyArns(db, accountId));
  if (filter.usedAs === 'PermissionsBoundary') query = query.where('arn', 'in', boundaryPolicyArns(db, accountId));
  if (page.after) query = query.where('policy_name_key', '>', page.after);
  query = query.orderBy('policy_name_key');
  if (page.first !== undefined) query = query.limit(page.first);
  return (await query.execute()).map(toManagedPolicy);
}

/** How many of the account's entities use each of `arns`: attached (AWS's AttachmentCount) and as boundary (PermissionsBoundaryUsageCount). */
export async function policyUsageCounts(db: Kysely<Database>, accountId: string, arns: readonly string[]): Promise<Map<string, { attachments: number; boundaries: number }>> {
  const counts = new Map(arns.map((arn) => [arn, { attachments: 0, boundaries: 0 }]));
  if (arns.length === 0) return counts;
  const [attached, boundaries] = await Promise.all([
    db
      .selectFrom(attachedPolicyArns(db, accountId).where('policy_arn', 'in', arns).as('used'))
      .select(['policy_arn', (eb) => eb.fn.countAll<string>().as('count')])
      .groupBy('policy_arn')
      .execute(),
    db
      .selectFrom(boundaryPolicyArns(db, accountId).as('used'))
      .select(['policy_arn', (eb) => eb.fn.countAll<string>().as('count')])
      .where('policy_arn', 'in', arns)
      .groupBy('policy_arn')
      .execute(),
  ]);
  for (const row of attached) counts.get(row.policy_arn)!.attachments = Number(row.count);
  for (const row of boundaries) if (row.policy_arn !== null) counts.get(row.policy_arn)!.boundaries = Number(row.count);
  return counts;
}
