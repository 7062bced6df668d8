import type { Decider } from '../kernel/decider.js';
import { EntityAlreadyExistsError } from '../kernel/iam-error.js';
import type { SignInEvent, SignInState } from './sign-in.events.js';

/**
 * A sign-in attempt is recorded once: its stream holds exactly one event. Whether the attempt
 * succeeds is decided before (it needs the password hash, the clock and the MFA device), so the
 * command already is the outcome.
 */
export type SignInCommand = { type: 'RecordSignIn'; event: SignInEvent };

export const signInDecider: Decider<SignInCommand, SignInEvent, SignInState> = {
  initialState: { recorded: false },
  evolve: () => ({ recorded: true }),
  decide(command, state) {
    if (state.recorded) throw new EntityAlreadyExistsError('This sign-in attempt is already recorded.');
    return [command.event];
  },
};
