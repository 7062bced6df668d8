import type { Decider } from '../decider.js';
import type { KeyringEvent } from './keyring.events.js';

/** The keyring's stream: each new data key is an event; the newest one becomes active. */
export type KeyringCommand = { type: 'CreateDataKey'; keyId: string; wrapped: string };

export const keyringDecider: Decider<KeyringCommand, KeyringEvent, { keys: number }> = {
  initialState: { keys: 0 },
  evolve: (state) => ({ keys: state.keys + 1 }),
  decide: (command) => [{ type: 'KeyringDataKeyCreated', data: { keyId: command.keyId, wrapped: command.wrapped, activate: true } }],
};
