import type { Caller } from '../kernel/command-context.js';
import { InvalidInputError } from '../kernel/iam-error.js';
import type { IamCore } from '../service/iam-core.js';
import { WARDEN_ACTIONS } from '../warden-actions/warden-actions.js';
import type { AuditEvent } from './audit-event.js';
import { type AuditFilter, findAuditEvents } from './audit-event-repository.js';

export type { AuditFilter } from './audit-event-repository.js';

/**
 * The audit log is the event log: every change, with who made it, from where, on what. Readers
 * need `iam:GetAccountAuthorizationDetails`-level trust, here the `warden:GetAuditEvents` action,
 * and see their own account's events only (row-level security, and the repository's filter).
 */
export class AuditOperations {
  constructor(private readonly core: IamCore) {}

  /** Newest first; `before` is the position of the last event of the previous page. */
  async events(caller: Caller, filter: AuditFilter, page: { first: number; before?: string | null }): Promise<AuditEvent[]> {
    if (page.before !== undefined && page.before !== null && !/^\d+$/.test(page.before)) throw new InvalidInputError('The cursor is not valid.');
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, WARDEN_ACTIONS.GetAuditEvents.action, '*');
      return findAuditEvents(trx, caller.accountId, filter, page);
    });
  }
}
