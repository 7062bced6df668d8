import type { Selectable } from 'kysely';

/**
 * Federation tokens already exchanged for a session, by a SHA-256, never the token: a web identity
 * token (AssumeRoleWithWebIdentity) by what its signature signs, a SAML assertion
 * (AssumeRoleWithSAML) by its issuer and ID. Each is accepted once only until it expires.
 */
export interface UsedFederationTokensTable {
  account_id: string;
  token_hash: string;
  session_id: string;
  /** The token's own expiry: a JWT's `exp`, an assertion's NotOnOrAfter. */
  expires_at: Date;
}

export type UsedFederationTokenRow = Selectable<UsedFederationTokensTable>;
