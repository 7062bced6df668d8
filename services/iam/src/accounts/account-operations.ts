import { streamLockKey } from '@warden/db';
import { rootArn } from '../kernel/arns.js';
import { type Caller, eventMetadata } from '../kernel/command-context.js';
import { appendTo, systemWriter, writingFor } from '../service/write-spec.js';
import { ConstraintViolationError, InvalidInputError } from '../kernel/iam-error.js';
import { organizationAccountArn, requireManagementCaller } from './management-caller.js';
import { generateAccountId, generateSecretAccessKey, generateUniqueId, type NewAccessKey } from '../identifiers/index.js';
import type { IamCore } from '../service/iam-core.js';
import type { Account } from './account.js';
import { type AccountSummary, accountSummary } from './account-summary.js';
import { type AccountFilter, findAccount, listAccounts, requireAccount } from './account-repository.js';
import { type AccountCommand, accountDecider } from './account.decider.js';
import type { AccountSettings } from './account.events.js';
import { ORGANIZATION_ACCESS_ROLE_NAME, organizationAccessRoleAppends, organizationAccessRoleLocks, organizationAccessRoleRepairs } from './organization-access-role.js';
import { findRoleRowByName, requireRoleByName } from '../roles/role-repository.js';
import type { Role } from '../roles/role.js';
import { secretContext } from '../kernel/encryption-contexts.js';
import { WARDEN_ACTIONS } from '../warden-actions/warden-actions.js';

/** What an account records of its calls besides its denials and failures. */
export interface AuditSettings {
  readonly recordReadCalls: boolean;
}

/**
 * Accounts (tenants). Creating one is an organization-wide action that only principals of the
 * management account can be granted (`organizations:CreateAccount`); the new account comes with a
 * root access key, whose secret is returned once.
 */
export interface CreatedAccount {
  readonly account: Account;
  readonly rootAccessKey: NewAccessKey;
}

export class AccountOperations {
  constructor(private readonly core: IamCore) {}

  private requireManagementCaller(caller: Caller, action: string, resource: string): Promise<void> {
    return requireManagementCaller(this.core, caller, action, resource);
  }

  /**
   * Every account of the platform, a page at a time: Organizations' ListAccounts, for the
   * management account's principals only, authorized as `organizations:ListAccounts` on the
   * organization's accounts (`arn:PARTITION:organizations::MANAGEMENT:account/*`).
   */
  async list(caller: Caller, filter: AccountFilter, page: { after?: string | null; first: number }): Promise<Account[]> {
    await this.requireManagementCaller(caller, 'organizations:ListAccounts', this.organizationAccountArn(caller, '*'));
    // Read as the store's owner: the accounts' rows admit, inside an account's transaction, that account's only.
    return listAccounts(this.core.db, filter, page);
  }

  /**
   * Organizations' DescribeAccount: one account of the platform, closed or not, for the management
   * account's principals only, authorized as `organizations:DescribeAccount` on its organizations ARN.
   */
  async describe(caller: Caller, accountId: string): Promise<Account> {
    await this.requireManagementCaller(caller, 'organizations:DescribeAccount', this.organizationAccountArn(caller, accountId));
    if (!/^\d{12}$/.test(accountId)) throw new InvalidInputError('An account id is 12 digits.');
    // Read as the store's owner, as list is: the account is not the caller's.
    return requireAccount(this.core.db, accountId);
  }

  /** An account as Organizations names it, in the management (caller's) account's organization. */
  private organizationAccountArn(caller: Caller, accountId: string): string {
    return organizationAccountArn(this.core.partition, caller.accountId, accountId);
  }

  async create(caller: Caller, input: { name: string; alias?: string | null }): Promise<CreatedAccount> {
    await this.requireManagementCaller(caller, 'organizations:CreateAccount', this.organizationAccountArn(caller, '*'));
    const accountId = generateAccountId();
    const accessKeyId = generateUniqueId('AKIA');
    const secretAccessKey = generateSecretAccessKey();
    const now = this.core.clock.now();
    const metadata = {
      actorArn: caller.arn,
      ...(caller.requestId ? { requestId: caller.requestId } : {}),
      ...(caller.sourceIp ? { sourceIp: caller.sourceIp } : {}),
      resourceArn: rootArn(this.core.partition, accountId),
    };
    // The new account's first events: its creator was authorized in its own (management) account
    // above, and there is no one in the new account to authorize yet, so the write is Warden's, with
    // the creator as its actor.
    const aliasKey = input.alias ? [`global:alias/${input.alias}`] : [];
    const streamId = `account/${accountId}`;
    const accessRoleId = this.core.newId('AROA');
    const { answer: account } = await this.core.write<undefined, unknown, Account>(writingFor(caller.callScope, systemWriter(accountId, metadata, now)), {
      locks: [streamLockKey(streamId), ...aliasKey, ...organizationAccessRoleLocks(this.core.partition, accessRoleId)],
      appends: () => [
        appendTo(accountDecider, streamId, { type: 'CreateAccount' as const, accountId, name: input.name, isManagement: false }),
        appendTo(accountDecider, streamId, { type: 'CreateRootAccessKey' as const, accessKeyId, secret: this.core.keyring.encrypt(secretAccessKey, secretContext(accountId, accessKeyId)) }),
        ...(input.alias ? [appendTo(accountDecider, streamId, { type: 'CreateAccountAlias' as const, alias: input.alias }, { lockKeys: aliasKey })] : []),
        // Organizations' way back in, created with the account so that no account is ever without it.
        ...organizationAccessRoleAppends(this.core.partition, accountId, caller.accountId, accessRoleId),
      ],
      answer: (trx) => requireAccount(trx, accountId),
    });
    return { account, rootAccessKey: { accessKeyId, secretAccessKey, userName: null, status: 'Active', createDate: now } };
  }

