import { expect } from 'vitest';
import { type Decider, type DomainEvent, fold } from './decider.js';

/**
 * TEST-ONLY: a given/when/then harness for the pure deciders, used by the `*.decider.unit.test.ts`
 * files. Nothing in the service imports it (it imports vitest).
 *
 *   given(userDecider, [created]).when({ type: 'DeleteUser' }).then([deletedEvent]);
 *   given(userDecider, []).when({ type: 'DeleteUser' }).thenThrows(NoSuchEntityError, /cannot be found/);
 *
 * `given` folds the history with the decider's `evolve`; `when` runs `decide` on the resulting
 * state. `then` asserts the exact events (deep, strict equality; `[]` for a no-op), that `decide`
 * left the state untouched, and that `evolve` accepts the new events; it returns the state after
 * them. `thenThrows` asserts the exact error class (not merely a superclass such as IamError) and,
 * optionally, the message; it returns the error.
 */

export type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

export interface DeciderSpecOutcome<Event extends DomainEvent, State> {
  then(expected: readonly Event[]): State;
  thenThrows<E extends Error>(errorClass: ErrorClass<E>, message?: RegExp | string): E;
}

export interface DeciderSpecGiven<Command, Event extends DomainEvent, State> {
  /** The state the history folds into, for assertions about the given state itself. */
  readonly state: State;
  when(command: Command): DeciderSpecOutcome<Event, State>;
}

export function given<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>, history: readonly Event[] = []): DeciderSpecGiven<Command, Event, State> {
  const state = fold(decider, history);
  return {
    state,
    when(command) {
      return {
        then(expected) {
          const before = structuredClone(state);
          const produced = decider.decide(command, state);
          expect(produced).toStrictEqual(expected);
          expect(state, 'decide must not mutate the state it is given').toStrictEqual(before);
          let after = state;
          expect(() => {
            after = produced.reduce((current, event) => decider.evolve(current, event), state);
          }, 'evolve must accept the events decide produced').not.toThrow();
          return after;
        },
        thenThrows<E extends Error>(errorClass: ErrorClass<E>, message?: RegExp | string): E {
          const before = structuredClone(state);
          let produced: Event[] | undefined;
          let thrown: unknown;
          try {
            produced = decider.decide(command, state);
          } catch (error) {
            thrown = error;
          }
          if (produced !== undefined) {
            const summary = JSON.stringify(produced);
            expect.fail(`expected decide to throw ${errorClass.name}, but it returned ${summary.length > 300 ? `${summary.slice(0, 300)}…` : summary}`);
          }
          expect(thrown).toBeInstanceOf(errorClass);
          // Exact class: a sibling or a base class (IamError) must not pass for the expected one.
          expect((thrown as object).constructor, `expected exactly ${errorClass.name}`).toBe(errorClass);
          if (message !== undefined) expect((thrown as Error).message).toMatch(message);
          expect(state, 'decide must not mutate the state it is given').toStrictEqual(before);
          return thrown as E;
        },
      };
    },
  };
}
