import { WARDEN_ACTIONS } from '../warden-actions/warden-actions.js';
import { commitHorizon } from '@warden/db';
import type { CredentialResolver } from '../authentication/credential-resolver.js';
import { type CredentialStanding, credentialStanding } from '../authentication/credential-standing.js';
import type { Caller } from '../kernel/command-context.js';
import { AccessDeniedError, LimitExceededError } from '../kernel/iam-error.js';
import { type AuditEntry, type CommitOrderKey, commitOrderKeyBelow, decodeCommitOrderCursor } from './audit-cursor.js';
import type { IamCore } from '../service/iam-core.js';
import { readAuditLogInCommitOrder } from './audit-commit-order.js';
import { type AuditFilter, checkAuditFilter } from './audit-event-repository.js';

export interface LiveAuditTailLimits {
  /** Tails open at once for one caller (one ARN) in one process. */
  readonly perCaller: number;
  /** Tails open at once for one account in one process. */
  readonly perAccount: number;
  /** How long a tail that has read everything waits before it reads again. */
  readonly pollIntervalMs: number;
  /** Entries read per statement (of each source: events, call records). */
  readonly pageSize: number;
}

export const DEFAULT_LIVE_AUDIT_TAIL_LIMITS: LiveAuditTailLimits = { perCaller: 3, perAccount: 25, pollIntervalMs: 1000, pageSize: 200 };

/**
 * The audit log as it is written, events and call records: `warden:GetAuditEvents`, like the
 * query, for the caller's own account, through the query's filter. It reads with the consumers'
 * gap-free rule (only transactions below the commit horizon, in transaction order; for records,
 * `api_calls.transaction_id`), so an entry committed late by a transaction that began early is still
 * delivered, and a client that resumes after the cursor of the last entry it received gets every
 * later entry once. Each read re-checks what the stream was opened with: the caller's permission,
 * and that its credential is still in force (not deleted, deactivated, revoked or expired, its
 * account not closed); when one no longer holds, the stream ends with AccessDenied.
 */
export class LiveAuditTail {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly core: IamCore,
    private readonly credentials: CredentialResolver,
    private readonly limits: LiveAuditTailLimits = DEFAULT_LIVE_AUDIT_TAIL_LIMITS,
  ) {}

  /**
   * Opens a tail after `after` (a cursor a previous entry carried), or at the present. Permission,
   * the cursor and the limits are checked before the first entry, so a refusal is the answer, not
   * a stream. `signal` ends it (the client went away, the server stops).
   */
  async follow(caller: Caller, filter: AuditFilter, after: string | null, signal: AbortSignal): Promise<AsyncIterableIterator<AuditEntry>> {
    const resumeAfter = after === null ? undefined : decodeCommitOrderCursor(after);
    checkAuditFilter(filter);
    const start = await this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, WARDEN_ACTIONS.GetAuditEvents.action, '*');
      return resumeAfter ?? commitOrderKeyBelow(await commitHorizon(trx));
    });
    const keys = [caller.accountId, `${caller.accountId}\n${caller.arn}`];
    if ((this.open.get(keys[0]!) ?? 0) >= this.limits.perAccount)
      throw new LimitExceededError(`The account has ${this.limits.perAccount} live audit tails open on this server, the most it may; close one first.`);
    if ((this.open.get(keys[1]!) ?? 0) >= this.limits.perCaller)
      throw new LimitExceededError(`${caller.arn} has ${this.limits.perCaller} live audit tails open on this server, the most it may; close one first.`);
    for (const key of keys) this.open.set(key, (this.open.get(key) ?? 0) + 1);

    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      signal.removeEventListener('abort', onAbort);
      for (const key of keys) {
        const left = (this.open.get(key) ?? 1) - 1;
        if (left === 0) this.open.delete(key);
        else this.open.set(key, left);
      }
    };
    if (signal.aborted) stop.abort();
    const entries = this.entries(caller, filter, start, stop.signal);
    const iterator: AsyncIterableIterator<AuditEntry> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => {
        try {
          const next = await entries.next();
          if (next.done) release();
          return next;
        } catch (error) {
          release();
          throw error;
        }
      },
      // The reader may be waiting for its next read: stopping wakes it, and the slot is given back at once.
      return: () => {
        stop.abort();
        release();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
    return iterator;
  }

  /** How many tails are open in this process for the account (for tests and metrics). */
  openFor(accountId: string): number {
    return this.open.get(accountId) ?? 0;
  }

  private async *entries(caller: Caller, filter: AuditFilter, start: CommitOrderKey, stop: AbortSignal): AsyncGenerator<AuditEntry, void, undefined> {
    let cursor = start;
    while (!stop.aborted) {
      await this.checkCredential(caller);
      const { page, horizon } = await this.core.read(caller, async (trx) => {
        await this.core.authorize(trx, caller, WARDEN_ACTIONS.GetAuditEvents.action, '*');
        const horizon = await commitHorizon(trx);
        const page = await readAuditLogInCommitOrder(trx, caller.accountId, filter, cursor, horizon, this.limits.pageSize);
        return { page, horizon };
      });
      for (const { key, entry } of page) {
        if (stop.aborted) return;
        cursor = key;
        yield entry;
      }
      if (page.length < this.limits.pageSize) {
        // Everything below the horizon that passes the filter has been delivered: the next read starts there.
        cursor = commitOrderKeyBelow(horizon);
        await pause(this.limits.pollIntervalMs, stop);
      }
    }
  }

  /** The credential that opened the tail, as authentication would judge it now (`credentialStanding`). */
  private async checkCredential(caller: Caller): Promise<void> {
    // A caller made in-process (no credential) has nothing to lose; every authenticated one has its key id.
    if (caller.accessKeyId === undefined) return;
    const standing = credentialStanding(await this.credentials.resolve(caller.accessKeyId), this.core.clock.now());
    if (standing !== 'IN_FORCE') throw new AccessDeniedError(`${caller.arn}: ${STANDING_REASONS[standing]}`);
  }
}

const STANDING_REASONS: Readonly<Record<Exclude<CredentialStanding, 'IN_FORCE'>, string>> = {
  UNKNOWN: 'the credentials that opened this live audit tail are no longer in force (they no longer exist).',
  INACTIVE: 'the credentials that opened this live audit tail are no longer in force (inactive).',
  REVOKED: 'the credentials that opened this live audit tail are no longer in force (their session was revoked).',
  EXPIRED: 'the session that opened this live audit tail has expired.',
};

function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done, { once: true });
  });
}
