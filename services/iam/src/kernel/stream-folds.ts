import type { StreamPoint } from '@warden/db';

/** A stream's state as a decider folded it, up to the event `point` names. */
export interface FoldedStream<State> {
  readonly decider: object;
  readonly point: StreamPoint;
  readonly state: State;
}

/** How much the kept folds may hold, in characters of their states' JSON text. */
export interface StreamFoldLimits {
  /** All kept states together (default 32 Mi characters). */
  readonly totalCharacters?: number;
  /** One state: a larger one is not kept, and its stream is folded whole on each write (default 256 Ki). */
  readonly stateCharacters?: number;
  /** Streams kept (default 10,000). */
  readonly streams?: number;
}

interface Kept extends FoldedStream<unknown> {
  readonly characters: number;
}

/**
 * The streams this process folded lately, by account and stream, so that its next write to one
 * reads only from the event it folded up to on (`readStreamAfter`), not the whole stream: a user
 * tagged a thousand times would otherwise read a thousand events on every write.
 *
 * The write that uses an entry holds the stream's lock, and the read checks that the event the
 * entry names is still the stream's (same version, position and transaction); anything else (the
 * write that folded it rolled back; the stream was emptied) makes the write fold the whole stream,
 * as without the cache. Events another process appended meanwhile have later versions, so they are
 * read and folded onto the kept state like any others. A state is kept only as folded from events
 * read back from the store, never from events as a decider made them, so a kept state is exactly
 * the fold of the stored events. Deciders' states are values: `evolve` returns a new state and
 * never changes the one it is given, so one state may be shared (the suites keep every state
 * frozen to hold them to it: `freezeKeptStates`).
 *
 * What is kept is bounded by the states' size (their JSON text), not only their number: an entity
 * may hold large documents (a SAML provider's metadata, a role's inline policies). Least recently
 * used first out.
 */
export class StreamFolds {
  private readonly entries = new Map<string, Kept>();
  private characters = 0;
  private readonly totalCharacters: number;
  private readonly stateCharacters: number;
  private readonly streams: number;

  constructor(
    limits: StreamFoldLimits = {},
    /** Called on each state as it is kept (the suites freeze it). */
    private readonly onKeep?: (state: unknown) => void,
  ) {
    this.totalCharacters = limits.totalCharacters ?? 32 * 1024 * 1024;
    this.stateCharacters = limits.stateCharacters ?? 256 * 1024;
    this.streams = limits.streams ?? 10_000;
  }

  /** The fold kept for the stream by this decider (a stream is only ever folded by one). */
  get<State>(accountId: string, streamId: string, decider: object): FoldedStream<State> | undefined {
    const key = keyOf(accountId, streamId);
    const entry = this.entries.get(key);
    if (!entry || entry.decider !== decider) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry as FoldedStream<State>;
  }

  keep<State>(accountId: string, streamId: string, folded: FoldedStream<State>): void {
    const key = keyOf(accountId, streamId);
    this.forget(key);
    const characters = sizeOf(folded.state);
    if (characters === undefined || characters > this.stateCharacters) return;
    this.onKeep?.(folded.state);
    this.entries.set(key, { ...folded, characters });
    this.characters += characters;
    while (this.characters > this.totalCharacters || this.entries.size > this.streams) this.forget(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The kept states' size together, in characters of their JSON text. */
  get keptCharacters(): number {
    return this.characters;
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.characters -= entry.characters;
  }
}

function keyOf(accountId: string, streamId: string): string {
  return `${accountId}\u0000${streamId}`;
}

/** A state's JSON text length, or undefined for one that has none (it is then not kept). */
function sizeOf(state: unknown): number | undefined {
  try {
    return JSON.stringify(state)?.length;
  } catch {
    return undefined;
  }
}

/** Freezes a kept state and everything in it: a decider that changed a state it was given would then throw. */
export function freezeKeptStates(state: unknown, seen = new WeakSet<object>()): void {
  if (typeof state !== 'object' || state === null || seen.has(state)) return;
  seen.add(state);
  Object.freeze(state);
  for (const value of Object.values(state)) freezeKeptStates(value, seen);
}
