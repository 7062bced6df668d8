import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import { projectTaggedHolderEvent } from '../policy-holders/policy-holders.projection.js';
import type { RoleEvent } from './role.events.js';
import { documentHash } from '../policy-documents/validated-document-hash.js';

export async function projectRoleEvent(trx: Transaction<Database>, stored: StoredEvent, event: RoleEvent): Promise<void> {
  const accountId = stored.accountId;
  const roleId = stored.streamId.slice('role/'.length);
  const at = stored.occurredAt;
  const update = () => trx.updateTable('roles').where('account_id', '=', accountId).where('role_id', '=', roleId);
  switch (event.type) {
    case 'RoleCreated':
      await trx
        .insertInto('roles')
        .values({
          account_id: accountId,
          role_id: roleId,
          role_name: event.data.roleName,
          role_name_key: event.data.roleName.toLowerCase(),
          path: event.data.path,
          arn: event.data.arn,
          trust_policy: event.data.trustPolicy,
          trust_policy_hash: event.data.trustPolicyHash ?? documentHash(event.data.trustPolicy),
          description: event.data.description,
          max_session_duration: event.data.maxSessionDuration,
          permissions_boundary_arn: event.data.permissionsBoundaryArn,
          tags: JSON.stringify(event.data.tags),
          sessions_revoked_before: null,
          created_at: at,
        })
        .execute();
      return;
    case 'RoleDeleted':
      await trx.deleteFrom('roles').where('account_id', '=', accountId).where('role_id', '=', roleId).execute();
      return;
    case 'RoleUpdated':
      await update().set({ description: event.data.description, max_session_duration: event.data.maxSessionDuration }).execute();
      return;
    case 'AssumeRolePolicyUpdated':
      await update()
        .set({ trust_policy: event.data.trustPolicy, trust_policy_hash: event.data.trustPolicyHash ?? documentHash(event.data.trustPolicy) })
        .execute();
      return;
    case 'RoleSessionsRevoked':
      await update()
        .set({ sessions_revoked_before: new Date(event.data.before) })
        .execute();
      return;
    default:
      return projectTaggedHolderEvent(trx, 'role', stored, event);
  }
}