  /** The caller's account as it is now, after a mutation the caller was allowed to make. */
  current(caller: Caller): Promise<Account> {
    return this.core.read(caller, (trx) => requireAccount(trx, caller.accountId));
  }

  async get(caller: Caller): Promise<Account> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GetAccountSummary', '*');
      return requireAccount(trx, caller.accountId);
    });
  }

  /**
   * AWS's GetAccountSummary: the account's entity counts and quotas, authorized as
   * iam:GetAccountSummary, read in one transaction so the counts are of one moment.
   */
  async summary(caller: Caller): Promise<AccountSummary> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GetAccountSummary', '*');
      return accountSummary(trx, caller.accountId, await this.core.quotas(trx, caller.accountId));
    });
  }

  /** AWS's ListAccountAliases: the account's alias, if it has one (an account has at most one). */
  async aliases(caller: Caller): Promise<string[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListAccountAliases', '*');
      const { alias } = await requireAccount(trx, caller.accountId);
      return alias === null ? [] : [alias];
    });
  }

  /** A write of the caller's account stream that needs only the caller's permission on `*`. */
  private async accountWrite(caller: Caller, action: string, command: AccountCommand, lockKeys: readonly string[] = []): Promise<void> {
    const streamId = `account/${caller.accountId}`;
    await this.core.write(caller, {
      locks: [streamLockKey(streamId), ...lockKeys],
      permissions: () => [{ action, resource: '*' }],
      appends: () => appendTo(accountDecider, streamId, command, lockKeys.length > 0 ? { lockKeys } : {}),
    });
  }

  async createAlias(caller: Caller, alias: string): Promise<void> {
    await this.accountWrite(caller, 'iam:CreateAccountAlias', { type: 'CreateAccountAlias', alias }, [`global:alias/${alias}`]);
  }

  async updateSettings(caller: Caller, settings: AccountSettings): Promise<void> {
    await this.accountWrite(caller, WARDEN_ACTIONS.UpdateAccountSettings.action, { type: 'UpdateAccountSettings', settings });
  }

  /**
   * The account's audit settings: whether its successful read calls are recorded in the call
   * records (its denied and failed calls always are), as CloudTrail's read events are opted into.
   */
  async auditSettings(caller: Caller): Promise<AuditSettings> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, WARDEN_ACTIONS.GetAuditSettings.action, '*');
      const row = await trx.selectFrom('accounts').select('record_read_calls').where('account_id', '=', caller.accountId).executeTakeFirstOrThrow();
      return { recordReadCalls: row.record_read_calls };
    });
  }

  async updateAuditSettings(caller: Caller, settings: AuditSettings): Promise<AuditSettings> {
    await this.accountWrite(caller, WARDEN_ACTIONS.UpdateAuditSettings.action, { type: 'SetReadCallRecording', enabled: settings.recordReadCalls });
    return { recordReadCalls: settings.recordReadCalls };
  }

  /**
   * Sets quotas of an account; a quota left out keeps its value. Like creating an account, this is
   * for the management account's principals only, granted as `warden:UpdateAccountQuotas` on the
   * target account's organizations ARN (AWS has no such action: quotas are Service Quotas requests
   * there). The event is in the target account's stream with the caller as its actor, so the
   * tenant's own audit log shows who changed its quotas.
   */
  async updateQuotas(caller: Caller, accountId: string, quotas: Readonly<Record<string, number>>): Promise<Account> {
    await this.requireManagementCaller(caller, WARDEN_ACTIONS.UpdateAccountQuotas.action, this.organizationAccountArn(caller, accountId));
    if (!/^\d{12}$/.test(accountId)) throw new InvalidInputError('An account id is 12 digits.');
    // The target account is not the caller's, whose permission was decided in its own account above.
    const { answer } = await this.core.write(writingFor(caller.callScope, systemWriter(accountId, { ...eventMetadata(caller), resourceArn: rootArn(this.core.partition, accountId) })), {
      locks: [streamLockKey(`account/${accountId}`)],
      appends: () => appendTo(accountDecider, `account/${accountId}`, { type: 'UpdateAccountQuotas' as const, quotas: { ...quotas } }),
      answer: (trx) => requireAccount(trx, accountId),
    });
    return answer;
  }

  /**
   * Organizations' CloseAccount: for the management account's principals only, authorized as
   * `organizations:CloseAccount` on the account's organizations ARN. The account's stream records
   * AccountClosed (its alias released first); from the write's commit, every credential of the
   * account is refused (see the credential resolver), and its data stays for audit.
   */
  async close(caller: Caller, accountId: string): Promise<Account> {
    await this.requireManagementCaller(caller, 'organizations:CloseAccount', this.organizationAccountArn(caller, accountId));
    if (!/^\d{12}$/.test(accountId)) throw new InvalidInputError('An account id is 12 digits.');
    const streamId = `account/${accountId}`;
    // The alias is read under the account stream's lock (no alias change can pass it), then its
    // global key is locked too, as every alias change locks it.
    const { answer } = await this.core.write(writingFor(caller.callScope, systemWriter(accountId, { ...eventMetadata(caller), resourceArn: rootArn(this.core.partition, accountId) })), {
      locks: [streamLockKey(streamId)],
      load: async (trx) => (await findAccount(trx, accountId))?.alias ?? null,
      lockedAfterLoad: (alias) => (alias === null ? [] : [`global:alias/${alias}`]),
      appends: (alias) => appendTo(accountDecider, streamId, { type: 'CloseAccount' as const }, alias === null ? {} : { lockKeys: [`global:alias/${alias}`] }),
      answer: (trx) => requireAccount(trx, accountId),
    });
    return answer;
  }

  /**
   * Gives an account OrganizationAccountAccessRole as `create` does (RoleCreated and
   * PolicyAttachedToRole, in the account's own log with the caller as actor), for accounts made
   * before every new account got it, or whose tenant deleted it; an existing role is put back as
   * it was made (its trust policy naming the management account, AdministratorAccess attached),
   * and an intact one is left as it is: nothing is written. For the management account's
   * principals only, as `warden:EnsureOrganizationAccessRole` on the account's organizations ARN.
   */
  async ensureOrganizationAccessRole(caller: Caller, accountId: string): Promise<Role> {
    await this.requireManagementCaller(caller, WARDEN_ACTIONS.EnsureOrganizationAccessRole.action, this.organizationAccountArn(caller, accountId));
    if (!/^\d{12}$/.test(accountId)) throw new InvalidInputError('An account id is 12 digits.');
    const newRoleId = this.core.newId('AROA');
    const roleKeys = organizationAccessRoleLocks(this.core.partition, newRoleId);
    // The role's name key is held from the start, so that a racing ensure (or the tenant making or
    // deleting the role) waits, and this one finds the role as the one before left it.
    const { answer } = await this.core.write(writingFor(caller.callScope, systemWriter(accountId, { ...eventMetadata(caller), resourceArn: rootArn(this.core.partition, accountId) })), {
      locks: [streamLockKey(`account/${accountId}`), ...roleKeys],
      load: async (trx) => {
        const account = await requireAccount(trx, accountId);
        if (account.isManagement) throw new ConstraintViolationError('The management account has no OrganizationAccountAccessRole: its own principals administer it.');
        if (account.status === 'CLOSED') throw new ConstraintViolationError('The account is closed: nothing in it can change.');
        return findRoleRowByName(trx, accountId, ORGANIZATION_ACCESS_ROLE_NAME);
      },
      lockedAfterLoad: (role) => (role ? [streamLockKey(`role/${role.role_id}`)] : []),
      appends: (role) =>
        role
          ? organizationAccessRoleRepairs(this.core.partition, caller.accountId, { roleId: role.role_id, arn: role.arn, trustPolicy: role.trust_policy })
          : organizationAccessRoleAppends(this.core.partition, accountId, caller.accountId, newRoleId),
      answer: (trx) => requireRoleByName(trx, accountId, ORGANIZATION_ACCESS_ROLE_NAME),
    });
    return answer;
  }

  async deleteAlias(caller: Caller, alias: string): Promise<void> {
    await this.accountWrite(caller, 'iam:DeleteAccountAlias', { type: 'DeleteAccountAlias', alias }, [`global:alias/${alias}`]);
  }
}
