import type { Decider } from '../kernel/decider.js';
import { EntityAlreadyExistsError, InvalidInputError, NoSuchEntityError } from '../kernel/iam-error.js';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import { evolveSession, INITIAL_SESSION_STATE, type SessionEvent, type SessionIssuedData, type SessionState } from './session.events.js';

/**
 * A session is issued once and expires once. Expiry is idempotent: a rerun, or a run after the
 * session already expired, appends nothing; a run before the expiry time is refused (a worker that
 * fires early must not cut a session short).
 */
export type SessionCommand =
  | { type: 'IssueSession'; data: SessionIssuedData }
  | { type: 'ExpireSession'; sessionId: string; now: Date }
  | { type: 'RevokeSession'; sessionId: string }
  | { type: 'ReencryptSessionSecret'; sessionId: string; secret: EncryptedSecretData };

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
