import { type Database, streamLockKey } from '@warden/db';
import type { Kysely } from 'kysely';
import { NoSuchEntityError } from '../kernel/iam-error.js';
import type { IamCore } from '../service/iam-core.js';
import { appendTo, systemWriter } from '../service/write-spec.js';
import { SessionNotExpiredError, sessionDecider } from '../sessions/session.decider.js';

/**
 * Expiring sessions: what the workers run. Correctness never waits for them (authentication refuses
 * an expired session by its time alone); they keep the active-sessions read model and the audit log
 * true. Expiry is idempotent, so a rerun or a late run appends nothing twice.
 */
export type ExpiryOutcome = 'expired' | 'already-expired' | 'not-yet' | 'unknown-session';

export async function expireSession(core: IamCore, accountId: string, sessionId: string): Promise<ExpiryOutcome> {
  try {
    const handled = await core.write(systemWriter(accountId, { actorArn: 'warden:session-expiry', resourceArn: `session/${sessionId}` }), {
      locks: [streamLockKey(`session/${sessionId}`)],
      appends: () => appendTo(sessionDecider, `session/${sessionId}`, { type: 'ExpireSession' as const, sessionId, now: core.clock.now() }),
    });
    return handled.events.length > 0 ? 'expired' : 'already-expired';
  } catch (error) {
    if (error instanceof NoSuchEntityError) return 'unknown-session';
    if (error instanceof SessionNotExpiredError) return 'not-yet';
    throw error;
  }
}

/** Sessions past their expiry in every account (read as the store's owner, across accounts). */
export async function findExpiredSessions(db: Kysely<Database>, now: Date, limit: number): Promise<{ accountId: string; sessionId: string }[]> {
  const rows = await db.selectFrom('sessions').select(['account_id', 'session_id']).where('expires_at', '<=', now).orderBy('expires_at').limit(limit).execute();
  return rows.map((row) => ({ accountId: row.account_id, sessionId: row.session_id }));
}
