import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';
import { findAwsManagedPolicy } from '../policy-documents/aws-managed-policies.js';

/** The default version's document of each managed policy ARN (AWS-managed or this account's). */
export async function loadManagedPolicyDocuments(db: Kysely<Database>, accountId: string, arns: readonly string[]): Promise<Map<string, string>> {
  const documents = new Map<string, string>();
  const customer: string[] = [];
  for (const arn of arns) {
    const awsManaged = findAwsManagedPolicy(arn);
    if (awsManaged) documents.set(arn, awsManaged.document);
    else customer.push(arn);
  }
  if (customer.length > 0) {
    const rows = await db
      .selectFrom('policies')
      .innerJoin('policy_versions', (join) =>
        join
          .onRef('policy_versions.account_id', '=', 'policies.account_id')
          .onRef('policy_versions.policy_id', '=', 'policies.policy_id')
          .onRef('policy_versions.version_id', '=', 'policies.default_version_id'),
      )
      .select(['policies.arn', 'policy_versions.document'])
      .where('policies.account_id', '=', accountId)
      .where('policies.arn', 'in', customer)
      .execute();
    for (const row of rows) documents.set(row.arn, row.document);
  }
  return documents;
}
