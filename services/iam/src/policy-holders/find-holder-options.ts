/** How a holder's write finds the holder it names. */
export interface FindHolderOptions {
  /**
   * Also take the lock of the holder's stream, in the statement that finds it: for a write that
   * already holds the name's key, so the holder found is the one whose stream it locks.
   */
  readonly lockStream?: boolean;
}
