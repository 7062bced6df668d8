import { hash, verify } from '@node-rs/argon2';

/**
 * Passwords are hashed with argon2id (OWASP's baseline: 19 MiB, 2 iterations, 1 lane). The hash is
 * then encrypted under the keyring before it goes into an event, so that not even the hash is ever
 * stored in the clear.
 */
export const ARGON2ID = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}

export function passwordContext(accountId: string, userId: string): string {
  return `password:${accountId}:${userId}`;
}

export function rootPasswordContext(accountId: string): string {
  return `password:${accountId}:root`;
}
