import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import { applyTagChange } from '../users/users.projection.js';
import type { RoleEvent } from './role.events.js';

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
          description: event.data.description,
          max_session_duration: event.data.maxSessionDuration,
          permissions_boundary_arn: event.data.permissionsBoundaryArn,
          tags: JSON.stringify(event.data.tags) as never,
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
      await update().set({ trust_policy: event.data.trustPolicy }).execute();
      return;
    case 'RoleTagged':
    case 'RoleUntagged': {
      const row = await trx.selectFrom('roles').select('tags').where('account_id', '=', accountId).where('role_id', '=', roleId).executeTakeFirstOrThrow();
      await update()
        .set({ tags: JSON.stringify(applyTagChange(row.tags, event)) as never })
        .execute();
      return;
    }
    case 'RolePermissionsBoundaryPut':
    case 'RolePermissionsBoundaryDeleted':
      await update()
        .set({ permissions_boundary_arn: event.type === 'RolePermissionsBoundaryPut' ? event.data.policyArn : null })
        .execute();
      return;
    case 'PolicyAttachedToRole':
      await trx.insertInto('policy_attachments').values({ account_id: accountId, principal_type: 'role', principal_id: roleId, policy_arn: event.data.policyArn, attached_at: at }).execute();
      return;
    case 'PolicyDetachedFromRole':
      await trx
        .deleteFrom('policy_attachments')
        .where('account_id', '=', accountId)
        .where('principal_type', '=', 'role')
        .where('principal_id', '=', roleId)
        .where('policy_arn', '=', event.data.policyArn)
        .execute();
      return;
    case 'RolePolicyPut':
      await trx
        .insertInto('inline_policies')
        .values({ account_id: accountId, principal_type: 'role', principal_id: roleId, policy_name: event.data.policyName, document: event.data.document, updated_at: at })
        .onConflict((oc) => oc.columns(['account_id', 'principal_type', 'principal_id', 'policy_name']).doUpdateSet({ document: event.data.document, updated_at: at }))
        .execute();
      return;
    case 'RoleSessionsRevoked':
      await update()
        .set({ sessions_revoked_before: new Date(event.data.before) })
        .execute();
      return;
    case 'RolePolicyDeleted':
      await trx
        .deleteFrom('inline_policies')
        .where('account_id', '=', accountId)
        .where('principal_type', '=', 'role')
        .where('principal_id', '=', roleId)
        .where('policy_name', '=', event.data.policyName)
        .execute();
      return;
  }
}
