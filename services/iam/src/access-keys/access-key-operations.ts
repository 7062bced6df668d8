import { type AccessKeyRow, streamLockKey, type UserRow } from '@warden/db';
import { accountDecider } from '../accounts/account.decider.js';
import { managementAccountId } from '../accounts/account-repository.js';
import { rootKeyRecoveryRefusal } from '../accounts/root-key-recovery.js';
import { entityArn, rootArn } from '../kernel/arns.js';
import type { Caller } from '../kernel/command-context.js';
import { InvalidInputError, NoSuchEntityError, refusedByRule } from '../kernel/iam-error.js';
import { generateSecretAccessKey, generateUniqueId, type NewAccessKey } from '../identifiers/index.js';
import { secretContext } from '../kernel/encryption-contexts.js';
import type { IamCore } from '../service/iam-core.js';
import { requireUserRowByName } from '../users/user-repository.js';
import { userNameKey } from '../kernel/lock-keys.js';
import { requireUserByName } from '../users/user-repository.js';
import { appendTo } from '../service/write-spec.js';
import { userDecider } from '../users/user.decider.js';
import type { AccessKey } from './access-key.js';
import { findAccessKeyWithOwner, listAccessKeysOf, listAccessKeysUnusedSince } from './access-key-repository.js';

/**
 * Access keys of IAM users and of the root user. The secret is generated here, returned once, and
 * stored only encrypted under the keyring, bound to the account and key id.
 */
export class AccessKeyOperations {
  constructor(private readonly core: IamCore) {}

  /**
   * Without a user name, the key is the caller's own (a user's, or the root user's).
   * `forRoot`: a key of the account's root user made by another principal of the same account,
   * allowed iam:CreateAccessKey on the root's ARN (Warden's extension, as AWS has none): the way a
   * lost root key is replaced from inside OrganizationAccountAccessRole, and only from there (see
   * `rootKeyRecoveryRefusal`). It can only ever name the caller's own account's root; AWS's quota
   * of two root keys holds under the account stream's lock.
   */
  async create(caller: Caller, userName?: string | null, options: { forRoot?: boolean } = {}): Promise<NewAccessKey> {
    if (options.forRoot && userName) throw new InvalidInputError('A key is for the root user or for a user, not both: leave userName out with root.');
    // Decided before the write: who the caller is, where its chain began and which account manages
    // the platform never change, so nothing the write would read can change the answer.
    if (options.forRoot) {
      const refusal = rootKeyRecoveryRefusal(caller, await managementAccountId(this.core.db));
      if (refusal)
        throw refusedByRule(
          'iam:CreateAccessKey',
          rootArn(this.core.partition, caller.accountId),
          `User: ${caller.arn} is not authorized to perform: iam:CreateAccessKey on resource: ${rootArn(this.core.partition, caller.accountId)} because ${refusal}`,
        );
    }
    const accessKeyId = generateUniqueId('AKIA');
    const secretAccessKey = generateSecretAccessKey();
    const secret = this.core.keyring.encrypt(secretAccessKey, secretContext(caller.accountId, accessKeyId));
    const targetName = options.forRoot ? undefined : (userName ?? (caller.kind === 'user' ? caller.userName : undefined));
    // The root user's keys live in the account stream, a user's in the user's stream.
    const rootKeyArn = rootArn(this.core.partition, caller.accountId);
    const handled = await this.core.write<UserRow | undefined, unknown, undefined>(caller, {
      locks: targetName === undefined ? [streamLockKey(`account/${caller.accountId}`)] : [userNameKey(targetName)],
      load: (trx) => {
        if (targetName !== undefined) return requireUserRowByName(trx, caller.accountId, targetName);
        if (caller.kind !== 'root' && !options.forRoot)
          throw refusedByRule(
            'iam:CreateAccessKey',
            rootKeyArn,
            `User: ${caller.arn} is not authorized to perform: iam:CreateAccessKey on resource: ${rootKeyArn}: only the root user manages its access keys`,
          );
        return undefined;
      },
      lockedAfterLoad: (user) => (user ? [streamLockKey(`user/${user.user_id}`)] : []),
      permissions: (user) => [{ action: 'iam:CreateAccessKey', resource: user?.arn ?? rootKeyArn }],
      appends: async (user, trx) => {
        if (!user) return appendTo(accountDecider, `account/${caller.accountId}`, { type: 'CreateRootAccessKey' as const, accessKeyId, secret });
        const quota = (await this.core.quotas(trx, caller.accountId)).accessKeysPerUser;
        return appendTo(userDecider, `user/${user.user_id}`, { type: 'CreateAccessKey' as const, accessKeyId, secret, quota });
      },
    });
    return { accessKeyId, secretAccessKey, userName: targetName ?? null, status: 'Active', createDate: handled.events[0]!.occurredAt };
  }

