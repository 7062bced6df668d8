import type { StreamPoint } from '@warden/db';

/** A stream's state as a decider folded it, up to the event `point` names. */
export interface FoldedStream<State> {
  readonly decider: object;
  readonly point: StreamPoint;
  readonly state: State;
}

/**
 * The streams this process folded lately, by account and stream, so that its next write to one
 * reads only the events after the one it folded up to (`readStreamAfter`), not the whole stream:
 * a user tagged a thousand times would otherwise read a thousand events on every write.
 *
 * An entry is only a hint. The write that uses it holds the stream's lock, and the read checks that
 * the event it names is still the stream's (same version, position and transaction); anything else
 * (another process wrote meanwhile: its events are simply read; the write that folded it rolled back;
 * the stream was emptied) makes the write fold the whole stream, as without the cache. A state is
 * kept only as folded from events read back from the store, never from events as a decider made
 * them, so a cached fold is exactly the fold of the stored events. Deciders' states are values:
 * `evolve` returns a new state and never changes the one it is given, so one state may be shared.
 *
 * Least recently used first out.
 */
export class StreamFolds {
  private readonly entries = new Map<string, FoldedStream<unknown>>();

  constructor(private readonly capacity = 2_000) {}

  /** The fold kept for the stream by this decider (a stream is only ever folded by one). */
  get<State>(accountId: string, streamId: string, decider: object): FoldedStream<State> | undefined {
    const key = `${accountId}\u0000${streamId}`;
    const entry = this.entries.get(key);
    if (!entry || entry.decider !== decider) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry as FoldedStream<State>;
  }

  keep<State>(accountId: string, streamId: string, folded: FoldedStream<State>): void {
    const key = `${accountId}\u0000${streamId}`;
    this.entries.delete(key);
    this.entries.set(key, folded);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
