import type { JSONColumnType, Selectable } from 'kysely';

export type SessionKind = 'assumed-role' | 'session-token' | 'federation' | 'console';

/** Active temporary-credential sessions (expired ones leave when their expiry is processed). */
export interface SessionsTable {
  account_id: string;
  session_id: string;
  /** ASIA… */
  access_key_id: string;
  kind: SessionKind;
  /** The session's principal: assumed-role, user (session token) or federated-user ARN. */
  principal_arn: string;
  role_id: string | null;
  user_id: string | null;
  session_name: string;
  source_identity: string | null;
  tags: JSONColumnType<{ key: string; value: string }[]>;
  /** Each with the SHA-256 (hex) of its text as validated when the session was issued (migration 0026). */
  session_policies: JSONColumnType<{ name: string; document: string; hash: string }[]>;
  /** The session's secret access key, encrypted under the keyring. */
  secret: JSONColumnType<{ keyId: string; iv: string; ciphertext: string; tag: string }>;
  /** SHA-256 of the session token (the token itself is never stored). */
  token_hash: string;
  mfa_authenticated: boolean;
  /** When the MFA code was checked (aws:MultiFactorAuthAge counts from here); null without MFA. */
  mfa_authenticated_at: Date | null;
  chained: boolean;
  /** The account of the long-term principal the session's chain started from; null when it began outside the platform (web identity, SAML) or is unknown. */
  origin_account_id: string | null;
  issued_at: Date;
  expires_at: Date;
}

export type SessionRow = Selectable<SessionsTable>;
