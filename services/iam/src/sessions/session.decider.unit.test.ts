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
