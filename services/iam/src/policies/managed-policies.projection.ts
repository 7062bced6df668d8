import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import type { ManagedPolicyEvent } from './managed-policy.events.js';
import { documentHash } from '../policy-documents/validated-document-hash.js';

export async function projectManagedPolicyEvent(trx: Transaction<Database>, stored: StoredEvent, event: ManagedPolicyEvent): Promise<void> {
  const accountId = stored.accountId;
  const policyId = stored.streamId.slice('policy/'.length);
  const at = stored.occurredAt;
  const policy = () => trx.updateTable('policies').where('account_id', '=', accountId).where('policy_id', '=', policyId);
  switch (event.type) {
    case 'PolicyCreated':
      await trx
        .insertInto('policies')
        .values({
          account_id: accountId,
          policy_id: policyId,
          policy_name: event.data.policyName,
          policy_name_key: event.data.policyName.toLowerCase(),
          path: event.data.path,
          arn: event.data.arn,
          description: event.data.description,
          default_version_id: 'v1',
          next_version_number: 2,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await trx
        .insertInto('policy_versions')
        .values({
          account_id: accountId,
          policy_id: policyId,
          version_id: 'v1',
          document: event.data.document,
          document_hash: event.data.documentHash ?? documentHash(event.data.document),
          created_at: at,
        })
        .execute();
      return;
    case 'PolicyVersionCreated':
      await trx
        .insertInto('policy_versions')
        .values({
          account_id: accountId,
          policy_id: policyId,
          version_id: event.data.versionId,
          document: event.data.document,
          document_hash: event.data.documentHash ?? documentHash(event.data.document),
          created_at: at,
        })
        .execute();
      await policy()
        .set((eb) => ({
          next_version_number: eb('next_version_number', '+', 1),
          updated_at: at,
          ...(event.data.setAsDefault ? { default_version_id: event.data.versionId } : {}),
        }))
        .execute();
      return;
    case 'DefaultPolicyVersionSet':
      await policy().set({ default_version_id: event.data.versionId, updated_at: at }).execute();
      return;
    case 'PolicyVersionDeleted':
      await trx.deleteFrom('policy_versions').where('account_id', '=', accountId).where('policy_id', '=', policyId).where('version_id', '=', event.data.versionId).execute();
      return;
    case 'PolicyDeleted':
      await trx.deleteFrom('policy_versions').where('account_id', '=', accountId).where('policy_id', '=', policyId).execute();
      await trx.deleteFrom('policies').where('account_id', '=', accountId).where('policy_id', '=', policyId).execute();
      return;
  }
}
