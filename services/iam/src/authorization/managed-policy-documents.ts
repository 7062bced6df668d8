import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';
import { awsManagedDocumentHash, findAwsManagedPolicy } from '../policy-documents/aws-managed-policies.js';
import { requireValidatedText } from '../policy-documents/validated-document-hash.js';

/** A managed policy's default document and the SHA-256 of it as validated. */
export interface ManagedPolicyDocument {
  readonly document: string;
  readonly hash: string;
}

/**
 * The default version's document of each managed policy ARN (AWS-managed or this account's). A
 * stored text is required to be the one validated when it was written (StoredDocumentMismatchError
 * otherwise), since whoever takes it (a session's policies) keeps it and its hash as they are.
 */
export async function loadManagedPolicyDocuments(db: Kysely<Database>, accountId: string, arns: readonly string[]): Promise<Map<string, ManagedPolicyDocument>> {
  const documents = new Map<string, ManagedPolicyDocument>();
  const customer: string[] = [];
  for (const arn of arns) {
    const awsManaged = findAwsManagedPolicy(arn);
    if (awsManaged) documents.set(arn, { document: awsManaged.document, hash: awsManagedDocumentHash(awsManaged) });
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
      .select(['policies.arn', 'policy_versions.version_id', 'policy_versions.document', 'policy_versions.document_hash'])
      .where('policies.account_id', '=', accountId)
      .where('policies.arn', 'in', customer)
      .execute();
    for (const row of rows) {
      requireValidatedText({ accountId, name: row.arn, version: row.version_id }, row.document, row.document_hash);
      documents.set(row.arn, { document: row.document, hash: row.document_hash });
    }
  }
  return documents;
}
