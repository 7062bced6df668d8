import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import type { GroupEvent } from './group.events.js';

export async function projectGroupEvent(trx: Transaction<Database>, stored: StoredEvent, event: GroupEvent): Promise<void> {
  const accountId = stored.accountId;
  const groupId = stored.streamId.slice('group/'.length);
  const at = stored.occurredAt;
  switch (event.type) {
    case 'GroupCreated':
      await trx
        .insertInto('groups')
        .values({
          account_id: accountId,
          group_id: groupId,
          group_name: event.data.groupName,
          group_name_key: event.data.groupName.toLowerCase(),
          path: event.data.path,
          arn: event.data.arn,
          created_at: at,
        })
        .execute();
      return;
    case 'GroupDeleted':
      await trx.deleteFrom('groups').where('account_id', '=', accountId).where('group_id', '=', groupId).execute();
      return;
    case 'GroupUpdated':
      // Memberships and attachments refer to the group by id, so they stay as they are.
      await trx
        .updateTable('groups')
        .set({ group_name: event.data.groupName, group_name_key: event.data.groupName.toLowerCase(), path: event.data.path, arn: event.data.arn })
        .where('account_id', '=', accountId)
        .where('group_id', '=', groupId)
        .execute();
      return;
    case 'PolicyAttachedToGroup':
      await trx.insertInto('policy_attachments').values({ account_id: accountId, principal_type: 'group', principal_id: groupId, policy_arn: event.data.policyArn, attached_at: at }).execute();
      return;
    case 'PolicyDetachedFromGroup':
      await trx
        .deleteFrom('policy_attachments')
        .where('account_id', '=', accountId)
        .where('principal_type', '=', 'group')
        .where('principal_id', '=', groupId)
        .where('policy_arn', '=', event.data.policyArn)
        .execute();
      return;
    case 'GroupPolicyPut':
      await trx
        .insertInto('inline_policies')
        .values({ account_id: accountId, principal_type: 'group', principal_id: groupId, policy_name: event.data.policyName, document: event.data.document, updated_at: at })
        .onConflict((oc) => oc.columns(['account_id', 'principal_type', 'principal_id', 'policy_name']).doUpdateSet({ document: event.data.document, updated_at: at }))
        .execute();
      return;
    case 'GroupPolicyDeleted':
      await trx
        .deleteFrom('inline_policies')
        .where('account_id', '=', accountId)
        .where('principal_type', '=', 'group')
        .where('principal_id', '=', groupId)
        .where('policy_name', '=', event.data.policyName)
        .execute();
      return;
  }
}
