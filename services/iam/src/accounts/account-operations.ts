import { type AccountRow, inAccountTransaction } from '@warden/db';
import { rootArn } from '../arns.js';
import { type Caller, eventMetadata } from '../command-context.js';
import { handleCommand } from '../command-handler.js';
import { AccessDeniedError, InvalidInputError, NoSuchEntityError } from '../iam-error.js';
import { generateAccountId, generateSecretAccessKey, generateUniqueId } from '../identifiers/index.js';
import { secretContext, type NewAccessKey } from '../access-keys/access-key-operations.js';
import type { IamCore } from '../service/iam-core.js';
import { accountDecider } from './account.decider.js';
import type { AccountSettings } from './account.events.js';

/**
 * Accounts (tenants). Creating one is an organization-wide action that only principals of the
 * management account can be granted (`organizations:CreateAccount`); the new account comes with a
 * root access key, whose secret is returned once.
 */
export interface CreatedAccount {
  readonly account: AccountRow;
  readonly rootAccessKey: NewAccessKey;
}

export class AccountOperations {
  constructor(private readonly core: IamCore) {}

  private async requireManagementCaller(caller: Caller, action: string, resource: string): Promise<void> {
    await this.core.read(caller, async (trx) => {
      const account = await trx.selectFrom('accounts').select('is_management').where('account_id', '=', caller.accountId).executeTakeFirst();
      if (!account?.is_management) {
        throw new AccessDeniedError(`User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} because only principals of the management account can perform it`);
      }
      await this.core.authorize(trx, caller, action, resource);
    });
  }

  async create(caller: Caller, input: { name: string; alias?: string | null }): Promise<CreatedAccount> {
    const resource = `arn:${this.core.partition}:organizations::${caller.accountId}:account/*`;
    await this.requireManagementCaller(caller, 'organizations:CreateAccount', resource);
    const accountId = generateAccountId();
    const accessKeyId = generateUniqueId('AKIA');
    const secretAccessKey = generateSecretAccessKey();
    const now = this.core.clock.now();
    const metadata = { actorArn: caller.arn, ...(caller.requestId ? { requestId: caller.requestId } : {}), ...(caller.sourceIp ? { sourceIp: caller.sourceIp } : {}), resourceArn: rootArn(this.core.partition, accountId) };
    await this.core.writing(accountId, () => inAccountTransaction(this.core.db, accountId, async (trx) => {
      const streamId = `account/${accountId}`;
      await handleCommand(trx, accountDecider, { accountId, streamId, command: { type: 'CreateAccount', accountId, name: input.name, isManagement: false }, metadata, occurredAt: now });
      await handleCommand(trx, accountDecider, {
        accountId,
        streamId,
        command: { type: 'CreateRootAccessKey', accessKeyId, secret: this.core.keyring.encrypt(secretAccessKey, secretContext(accountId, accessKeyId)) },
        metadata,
        occurredAt: now,
      });
      if (input.alias) {
        await handleCommand(trx, accountDecider, { accountId, streamId, command: { type: 'CreateAccountAlias', alias: input.alias }, metadata, occurredAt: now, lockKeys: [`global:alias/${input.alias}`] });
      }
    }));
    const account = await this.core.db.selectFrom('accounts').selectAll().where('account_id', '=', accountId).executeTakeFirstOrThrow();
    return { account, rootAccessKey: { accessKeyId, secretAccessKey, userName: null, status: 'Active', createDate: now } };
  }

  /** The caller's account as it is now, after a mutation the caller was allowed to make. */
  current(caller: Caller): Promise<AccountRow> {
    return this.core.read(caller, async (trx) => {
      const account = await trx.selectFrom('accounts').selectAll().where('account_id', '=', caller.accountId).executeTakeFirst();
      if (!account) throw new NoSuchEntityError('The account cannot be found.');
      return account;
    });
  }

  async get(caller: Caller): Promise<AccountRow> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GetAccountSummary', '*');
      const account = await trx.selectFrom('accounts').selectAll().where('account_id', '=', caller.accountId).executeTakeFirst();
      if (!account) throw new NoSuchEntityError('The account cannot be found.');
      return account;
    });
  }

  async createAlias(caller: Caller, alias: string): Promise<void> {
    await this.core.mutate(caller, async () => ({
      action: 'iam:CreateAccountAlias',
      resource: '*',
      decider: accountDecider,
      streamId: `account/${caller.accountId}`,
      command: { type: 'CreateAccountAlias' as const, alias },
      lockKeys: [`global:alias/${alias}`],
    }));
  }

  async updateSettings(caller: Caller, settings: AccountSettings): Promise<void> {
    await this.core.mutate(caller, async () => ({
      action: 'warden:UpdateAccountSettings',
      resource: '*',
      decider: accountDecider,
      streamId: `account/${caller.accountId}`,
      command: { type: 'UpdateAccountSettings' as const, settings },
    }));
  }

  /**
   * Sets quotas of an account; a quota left out keeps its value. Like creating an account, this is
   * for the management account's principals only, granted as `warden:UpdateAccountQuotas` on the
   * target account's organizations ARN (AWS has no such action: quotas are Service Quotas requests
   * there). The event is in the target account's stream with the caller as its actor, so the
   * tenant's own audit log shows who changed its quotas.
   */
  async updateQuotas(caller: Caller, accountId: string, quotas: Readonly<Record<string, number>>): Promise<AccountRow> {
    const resource = `arn:${this.core.partition}:organizations::${caller.accountId}:account/${accountId}`;
    await this.requireManagementCaller(caller, 'warden:UpdateAccountQuotas', resource);
    if (!/^\d{12}$/.test(accountId)) throw new InvalidInputError('An account id is 12 digits.');
    await this.core.command(accountId, accountDecider, {
      streamId: `account/${accountId}`,
      command: { type: 'UpdateAccountQuotas', quotas: { ...quotas } },
      metadata: { ...eventMetadata(caller), resourceArn: rootArn(this.core.partition, accountId) },
    });
    return inAccountTransaction(this.core.db, accountId, (trx) => trx.selectFrom('accounts').selectAll().where('account_id', '=', accountId).executeTakeFirstOrThrow());
  }

  async deleteAlias(caller: Caller, alias: string): Promise<void> {
    await this.core.mutate(caller, async () => ({
      action: 'iam:DeleteAccountAlias',
      resource: '*',
      decider: accountDecider,
      streamId: `account/${caller.accountId}`,
      command: { type: 'DeleteAccountAlias' as const, alias },
      lockKeys: [`global:alias/${alias}`],
    }));
  }
}
