import { DatabaseUnavailableError } from './database-unavailable.js';
import { PreparingClient } from './prepared-statements.js';

/**
 * A pg client that can neither take the process down nor hang a request on a server that stopped
 * answering.
 *
 * - pg emits 'error' on a client whose connection dies; with no listener Node throws it as an
 *   uncaught exception. The pool listens only while a client is idle, so a connection killed under
 *   a query (a restart, a failover, `pg_terminate_backend`) would end the process. Here the client
 *   always has a listener: its queries fail, it is marked unusable, and the pool drops it when it
 *   is released.
 * - A frozen server (stopped process, lost network) keeps the socket open and never answers, so
 *   neither `statement_timeout` (the server's own) nor TCP notices. When queries have been waiting
 *   for `unansweredMs` with no answer at all, the connection is destroyed: every query on it fails
 *   with DatabaseUnavailableError and the pool replaces it.
 */
/**
 * The two statements that turn a session's statement timeout off and back on (migrations). While
 * it is off a long silence is a long statement, not a frozen server, so the watchdog stands down.
 */
export const UNBOUNDED_STATEMENTS = 'SET statement_timeout = 0';
export const BOUNDED_STATEMENTS = 'RESET statement_timeout';

export function guardedClientClass(unansweredMs: number): typeof PreparingClient {
  return class GuardedClient extends PreparingClient {
    #outstanding = 0;
    #lastAnswer = 0;
    #watchdog: NodeJS.Timeout | undefined;
    #unbounded = false;

    constructor(...args: ConstructorParameters<typeof PreparingClient>) {
      super(...args);
      // The error itself reaches every query on the connection; nothing more to do with it here.
      this.on('error', () => undefined);
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- overrides all of pg's query overloads at once (see PreparingClient.query)
    override query(...args: unknown[]): any {
      const text = args[0];
      if (text === UNBOUNDED_STATEMENTS) this.#unbounded = true;
      else if (text === BOUNDED_STATEMENTS) this.#unbounded = false;
      const result = (super.query as (...rest: unknown[]) => unknown)(...args);
      if (unansweredMs <= 0 || this.#unbounded || !(result instanceof Promise)) return result;
      this.#started();
      result.then(this.#answered, this.#answered);
      return result;
    }

    #started(): void {
      if (this.#outstanding++ > 0) return;
      this.#lastAnswer = performance.now();
      // One timer per connection, re-armed rather than made per query (the hot path sends many).
      if (this.#watchdog === undefined) {
        this.#watchdog = setTimeout(this.#check, unansweredMs);
        this.#watchdog.unref();
      } else this.#watchdog.refresh();
    }

    readonly #answered = (): void => {
      this.#outstanding--;
      this.#lastAnswer = performance.now();
    };

    readonly #check = (): void => {
      if (this.#outstanding === 0) return;
      const silentFor = performance.now() - this.#lastAnswer;
      if (silentFor < unansweredMs) {
        this.#watchdog = setTimeout(this.#check, unansweredMs - silentFor);
        this.#watchdog.unref();
        return;
      }
      const stream = (this as unknown as { connection?: { stream?: { destroy(error: Error): void } } }).connection?.stream;
      stream?.destroy(new DatabaseUnavailableError(`Postgres did not answer for ${unansweredMs} ms; the connection was closed`));
    };
  };
}
