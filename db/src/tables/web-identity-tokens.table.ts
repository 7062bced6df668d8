import type { Selectable } from 'kysely';

/**
 * Web identity tokens already exchanged for a session (AssumeRoleWithWebIdentity), by the SHA-256 of
 * the token, never the token: a token is accepted once only until it expires.
 */
export interface WebIdentityTokensTable {
  account_id: string;
  token_hash: string;
  session_id: string;
  /** The token's own `exp`. */
  expires_at: Date;
}

export type WebIdentityTokenRow = Selectable<WebIdentityTokensTable>;
