import { SignInThrottledError } from '../kernel/iam-error.js';

/**
 * Password attempts for one user name go one at a time in this process (sign-in, and changePassword's
 * old-password check): each sees the failures the one before recorded, so a burst of parallel
 * guesses cannot all pass the throttle check together. A few may wait their turn; more are refused
 * at once rather than queued without bound.
 */
export const MAX_WAITING_PER_KEY = 8;

export class AttemptQueue {
  private readonly queues = new Map<string, { tail: Promise<void>; waiting: number }>();

  async oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const queue = this.queues.get(key);
    if (queue && queue.waiting >= MAX_WAITING_PER_KEY) throw new SignInThrottledError(1, false);
    const entry = queue ?? { tail: Promise.resolve(), waiting: 0 };
    entry.waiting++;
    this.queues.set(key, entry);
    const previous = entry.tail;
    let release!: () => void;
    entry.tail = new Promise<void>((resolve) => (release = resolve));
    try {
      await previous;
      return await work();
    } finally {
      release();
      entry.waiting--;
      if (entry.waiting === 0) this.queues.delete(key);
    }
  }
}