  /** A user's keys, oldest first; without a user name, the caller's own (a user's, or the root user's). */
  async list(caller: Caller, userName?: string | null): Promise<AccessKey[]> {
    return this.core.read(caller, async (trx) => {
      const targetName = userName ?? (caller.kind === 'user' ? caller.userName : undefined);
      if (targetName === undefined) {
        await this.core.authorize(trx, caller, 'iam:ListAccessKeys', rootArn(this.core.partition, caller.accountId));
        return listAccessKeysOf(trx, caller.accountId, null);
      }
      const user = await requireUserByName(trx, caller.accountId, targetName);
      await this.core.authorize(trx, caller, 'iam:ListAccessKeys', user.arn);
      return listAccessKeysOf(trx, caller.accountId, user.userId);
    });
  }

  /**
   * AWS's GetAccessKeyLastUsed: a key of the account and when it last signed a request, authorized
   * on its owner (the user, or the root user); a key the account does not have is told only to a
   * caller allowed on every user of the account.
   */
  async lastUsed(caller: Caller, accessKeyId: string): Promise<AccessKey> {
    return this.core.read(caller, async (trx) => {
      const found = await findAccessKeyWithOwner(trx, caller.accountId, accessKeyId);
      const owner = found ? (found.ownerArn ?? rootArn(this.core.partition, caller.accountId)) : entityArn(this.core.partition, caller.accountId, 'user', '/', '*');
      await this.core.authorize(trx, caller, 'iam:GetAccessKeyLastUsed', owner);
      if (!found) throw new NoSuchEntityError(`The Access Key with id ${accessKeyId} cannot be found.`);
      return found.key;
    });
  }

  /** The account's keys, the root user's included, not used for `days` days (never-used keys count from their creation), oldest first. */
  async unused(caller: Caller, days: number): Promise<AccessKey[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListAccessKeys', '*');
      return listAccessKeysUnusedSince(trx, caller.accountId, new Date(this.core.clock.now().getTime() - days * 86_400_000));
    });
  }

  private async keyMutation(caller: Caller, accessKeyId: string, action: string, userCommand: 'UpdateAccessKey' | 'DeleteAccessKey', status?: 'Active' | 'Inactive'): Promise<void> {
    const rootKeyArn = rootArn(this.core.partition, caller.accountId);
    await this.core.write<{ key: AccessKeyRow | undefined; user: { arn: string; user_id: string } | undefined }, unknown, undefined>(caller, {
      load: async (trx) => {
        const key = await trx.selectFrom('access_keys').selectAll().where('account_id', '=', caller.accountId).where('access_key_id', '=', accessKeyId).executeTakeFirst();
        // AWS: only the root user manages the root user's access keys; no policy can grant it.
        if (key?.user_id === null && caller.kind !== 'root')
          throw refusedByRule(action, rootKeyArn, `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${rootKeyArn}: only the root user manages its access keys`);
        const user = key?.user_id
          ? await trx.selectFrom('users').select(['arn', 'user_id']).where('account_id', '=', caller.accountId).where('user_id', '=', key.user_id).executeTakeFirstOrThrow()
          : undefined;
        return { key, user };
      },
      lockedAfterLoad: ({ key }) => (key ? [key.user_id === null ? streamLockKey(`account/${caller.accountId}`) : streamLockKey(`user/${key.user_id}`)] : []),
      // A missing key is told only to a caller allowed the action on the account's root.
      permissions: ({ user }) => [{ action, resource: user?.arn ?? rootKeyArn }],
      appends: ({ key, user }) => {
        if (!key) throw new NoSuchEntityError(`The Access Key with id ${accessKeyId} cannot be found.`);
        if (!user) {
          const command = userCommand === 'UpdateAccessKey' ? { type: 'UpdateRootAccessKey' as const, accessKeyId, status: status! } : { type: 'DeleteRootAccessKey' as const, accessKeyId };
          return appendTo(accountDecider, `account/${caller.accountId}`, command);
        }
        const command = userCommand === 'UpdateAccessKey' ? { type: 'UpdateAccessKey' as const, accessKeyId, status: status! } : { type: 'DeleteAccessKey' as const, accessKeyId };
        return appendTo(userDecider, `user/${user.user_id}`, command);
      },
    });
  }

  async update(caller: Caller, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void> {
    await this.keyMutation(caller, accessKeyId, 'iam:UpdateAccessKey', 'UpdateAccessKey', status);
  }

  async delete(caller: Caller, accessKeyId: string): Promise<void> {
    await this.keyMutation(caller, accessKeyId, 'iam:DeleteAccessKey', 'DeleteAccessKey');
  }
}
