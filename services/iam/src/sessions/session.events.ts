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
  readonly userId: string | null;
  readonly sessionName: string;
  readonly sourceIdentity: string | null;
  readonly tags: Tag[];
  readonly sessionPolicies: { name: string; document: string }[];
  readonly secret: EncryptedSecretData;
  readonly tokenHash: string;
  readonly mfaAuthenticated: boolean;
  /** ISO 8601: when the MFA code was checked (aws:MultiFactorAuthAge counts from it); absent without MFA. */
  readonly mfaAuthenticatedAt?: string | null;
  readonly chained: boolean;
  /** ISO 8601. */
  readonly expiresAt: string;
  /** Set for a session issued for a web identity token (AssumeRoleWithWebIdentity). */
  readonly webIdentity?: WebIdentityOfSession | null;
}

/**
 * Who a web identity session was issued to (the provider and the token's subject, for the audit),
 * and the token's SHA-256 and expiry, never the token: the token is accepted once only until then.
 */
export interface WebIdentityOfSession {
  readonly providerArn: string;
  readonly subject: string;
  readonly audience: string;
  readonly tokenHash: string;
  /** ISO 8601: the token's exp. */
  readonly tokenExpiresAt: string;
}

export type SessionEvent =
  | DomainEvent<'SessionIssued', SessionIssuedData>
  | DomainEvent<'SessionExpired', { sessionId: string }>
  /** Ended before its time: a console session signed out. */
  | DomainEvent<'SessionRevoked', { sessionId: string }>
  | DomainEvent<'SessionSecretReencrypted', { sessionId: string; secret: EncryptedSecretData }>
  /** The used web identity token's record is dropped: the token expired past the verification skew, so it can no longer be replayed. */
  | DomainEvent<'WebIdentityTokenForgotten', { sessionId: string }>;

export interface SessionState {
  readonly status: 'none' | 'active' | 'expired' | 'revoked';
  readonly expiresAt: string;
  /** ISO 8601: the exp of the web identity token the session was issued for, while its record is kept; null otherwise. */
  readonly webIdentityTokenExpiresAt: string | null;
}

export const INITIAL_SESSION_STATE: SessionState = { status: 'none', expiresAt: '', webIdentityTokenExpiresAt: null };

export function evolveSession(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'SessionIssued':
      return { status: 'active', expiresAt: event.data.expiresAt, webIdentityTokenExpiresAt: event.data.webIdentity?.tokenExpiresAt ?? null };
    case 'SessionExpired':
      return { ...state, status: 'expired' };
    case 'SessionRevoked':
      return { ...state, status: 'revoked' };
    case 'SessionSecretReencrypted':
      return state;
    case 'WebIdentityTokenForgotten':
      return { ...state, webIdentityTokenExpiresAt: null };
  }
}
