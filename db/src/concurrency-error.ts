/**
 * An append stated the stream version it expected and found another: someone else wrote the
 * stream first. Never a silent overwrite: the caller reloads and decides again, or reports it.
 */
export class ConcurrencyError extends Error {
  constructor(
    readonly accountId: string,
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number | undefined,
  ) {
    super(`stream ${streamId} was changed concurrently: expected version ${expectedVersion}, found ${actualVersion ?? 'a newer one'}`);
    this.name = 'ConcurrencyError';
  }
}
