import { type StoredEvent, toStoredEvent } from '@warden/db';
import { sql } from 'kysely';
import type { Caller } from '../kernel/command-context.js';
import { InvalidInputError } from '../kernel/iam-error.js';
import type { IamCore } from '../service/iam-core.js';

/**
 * The audit log is the event log: every change, with who made it, from where, on what. Readers
 * need `iam:GetAccountAuthorizationDetails`-level trust, here the `warden:GetAuditEvents` action,
 * and see their own account's events only (row-level security, and the filter below).
 */
export interface AuditFilter {
  readonly actor?: string | null;
  readonly eventTypes?: readonly string[] | null;
  readonly resourceArn?: string | null;
  readonly from?: Date | null;
  readonly to?: Date | null;
}

/** Encrypted secrets and wrapped keys stay in the log but are not handed out by the audit API. */
const SECRET_FIELDS = new Set(['secret', 'wrapped', 'tokenHash', 'passwordHash', 'previousPasswordHashes', 'seed']);

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, SECRET_FIELDS.has(key) ? '[encrypted]' : redactSecrets(item)]));
}

export class AuditOperations {
  constructor(private readonly core: IamCore) {}

  /** Newest first; `before` is the global position of the last event of the previous page. */
  async events(caller: Caller, filter: AuditFilter, page: { first: number; before?: string | null }): Promise<StoredEvent[]> {
    if (page.before !== undefined && page.before !== null && !/^\d+$/.test(page.before)) throw new InvalidInputError('The cursor is not valid.');
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'warden:GetAuditEvents', '*');
      let query = trx.selectFrom('events').selectAll().where('account_id', '=', caller.accountId);
      if (filter.actor) query = query.where(sql<boolean>`metadata->>'actorArn' = ${filter.actor}`);
      if (filter.eventTypes && filter.eventTypes.length > 0) query = query.where('type', 'in', [...filter.eventTypes]);
      if (filter.resourceArn) query = query.where(sql<boolean>`metadata->>'resourceArn' = ${filter.resourceArn}`);
      if (filter.from) query = query.where('occurred_at', '>=', filter.from);
      if (filter.to) query = query.where('occurred_at', '<', filter.to);
      if (page.before) query = query.where(sql<boolean>`global_position < ${page.before}::bigint`);
      const rows = await query.orderBy('global_position', 'desc').limit(page.first).execute();
      return rows.map((row) => {
        const event = toStoredEvent(row);
        return { ...event, data: redactSecrets(event.data) };
      });
    });
  }
}
