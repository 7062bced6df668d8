import { InvalidIdentityTokenError } from '../kernel/iam-error.js';
import type { SessionIssueGuard } from './federated-role-sessions.js';

/**
 * A federation token (a web identity token, a SAML assertion) is exchanged for one session only.
 * The issuing write takes the token's lock before it reads whether the token was used, so two
 * requests racing with one token cannot both pass; the session's projection remembers it in
 * used_federation_tokens, in the store every replica shares.
 */
export function singleUseTokenGuard(accountId: string, tokenHash: string, refusal: string): SessionIssueGuard {
  return {
    locks: [`federation-token/${tokenHash}`],
    check: async (trx) => {
      const used = await trx.selectFrom('used_federation_tokens').select('token_hash').where('account_id', '=', accountId).where('token_hash', '=', tokenHash).executeTakeFirst();
      if (used) throw new InvalidIdentityTokenError(refusal);
    },
  };
}
