import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from './database-unavailable.js';

export interface WaitForDatabaseOptions {
  /** Give up after this long, in milliseconds (0: one attempt). */
  readonly waitMs: number;
  /** Told of each failed attempt and the delay before the next, for one log line per attempt. */
  readonly onRetry?: (attempt: number, reason: string, retryInMs: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The first delay between attempts and the most it grows to (doubling each time). */
const FIRST_DELAY_MS = 250;
const LONGEST_DELAY_MS = 5_000;

/** A short description of why the database is unreachable: the first cause's code and message. */
export function unavailableReason(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, message, errors, cause } = current as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
    if (typeof message === 'string' && message !== '') return typeof code === 'string' ? `${code}: ${message}` : message;
    current = Array.isArray(errors) ? errors[0] : cause;
  }
  return String(error);
}

/** One round trip to the database. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`SELECT 1`.execute(db);
}

/**
 * Waits for the database to answer a query, retrying with backoff while it is unavailable (a
 * server that starts after Warden, as in a compose file or a restart of both). Any other error,
 * such as a wrong password, is thrown at once: retrying would not fix it.
 */
export async function waitForDatabase(db: Kysely<Database>, options: WaitForDatabaseOptions): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = performance.now() + options.waitMs;
  for (let attempt = 1, delay = FIRST_DELAY_MS; ; attempt++, delay = Math.min(delay * 2, LONGEST_DELAY_MS)) {
    try {
      await pingDatabase(db);
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new DatabaseUnavailableError(`the database did not become reachable within ${Math.round(options.waitMs / 1000)} s (${attempt} attempts): ${unavailableReason(error)}`, { cause: error });
      }
      const retryIn = Math.min(delay, left);
      options.onRetry?.(attempt, unavailableReason(error), retryIn);
      await sleep(retryIn);
    }
  }
}
