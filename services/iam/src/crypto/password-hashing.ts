import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { LimitExceededError } from '../kernel/iam-error.js';

/**
 * Passwords are hashed with argon2id (OWASP's baseline: 19 MiB, 2 iterations, 1 lane). The hash is
 * then encrypted under the keyring before it goes into an event, so that not even the hash is ever
 * stored in the clear.
 *
 * Each argon2 call keeps a core busy for milliseconds, the time of hundreds of `authorize` requests
 * (docs/performance.md). Unbounded, a sign-in flood occupies every core and `authorize` on the same
 * process waits behind it; so at most `concurrency` run at once (default: one core fewer than the
 * machine has, at least one) and the rest queue.
 */
export const ARGON2ID = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

let concurrency = Math.max(1, availableParallelism() - 1);
let running = 0;
/** Computations waiting for a slot; beyond this the server is flooded and says so at once. */
const MAX_WAITING = 256;
const waiting: (() => void)[] = [];

/** How many argon2 computations may run at once in this process (WARDEN_PASSWORD_HASH_CONCURRENCY). */
export function setPasswordHashConcurrency(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`the password hash concurrency must be a whole number of at least 1, not ${limit}`);
  concurrency = limit;
  while (running < concurrency && waiting.length > 0) {
    running++;
    waiting.shift()!();
  }
}

/** Runs `work` when a hashing slot is free (exported for its test). */
export async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= concurrency) {
    if (waiting.length >= MAX_WAITING) throw new LimitExceededError('Too many password checks are waiting: retry in a second.');
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string): Promise<string> {
  return limited(() => hash(password, ARGON2ID));
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return limited(() => verify(passwordHash, password));
}
