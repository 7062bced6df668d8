import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import { TOKEN_CLOCK_SKEW_SECONDS } from '../kernel/token-clock-skew.js';
import type { SessionEvent } from './session.events.js';
import { documentHash } from '../policy-documents/validated-document-hash.js';

/** The active-sessions read model, and the ASIA key id → account lookup used by authentication. */
export async function projectSessionEvent(trx: Transaction<Database>, stored: StoredEvent, event: SessionEvent): Promise<void> {
  const accountId = stored.accountId;
  switch (event.type) {
    case 'SessionIssued': {
      const data = event.data;
      await trx
        .insertInto('sessions')
        .values({
          account_id: accountId,
          session_id: data.sessionId,
          access_key_id: data.accessKeyId,
          kind: data.kind,
          principal_arn: data.principalArn,
          role_id: data.roleId,
          user_id: data.userId,
          session_name: data.sessionName,
          source_identity: data.sourceIdentity,
          tags: JSON.stringify(data.tags),
          session_policies: JSON.stringify(data.sessionPolicies.map(({ name, document, hash }) => ({ name, document, hash: hash ?? documentHash(document) }))),
          secret: JSON.stringify(data.secret),
          token_hash: data.tokenHash,
          mfa_authenticated: data.mfaAuthenticated,
          mfa_authenticated_at: data.mfaAuthenticatedAt ? new Date(data.mfaAuthenticatedAt) : null,
          chained: data.chained,
          origin_account_id: data.originAccountId ?? null,
          issued_at: stored.occurredAt,
          expires_at: new Date(data.expiresAt),
        })
        .execute();
      await trx.insertInto('access_key_lookup').values({ access_key_id: data.accessKeyId, account_id: accountId }).execute();
      const singleUse = data.webIdentity ?? data.saml;
      if (singleUse) {
        await trx
          .insertInto('used_federation_tokens')
          .values({ account_id: accountId, token_hash: singleUse.tokenHash, session_id: data.sessionId, expires_at: new Date(singleUse.tokenExpiresAt) })
          .execute();
      }
      return;
    }
    case 'SessionSecretReencrypted':
      await trx
        .updateTable('sessions')
        .set({ secret: JSON.stringify(event.data.secret) })
        .where('account_id', '=', accountId)
        .where('session_id', '=', event.data.sessionId)
        .execute();
      return;
    case 'SessionExpired':
    case 'SessionRevoked': {
      const row = await trx.selectFrom('sessions').select('access_key_id').where('account_id', '=', accountId).where('session_id', '=', event.data.sessionId).executeTakeFirst();
      await trx.deleteFrom('sessions').where('account_id', '=', accountId).where('session_id', '=', event.data.sessionId).execute();
      if (row) await trx.deleteFrom('access_key_lookup').where('access_key_id', '=', row.access_key_id).execute();
      // A used federation token is forgotten with its session once the token can no longer be
      // verified: past its expiry and the skew verification allows (by the event's time, so replay
      // forgets the same); one that outlives its session stays.
      await trx
        .deleteFrom('used_federation_tokens')
        .where('account_id', '=', accountId)
        .where('session_id', '=', event.data.sessionId)
        .where('expires_at', '<=', new Date(stored.occurredAt.getTime() - TOKEN_CLOCK_SKEW_SECONDS * 1000))
        .execute();
      return;
    }
    case 'FederationTokenForgotten':
      await trx.deleteFrom('used_federation_tokens').where('account_id', '=', accountId).where('session_id', '=', event.data.sessionId).execute();
      return;
  }
}
