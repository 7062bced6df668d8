import type { Database } from '@warden/db';
import type { Transaction } from 'kysely';
import type { AccessKeyStatus, EncryptedSecretData } from './access-key.types.js';

/**
 * The access-key read model, shared by users' keys (user streams) and the root user's keys (the
 * account stream): the key row, and the key id → account lookup that authentication starts from.
 */
export async function insertAccessKey(trx: Transaction<Database>, accountId: string, accessKeyId: string, userId: string | null, secret: EncryptedSecretData, at: Date): Promise<void> {
  await trx
    .insertInto('access_keys')
    .values({ account_id: accountId, access_key_id: accessKeyId, user_id: userId, status: 'Active', secret: JSON.stringify(secret), created_at: at })
    .execute();
  await trx.insertInto('access_key_lookup').values({ access_key_id: accessKeyId, account_id: accountId }).execute();
}

export async function setAccessKeyStatus(trx: Transaction<Database>, accountId: string, accessKeyId: string, status: AccessKeyStatus): Promise<void> {
  await trx.updateTable('access_keys').set({ status }).where('account_id', '=', accountId).where('access_key_id', '=', accessKeyId).execute();
}

export async function setAccessKeySecret(trx: Transaction<Database>, accountId: string, accessKeyId: string, secret: EncryptedSecretData): Promise<void> {
  await trx
    .updateTable('access_keys')
    .set({ secret: JSON.stringify(secret) })
    .where('account_id', '=', accountId)
    .where('access_key_id', '=', accessKeyId)
    .execute();
}

export async function deleteAccessKey(trx: Transaction<Database>, accountId: string, accessKeyId: string): Promise<void> {
  await trx.deleteFrom('access_keys').where('account_id', '=', accountId).where('access_key_id', '=', accessKeyId).execute();
  await trx.deleteFrom('access_key_lookup').where('access_key_id', '=', accessKeyId).execute();
}
