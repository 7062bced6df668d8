import { describe, it } from 'vitest';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import { given } from '../kernel/decider-spec.js';
import { NoSuchEntityError } from '../kernel/iam-error.js';
import { SessionNotExpiredError, sessionDecider } from './session.decider.js';
import type { SessionEvent } from './session.events.js';

const SECRET: EncryptedSecretData = { keyId: 'kr-1', iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };
const issued: SessionEvent = {
  type: 'SessionIssued',
  data: {
    sessionId: 's1',
    accessKeyId: 'ASIAEXAMPLE',
    kind: 'console',
    principalArn: 'arn:aws:iam::111122223333:user/alice',
    roleId: null,
    userId: 'AIDAUSER',
    sessionName: 'alice',
    sourceIdentity: null,
    tags: [],
    sessionPolicies: [],
    secret: SECRET,
    tokenHash: 'h',
    mfaAuthenticated: true,
    mfaAuthenticatedAt: '2026-11-28T12:00:00.000Z',
    chained: false,
    expiresAt: '2026-11-29T00:00:00.000Z',
  },
};

describe('session revocation (signOut)', () => {
  it('revokes an active session once; a revoked or expired one stays so', () => {
    given(sessionDecider, [issued])
      .when({ type: 'RevokeSession', sessionId: 's1' })
      .then([{ type: 'SessionRevoked', data: { sessionId: 's1' } }]);
    given(sessionDecider, [issued, { type: 'SessionRevoked', data: { sessionId: 's1' } }])
      .when({ type: 'RevokeSession', sessionId: 's1' })
      .then([]);
    given(sessionDecider, [issued, { type: 'SessionExpired', data: { sessionId: 's1' } }])
      .when({ type: 'RevokeSession', sessionId: 's1' })
      .then([]);
    given(sessionDecider, [issued, { type: 'SessionRevoked', data: { sessionId: 's1' } }])
      .when({ type: 'ExpireSession', sessionId: 's1', now: new Date('2026-11-30T00:00:00Z') })
      .then([]);
    given(sessionDecider).when({ type: 'RevokeSession', sessionId: 's1' }).thenThrows(NoSuchEntityError);
    // Expiry before its time is its own error, which the worker reads as "try later".
    given(sessionDecider, [issued])
      .when({ type: 'ExpireSession', sessionId: 's1', now: new Date('2026-11-28T23:59:59Z') })
      .thenThrows(SessionNotExpiredError);
  });
});

describe("forgetting a web identity session's used token", () => {
  const webIdentitySession: SessionEvent = {
    type: 'SessionIssued',
    data: {
      ...issued.data,
      kind: 'assumed-role',
      webIdentity: { providerArn: 'arn:aws:iam::111122223333:oidc-provider/idp.example.com', subject: 'sub', audience: 'aud', tokenHash: 'th', tokenExpiresAt: '2026-11-28T13:00:00.000Z' },
    },
  };
  const forgotten: SessionEvent = { type: 'FederationTokenForgotten', data: { sessionId: 's1' } };

  it('forgets it once the token is past its exp plus the 300 s skew, whatever the session, and only once', () => {
    // Within the skew the token could still be verified: its record must stay.
    given(sessionDecider, [webIdentitySession])
      .when({ type: 'ForgetFederationToken', sessionId: 's1', now: new Date('2026-11-28T13:04:59.999Z') })
      .then([]);
    given(sessionDecider, [webIdentitySession])
      .when({ type: 'ForgetFederationToken', sessionId: 's1', now: new Date('2026-11-28T13:05:00.000Z') })
      .then([forgotten]);
    given(sessionDecider, [webIdentitySession, { type: 'SessionExpired', data: { sessionId: 's1' } }])
      .when({ type: 'ForgetFederationToken', sessionId: 's1', now: new Date('2026-11-30T00:00:00Z') })
      .then([forgotten]);
    given(sessionDecider, [webIdentitySession, forgotten])
      .when({ type: 'ForgetFederationToken', sessionId: 's1', now: new Date('2026-11-30T00:00:00Z') })
      .then([]);
  });

  it('has nothing to forget for a session of no web identity, and refuses an unknown session', () => {
    given(sessionDecider, [issued])
      .when({ type: 'ForgetFederationToken', sessionId: 's1', now: new Date('2026-11-30T00:00:00Z') })
      .then([]);
    given(sessionDecider)
      .when({ type: 'ForgetFederationToken', sessionId: 's1', now: new Date('2026-11-30T00:00:00Z') })
      .thenThrows(NoSuchEntityError);
  });
});
