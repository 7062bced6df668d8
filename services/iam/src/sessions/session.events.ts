import type { DomainEvent } from '../kernel/decider.js';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import type { Tag } from '../naming/index.js';

/**
 * Events of a temporary-credential session's stream (`session/SESSION_ID`), kept in the account of
 * the role (assumed-role sessions) or of the user (session tokens, federation). The secret is stored
 * encrypted and the session token only as its SHA-256 hash.
 */
export type SessionKind = 'assumed-role' | 'session-token' | 'federation' | 'console';

export interface SessionIssuedData {
  readonly sessionId: string;
  readonly accessKeyId: string;
  readonly kind: SessionKind;
  readonly principalArn: string;
  readonly roleId: string | null;
  /**
   * The assumed role's ARN (with its path, which the session's ARN leaves out), so that the audit
   * finds a role's sessions by the role; absent from sessions issued before it was recorded.
   */
  readonly roleArn?: string | null;
  /** Who asked for the session (the caller, or the identity provider for federation); absent from sessions issued before it was recorded. */
  readonly sourcePrincipalArn?: string | null;
  readonly userId: string | null;
  readonly sessionName: string;
  readonly sourceIdentity: string | null;
  readonly tags: Tag[];
  /** Each with the SHA-256 of its text as validated (`documentHash`), absent from sessions issued before it was recorded. */
  readonly sessionPolicies: { name: string; document: string; hash?: string }[];
  readonly secret: EncryptedSecretData;
  readonly tokenHash: string;
  readonly mfaAuthenticated: boolean;
  /** ISO 8601: when the MFA code was checked (aws:MultiFactorAuthAge counts from it); absent without MFA. */
  readonly mfaAuthenticatedAt?: string | null;
  readonly chained: boolean;
  /**
   * The account of the long-term principal (a user's or root's key) the chain of sessions started
   * from, carried over when a session assumes a role; null when the chain began outside the
   * platform (web identity, SAML). Absent from sessions issued before it was recorded.
   */
  readonly originAccountId?: string | null;
  /** ISO 8601. */
  readonly expiresAt: string;
  /** Set for a session issued for a web identity token (AssumeRoleWithWebIdentity). */
  readonly webIdentity?: WebIdentityOfSession | null;
  /** Set for a session issued for a SAML assertion (AssumeRoleWithSAML). */
  readonly saml?: SamlOfSession | null;
}

/** A federation token exchanged for the session, by its SHA-256 and expiry, never the token: it is accepted once only until then. */
export interface SingleUseTokenOfSession {
  readonly tokenHash: string;
  /** ISO 8601: the token's expiry. */
  readonly tokenExpiresAt: string;
}

/**
 * Who a web identity session was issued to (the provider and the token's subject, for the audit),
 * and the token's SHA-256 and expiry (its exp), never the token.
 */
export interface WebIdentityOfSession extends SingleUseTokenOfSession {
  readonly providerArn: string;
  readonly subject: string;
  readonly audience: string;
}

/**
 * Who a SAML session was issued to (the provider, the assertion's issuer and NameID, for the
 * audit), and the SHA-256 of the assertion's issuer and ID with its NotOnOrAfter, never the assertion.
 */
export interface SamlOfSession extends SingleUseTokenOfSession {
  readonly providerArn: string;
  readonly issuer: string;
  readonly subject: string;
  readonly subjectType: string;
}

export type SessionEvent =
  | DomainEvent<'SessionIssued', SessionIssuedData>
  | DomainEvent<'SessionExpired', { sessionId: string }>
  /** Ended before its time: a console session signed out. */
  | DomainEvent<'SessionRevoked', { sessionId: string }>
  | DomainEvent<'SessionSecretReencrypted', { sessionId: string; secret: EncryptedSecretData }>
  /** The used federation token's record (web identity token or SAML assertion) is dropped: it expired past the verification skew, so it can no longer be replayed. */
  | DomainEvent<'FederationTokenForgotten', { sessionId: string }>;

export interface SessionState {
  readonly status: 'none' | 'active' | 'expired' | 'revoked';
  readonly expiresAt: string;
  /** ISO 8601: the expiry of the federation token (web identity token or SAML assertion) the session was issued for, while its record is kept; null otherwise. */
  readonly singleUseTokenExpiresAt: string | null;
}

export const INITIAL_SESSION_STATE: SessionState = { status: 'none', expiresAt: '', singleUseTokenExpiresAt: null };

export function evolveSession(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'SessionIssued':
      return { status: 'active', expiresAt: event.data.expiresAt, singleUseTokenExpiresAt: (event.data.webIdentity ?? event.data.saml)?.tokenExpiresAt ?? null };
    case 'SessionExpired':
      return { ...state, status: 'expired' };
    case 'SessionRevoked':
      return { ...state, status: 'revoked' };
    case 'SessionSecretReencrypted':
      return state;
    case 'FederationTokenForgotten':
      return { ...state, singleUseTokenExpiresAt: null };
  }
}
