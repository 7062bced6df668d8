import { type Database, streamLockKey } from '@warden/db';
import type { Kysely } from 'kysely';
import { NoSuchEntityError } from '../kernel/iam-error.js';
import { TOKEN_CLOCK_SKEW_SECONDS } from '../kernel/token-clock-skew.js';
import type { IamCore } from '../service/iam-core.js';
import { appendTo, systemWriter } from '../service/write-spec.js';
import { sessionDecider } from '../sessions/session.decider.js';

/**
 * Pruning the records of used federation tokens (`used_federation_tokens`: web identity tokens and SAML assertions). A record refuses the
 * token's replay only while the token could still be verified, that is until its expiry (a token's exp, an assertion's NotOnOrAfter) plus the
 * verification skew; after that it is useless. A session's expiry drops the record of a token
 * already past that point, but a token that outlives its session (a long-lived ID token, a short
 * session) stays, so the workers' sweep forgets those. Each forgetting is an event of the session's
 * stream (`FederationTokenForgotten`), so replay rebuilds the same table.
 */
export type ForgetOutcome = 'forgotten' | 'kept' | 'unknown-session';

/** The sessions whose token records are past their usefulness, in every account (read as the store's owner). */
export async function findForgettableFederationTokens(db: Kysely<Database>, now: Date, limit: number): Promise<{ accountId: string; sessionId: string }[]> {
  const rows = await db
    .selectFrom('used_federation_tokens')
    .select(['account_id', 'session_id'])
    .where('expires_at', '<=', new Date(now.getTime() - TOKEN_CLOCK_SKEW_SECONDS * 1000))
    .orderBy('expires_at')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ accountId: row.account_id, sessionId: row.session_id }));
}

/** Forgets the session's token record once it is past its use; idempotent. */
export async function forgetFederationToken(core: IamCore, accountId: string, sessionId: string): Promise<ForgetOutcome> {
  try {
    const handled = await core.write(systemWriter(accountId, { actorArn: 'warden:federation-token-pruning', resourceArn: `session/${sessionId}` }), {
      locks: [streamLockKey(`session/${sessionId}`)],
      appends: () => appendTo(sessionDecider, `session/${sessionId}`, { type: 'ForgetFederationToken' as const, sessionId, now: core.clock.now() }),
    });
    return handled.events.length > 0 ? 'forgotten' : 'kept';
  } catch (error) {
    if (error instanceof NoSuchEntityError) return 'unknown-session';
    throw error;
  }
}
