import type { Caller } from '../kernel/command-context.js';
import type { IamCore } from '../service/iam-core.js';
import { type AuditLogKey, decodeAuditLogCursor } from './audit-cursor.js';
import { WARDEN_ACTIONS } from '../warden-actions/warden-actions.js';
import { type AuditFilter, checkAuditFilter } from './audit-event-repository.js';
import type { AuditLogEntry, AuditLogPageEntry } from './audit-log-entry.js';
import { findAuditLog } from './audit-log-repository.js';

export type { AuditFilter } from './audit-event-repository.js';

/**
 * The audit log: every change (the event log), with who made it, from where, on what, and every
 * call recorded without a change (denied and failed calls, and reads when the account records
 * them). Readers need `iam:GetAccountAuthorizationDetails`-level trust, here the
 * `warden:GetAuditEvents` action, and see their own account's entries only (row-level security,
 * and the repositories' filters).
 */
export class AuditOperations {
  constructor(private readonly core: IamCore) {}

  /**
   * Newest first (the order of audit-cursor.ts's AuditLogKey), at most `first`; `after` is the
   * cursor of the last entry of the previous page. A bad cursor or filter is invalid input.
   */
  async log(caller: Caller, filter: AuditFilter, page: { first: number; after?: string | null }): Promise<AuditLogPageEntry[]> {
    const after = page.after === undefined || page.after === null ? null : decodeAuditLogCursor(page.after);
    checkAuditFilter(filter);
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, WARDEN_ACTIONS.GetAuditEvents.action, '*');
      return findAuditLog(trx, caller.accountId, filter, after, page.first);
    });
  }

  /** The entries of `log`'s page, without their cursors. */
  async events(caller: Caller, filter: AuditFilter, page: { first: number; after?: string | null }): Promise<AuditLogEntry[]> {
    return (await this.log(caller, filter, page)).map(({ entry }) => entry);
  }

  /**
   * The account's log for a file, in the query's order and with its cursors (newest first, by
   * AuditLogKey; events and call records through the one filter), in pages of `pageSize`; after
   * `after`, the cursor of the last entry a previous export (or `log` page) delivered, to resume
   * it. Each page is `log`'s next page, so every entry there when the export began is delivered
   * once, in one export or across its resumptions, whatever is written meanwhile (a row written
   * later is newer than the pages read, or lands in its place among those to come). Permission is
   * checked before the first page (so that a refusal is the answer) and again for every page.
   * Whole pages, so that a writer turns each into its output at once and its objects die young,
   * whatever the reader's pace.
   */
  async export(caller: Caller, filter: AuditFilter, after: string | null, pageSize = 1000): Promise<AsyncGenerator<readonly AuditLogPageEntry[], void, undefined>> {
    const start = after === null ? null : decodeAuditLogCursor(after);
    checkAuditFilter(filter);
    await this.core.read(caller, (trx) => this.core.authorize(trx, caller, WARDEN_ACTIONS.GetAuditEvents.action, '*'));
    return this.pages(caller, filter, start, pageSize);
  }

  private async *pages(caller: Caller, filter: AuditFilter, start: AuditLogKey | null, pageSize: number): AsyncGenerator<readonly AuditLogPageEntry[], void, undefined> {
    let cursor = start;
    for (;;) {
      const page = await this.core.read(caller, async (trx) => {
        await this.core.authorize(trx, caller, WARDEN_ACTIONS.GetAuditEvents.action, '*');
        return findAuditLog(trx, caller.accountId, filter, cursor, pageSize);
      });
      if (page.length > 0) {
        cursor = decodeAuditLogCursor(page[page.length - 1]!.cursor);
        yield page;
      }
      if (page.length < pageSize) return;
    }
  }
}
