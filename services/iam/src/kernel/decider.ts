/**
 * An aggregate's rules, as pure functions: `evolve` folds its events into state, `decide` turns a
 * command and the current state into new events or throws a typed IamError. Neither reads a clock
 * or makes an id: those come in the command.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  readonly initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

/** The state after `events`, folded onto `from` (the decider's initial state unless a fold up to them is given). */
export function fold<Event extends DomainEvent, State>(decider: Pick<Decider<never, Event, State>, 'initialState' | 'evolve'>, events: readonly Event[], from: State = decider.initialState): State {
  return events.reduce((state, event) => decider.evolve(state, event), from);
}
