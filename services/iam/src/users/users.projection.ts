import type { Database, LoginProfileRow, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import { PASSWORD_HISTORY_LENGTH } from '../accounts/password-policy.js';
import { projectTaggedHolderEvent } from '../policy-holders/policy-holders.projection.js';
import type { UserEvent } from './user.events.js';

/**
 * The user read models: users and group memberships, and through the policy holders' projection
 * its policy attachments and inline policies (its access keys have a projection of their own,
 * `access-keys.projection.ts`). Runs in the append's transaction.
 */
export async function projectUserEvent(trx: Transaction<Database>, stored: StoredEvent, event: UserEvent): Promise<void> {
  const accountId = stored.accountId;
  const userId = stored.streamId.slice('user/'.length);
  const at = stored.occurredAt;
  switch (event.type) {
    case 'UserCreated':
      await trx
        .insertInto('users')
        .values({
          account_id: accountId,
          user_id: event.data.userId,
          user_name: event.data.userName,
          user_name_key: event.data.userName.toLowerCase(),
          path: event.data.path,
          arn: event.data.arn,
          permissions_boundary_arn: event.data.permissionsBoundaryArn,
          tags: JSON.stringify(event.data.tags),
          login_profile: null,
          created_at: at,
        })
        .execute();
      return;
    case 'UserDeleted':
      await trx.deleteFrom('users').where('account_id', '=', accountId).where('user_id', '=', userId).execute();
      return;
    case 'UserUpdated':
      await trx
        .updateTable('users')
        .set({ user_name: event.data.userName, user_name_key: event.data.userName.toLowerCase(), path: event.data.path, arn: event.data.arn })
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .execute();
      // The owner's name an MFA device shows; everything else the user holds refers to it by id.
      await trx.updateTable('mfa_devices').set({ owner_name: event.data.userName }).where('account_id', '=', accountId).where('owner_id', '=', userId).execute();
      return;
    case 'UserAddedToGroup':
      await trx.insertInto('group_memberships').values({ account_id: accountId, group_id: event.data.groupId, user_id: userId, added_at: at }).execute();
      return;
    case 'UserRemovedFromGroup':
      await trx.deleteFrom('group_memberships').where('account_id', '=', accountId).where('group_id', '=', event.data.groupId).where('user_id', '=', userId).execute();
      return;
    case 'LoginProfileCreated':
      await trx
        .updateTable('users')
        .set({
          login_profile: JSON.stringify({
            passwordHash: event.data.passwordHash,
            passwordResetRequired: event.data.passwordResetRequired,
            createdAt: at.toISOString(),
            passwordChangedAt: at.toISOString(),
          }),
        })
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .execute();
      return;
    case 'LoginProfileUpdated':
    case 'PasswordChanged':
      return changeLoginProfile(trx, accountId, userId, (profile) => ({
        ...profile,
        ...(event.data.passwordHash
          ? {
              passwordHash: event.data.passwordHash,
              passwordChangedAt: at.toISOString(),
              previousPasswordHashes: [profile.passwordHash, ...(profile.previousPasswordHashes ?? [])].slice(0, PASSWORD_HISTORY_LENGTH),
            }
          : {}),
        // Changing one's own password clears a pending forced change.
        passwordResetRequired: event.type === 'PasswordChanged' ? false : event.data.passwordResetRequired,
      }));
    case 'PasswordHashReencrypted':
      // Same password, new encryption key: the change date stays.
      return changeLoginProfile(trx, accountId, userId, (profile) => ({ ...profile, passwordHash: event.data.passwordHash, previousPasswordHashes: event.data.previousPasswordHashes }));
    case 'LoginProfileDeleted':
      await trx.updateTable('users').set({ login_profile: null }).where('account_id', '=', accountId).where('user_id', '=', userId).execute();
      return;
    case 'AccessKeyCreated':
    case 'AccessKeyStatusUpdated':
    case 'AccessKeySecretReencrypted':
    case 'AccessKeyDeleted':
      // The access-keys projection writes the key rows.
      return;
    default:
      return projectTaggedHolderEvent(trx, 'user', stored, event);
  }
}

/** Rewrites a user's login profile from its current value; a user without one is left alone. */
async function changeLoginProfile(trx: Transaction<Database>, accountId: string, userId: string, change: (profile: LoginProfileRow) => LoginProfileRow): Promise<void> {
  const row = await trx.selectFrom('users').select('login_profile').where('account_id', '=', accountId).where('user_id', '=', userId).executeTakeFirstOrThrow();
  if (!row.login_profile) return;
  await trx
    .updateTable('users')
    .set({ login_profile: JSON.stringify(change(row.login_profile)) })
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .execute();
}
