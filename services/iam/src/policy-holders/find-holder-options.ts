import { streamLockKey } from '@warden/db';

/** How a holder's write finds the holder it names. */
export interface FindHolderOptions {
  /**
   * Also take the lock of the holder's stream, in the statement that finds it: this prefix (the
   * stream's lock key without the holder's id, `holderStreamLockPrefix`) followed by the id found.
   * For a write that already holds the name's key, so the holder found is the one whose stream it
   * locks.
   */
  readonly lockStreamPrefix?: string;
}

/**
 * The lock key of a holder's stream without its id (`stream/user/`), as `streamLockKey` spells it:
 * the statement taking the lock appends the id it found, and the write records the key as held.
 */
export function holderStreamLockPrefix(kind: string): string {
  return streamLockKey(`${kind}/`);
}
