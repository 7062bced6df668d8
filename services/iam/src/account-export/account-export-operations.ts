import { WARDEN_ACTIONS } from '../warden-actions/warden-actions.js';
import { inAccountTransaction } from '@warden/db';
import type { AuditEvent } from '../audit/audit-event.js';
import { findAccountEventsInOrder } from '../audit/audit-event-repository.js';
import { requireAccount } from '../accounts/account-repository.js';
import { organizationAccountArn, requireManagementCaller } from '../accounts/management-caller.js';
import type { Caller } from '../kernel/command-context.js';
import { InvalidInputError } from '../kernel/iam-error.js';
import type { IamCore } from '../service/iam-core.js';
import { type ExportedTable, readAccountIamState } from './account-iam-state.js';

/**
 * What `closeAccount` keeps for audit, handed to the management account: an account's whole event
 * log, oldest first, and its IAM state, secrets redacted (as the audit API redacts them). Closed
 * or not. Authorized as `warden:ExportAccount` on the account's organizations ARN, for the
 * management account's principals only: a tenant's principals never read another account (they
 * read their own log with auditEvents). Each read runs in the target account's transaction.
 */
export class AccountExportOperations {
  constructor(private readonly core: IamCore) {}

  private async authorizeExport(caller: Caller, accountId: string): Promise<void> {
    await requireManagementCaller(this.core, caller, WARDEN_ACTIONS.ExportAccount.action, organizationAccountArn(this.core.partition, caller.accountId, accountId));
    if (!/^\d{12}$/.test(accountId)) throw new InvalidInputError('An account id is 12 digits.');
  }

  /** The account's events, oldest first; `after` is the position of the last event of the page before. */
  async events(caller: Caller, accountId: string, page: { first: number; after?: string | null }): Promise<AuditEvent[]> {
    if (page.after !== undefined && page.after !== null && !/^\d+$/.test(page.after)) throw new InvalidInputError('The cursor is not valid.');
    await this.authorizeExport(caller, accountId);
    return inAccountTransaction(this.core.db, accountId, async (trx) => {
      await requireAccount(trx, accountId);
      return findAccountEventsInOrder(trx, accountId, page);
    });
  }

  /** The account's read models as they are now, table by table. */
  async iamState(caller: Caller, accountId: string): Promise<ExportedTable[]> {
    await this.authorizeExport(caller, accountId);
    return inAccountTransaction(this.core.db, accountId, async (trx) => {
      await requireAccount(trx, accountId);
      return readAccountIamState(trx, accountId);
    });
  }
}
