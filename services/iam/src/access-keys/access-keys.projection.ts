import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import type { AccountEvent } from '../accounts/account.events.js';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import type { UserEvent } from '../users/user.events.js';
import type { AccessKeyStatus } from './access-key.types.js';

/**
 * The access-key read model: the key row, and the key id → account lookup that authentication
 * starts from. A user's keys are events of the user's stream, the root user's of the account
 * stream; this projection reads the key events of both, so the user and account projections leave
 * the table alone.
 */
export async function projectAccessKeyEvent(trx: Transaction<Database>, stored: StoredEvent, event: UserEvent | AccountEvent): Promise<void> {
  const accountId = stored.accountId;
  switch (event.type) {
    case 'AccessKeyCreated':
      return insertAccessKey(trx, accountId, event.data.accessKeyId, stored.streamId.slice('user/'.length), event.data.secret, stored.occurredAt);
    case 'RootAccessKeyCreated':
      return insertAccessKey(trx, accountId, event.data.accessKeyId, null, event.data.secret, stored.occurredAt);
    case 'AccessKeyStatusUpdated':
    case 'RootAccessKeyStatusUpdated':
      return setAccessKeyStatus(trx, accountId, event.data.accessKeyId, event.data.status);
    case 'AccessKeySecretReencrypted':
    case 'RootAccessKeySecretReencrypted':
      return setAccessKeySecret(trx, accountId, event.data.accessKeyId, event.data.secret);
    case 'AccessKeyDeleted':
    case 'RootAccessKeyDeleted':
      return deleteAccessKey(trx, accountId, event.data.accessKeyId);
  }
}

async function insertAccessKey(trx: Transaction<Database>, accountId: string, accessKeyId: string, userId: string | null, secret: EncryptedSecretData, at: Date): Promise<void> {
  await trx
    .insertInto('access_keys')
    .values({ account_id: accountId, access_key_id: accessKeyId, user_id: userId, status: 'Active', secret: JSON.stringify(secret), created_at: at })
    .execute();
  await trx.insertInto('access_key_lookup').values({ access_key_id: accessKeyId, account_id: accountId }).execute();
}

async function setAccessKeyStatus(trx: Transaction<Database>, accountId: string, accessKeyId: string, status: AccessKeyStatus): Promise<void> {
  await trx.updateTable('access_keys').set({ status }).where('account_id', '=', accountId).where('access_key_id', '=', accessKeyId).execute();
}

async function setAccessKeySecret(trx: Transaction<Database>, accountId: string, accessKeyId: string, secret: EncryptedSecretData): Promise<void> {
  await trx
    .updateTable('access_keys')
    .set({ secret: JSON.stringify(secret) })
    .where('account_id', '=', accountId)
    .where('access_key_id', '=', accessKeyId)
    .execute();
}

async function deleteAccessKey(trx: Transaction<Database>, accountId: string, accessKeyId: string): Promise<void> {
  await trx.deleteFrom('access_keys').where('account_id', '=', accountId).where('access_key_id', '=', accessKeyId).execute();
  await trx.deleteFrom('access_key_lookup').where('access_key_id', '=', accessKeyId).execute();
}
