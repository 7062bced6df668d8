/**
 * Answers that are ready in the event-loop iteration that read their request are written together
 * at the end of that iteration, instead of one by one as each is computed. An answer that waited
 * for I/O (a database read) is written at once: it already goes out with the others that read
 * answered.
 *
 * Why: a client on the same machine (the benchmark's load generator, a sidecar caller) is woken by
 * every answer written to it while it sleeps; in a VM that wake-up is an inter-processor
 * interrupt, and it was most of the cost of writing an answer on the embedded store (on Postgres,
 * answers already leave in batches, after each epoch read). Writing the iteration's answers back to
 * back wakes such a client once. The cost is latency: an answer waits for the rest of its
 * iteration's requests, which under load is outweighed by the throughput gained, and an idle
 * server's iteration holds one request. An answer that waited for I/O is not held back, since
 * holding those too lowered Postgres's throughput. The profile and the figures are in
 * docs/performance.md.
 */
export class AnswerCoalescer {
  /** `onError` hears of a deferred write that threw; the iteration's other answers are still written. */
  constructor(private readonly onError: (error: unknown) => void) {}

  #iteration = 0;
  #scheduled = false;
  #pending: (() => void)[] = [];

  /** Called when a request is read: the iteration it was read in. */
  arrived(): number {
    if (!this.#scheduled) {
      this.#scheduled = true;
      // Check phase: after every callback of this iteration's poll phase, before the next poll.
      setImmediate(() => this.#endIteration());
    }
    return this.#iteration;
  }

  /** Writes now, or at the end of the iteration when the request was read in this one. */
  answer(arrivedIn: number, write: () => void): void {
    if (arrivedIn !== this.#iteration || !this.#scheduled) write();
    else this.#pending.push(write);
  }

  #endIteration(): void {
    this.#scheduled = false;
    this.#iteration++;
    const pending = this.#pending;
    this.#pending = [];
    for (const write of pending) {
      try {
        write();
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
