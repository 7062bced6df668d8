import type { Decider } from '../kernel/decider.js';
import { EntityAlreadyExistsError, InvalidInputError, NoSuchEntityError } from '../kernel/iam-error.js';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import { TOKEN_CLOCK_SKEW_SECONDS } from '../kernel/token-clock-skew.js';
import { evolveSession, INITIAL_SESSION_STATE, type SessionEvent, type SessionIssuedData, type SessionState } from './session.events.js';

/**
 * A session is issued once and expires once. Expiry is idempotent: a rerun, or a run after the
 * session already expired, appends nothing; a run before the expiry time is refused (a worker that
 * fires early must not cut a session short). The record of the federation token a session was
 * issued for is forgotten once the token is past its expiry and the verification skew, whatever the
 * session's state; before then, or a second time, nothing is appended (the record is what refuses
 * the token's replay).
 */
export type SessionCommand =
  | { type: 'IssueSession'; data: SessionIssuedData }
  | { type: 'ExpireSession'; sessionId: string; now: Date }
  | { type: 'RevokeSession'; sessionId: string }
  | { type: 'ReencryptSessionSecret'; sessionId: string; secret: EncryptedSecretData }
  | { type: 'ForgetFederationToken'; sessionId: string; now: Date };

/** Expiry asked for before the session's time: the worker fired early and must try again later. */
export class SessionNotExpiredError extends InvalidInputError {
  constructor(sessionId: string, expiresAt: string) {
    super(`Session ${sessionId} expires at ${expiresAt}, not yet.`);
  }
}

export function decideSession(command: SessionCommand, state: SessionState): SessionEvent[] {
  switch (command.type) {
    case 'IssueSession':
      if (state.status !== 'none') throw new EntityAlreadyExistsError('The session already exists.');
      return [{ type: 'SessionIssued', data: command.data }];
    case 'ExpireSession':
      if (state.status === 'none') throw new NoSuchEntityError(`Session ${command.sessionId} does not exist.`);
      if (state.status !== 'active') return [];
      if (command.now.getTime() < Date.parse(state.expiresAt)) throw new SessionNotExpiredError(command.sessionId, state.expiresAt);
      return [{ type: 'SessionExpired', data: { sessionId: command.sessionId } }];
    case 'RevokeSession':
      if (state.status === 'none') throw new NoSuchEntityError(`Session ${command.sessionId} does not exist.`);
      if (state.status !== 'active') return [];
      return [{ type: 'SessionRevoked', data: { sessionId: command.sessionId } }];
    case 'ReencryptSessionSecret':
      if (state.status !== 'active') return [];
      return [{ type: 'SessionSecretReencrypted', data: { sessionId: command.sessionId, secret: command.secret } }];
    case 'ForgetFederationToken':
      if (state.status === 'none') throw new NoSuchEntityError(`Session ${command.sessionId} does not exist.`);
      if (state.singleUseTokenExpiresAt === null) return [];
      if (command.now.getTime() < Date.parse(state.singleUseTokenExpiresAt) + TOKEN_CLOCK_SKEW_SECONDS * 1000) return [];
      return [{ type: 'FederationTokenForgotten', data: { sessionId: command.sessionId } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export const sessionDecider: Decider<SessionCommand, SessionEvent, SessionState> = {
  initialState: INITIAL_SESSION_STATE,
  evolve: evolveSession,
  decide: decideSession,
};
