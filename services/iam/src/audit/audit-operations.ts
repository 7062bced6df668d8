import type { Caller } from '../kernel/command-context.js';
import { InvalidInputError } from '../kernel/iam-error.js';
import type { IamCore } from '../service/iam-core.js';
import { commitHorizon, type ConsumerCursor, cursorOf, START_OF_LOG } from '@warden/db';
import { type AuditEntry, decodeAuditCursor, encodeAuditCursor } from './audit-cursor.js';
import { WARDEN_ACTIONS } from '../warden-actions/warden-actions.js';
import type { AuditEvent } from './audit-event.js';
import { toAuditEvent } from './audit-event-mapper.js';
import { type AuditFilter, auditEventsInCommitOrder, findAuditEvents } from './audit-event-repository.js';

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

  /**
   * The account's log as it stood when the export began (everything below the commit horizon then),
   * oldest commit first, through the filter, in pages of `pageSize`; after `after`, the cursor of the
   * last entry a previous export delivered, to resume it. Permission is checked before the first
   * page (so that a refusal is the answer) and again for every page. Whole pages, so that a writer
   * turns each into its output at once and its objects die young, whatever the reader's pace.
   */
  async export(caller: Caller, filter: AuditFilter, after: string | null, pageSize = 100): Promise<AsyncGenerator<readonly AuditEntry[], void, undefined>> {
    const start: ConsumerCursor = after === null ? START_OF_LOG : decodeAuditCursor(after);
    const horizon = await this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, WARDEN_ACTIONS.GetAuditEvents.action, '*');
      return commitHorizon(trx);
    });
    return this.pages(caller, filter, start, horizon, pageSize);
  }

  private async *pages(caller: Caller, filter: AuditFilter, start: ConsumerCursor, horizon: string, pageSize: number): AsyncGenerator<readonly AuditEntry[], void, undefined> {
    let cursor = start;
    for (;;) {
      const page = await this.core.read(caller, async (trx) => {
        await this.core.authorize(trx, caller, WARDEN_ACTIONS.GetAuditEvents.action, '*');
        return auditEventsInCommitOrder(trx, caller.accountId, filter, cursor, horizon, pageSize);
      });
      if (page.length > 0) {
        cursor = cursorOf(page[page.length - 1]!);
        yield page.map((event) => ({ cursor: encodeAuditCursor(cursorOf(event)), event: toAuditEvent(event) }));
      }
      if (page.length < pageSize) return;
    }
  }
}
