import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import { projectPolicyEvent } from '../policy-holders/policy-holders.projection.js';
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
    default:
      return projectPolicyEvent(trx, 'group', stored, event);
  }
}
