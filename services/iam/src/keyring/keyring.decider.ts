import type { Decider } from '../kernel/decider.js';
import type { KeyringEvent } from './keyring.events.js';

/** The keyring's stream: each new data key is an event; the newest one becomes active. */
export type KeyringCommand = { type: 'CreateDataKey'; keyId: string; wrapped: string } | { type: 'RetireDataKey'; keyId: string };

interface KeyringState {
  readonly keyIds: readonly string[];
  readonly activeKeyId: string | undefined;
}

export const keyringDecider: Decider<KeyringCommand, KeyringEvent, KeyringState> = {
  initialState: { keyIds: [], activeKeyId: undefined },
  evolve: (state, event) =>
    event.type === 'KeyringDataKeyCreated'
      ? { keyIds: [...state.keyIds, event.data.keyId], activeKeyId: event.data.activate ? event.data.keyId : state.activeKeyId }
      : { ...state, keyIds: state.keyIds.filter((id) => id !== event.data.keyId) },
  decide: (command, state) => {
    if (command.type === 'CreateDataKey') return [{ type: 'KeyringDataKeyCreated', data: { keyId: command.keyId, wrapped: command.wrapped, activate: true } }];
    // The active key is never retired, and a key already gone is a no-op.
    if (command.keyId === state.activeKeyId || !state.keyIds.includes(command.keyId)) return [];
    return [{ type: 'KeyringDataKeyRetired', data: { keyId: command.keyId } }];
  },
};
