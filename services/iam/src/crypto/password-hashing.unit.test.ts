import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword, limited, setPasswordHashConcurrency, verifyPassword } from './password-hashing.js';

describe('password hashing', () => {
  afterEach(() => setPasswordHashConcurrency(2));

  it('hashes with argon2id and verifies', async () => {
    const hash = await hashPassword('Correct-Horse-1');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'Correct-Horse-1')).toBe(true);
    expect(await verifyPassword(hash, 'correct-horse-1')).toBe(false);
  });

  it('runs at most the configured number of computations at once, and all of them eventually', async () => {
    setPasswordHashConcurrency(2);
    let now = 0;
    let peak = 0;
    const task = () =>
      limited(async () => {
        now++;
        peak = Math.max(peak, now);
        await new Promise((resolve) => setTimeout(resolve, 5));
        now--;
        return true;
      });
    const results = await Promise.all(Array.from({ length: 9 }, task));
    expect(results).toHaveLength(9);
    expect(peak).toBe(2);
    // A failing computation frees its slot.
    setPasswordHashConcurrency(1);
    await expect(limited(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limited(() => Promise.resolve('next'))).toBe('next');
    expect(() => setPasswordHashConcurrency(0)).toThrow(/at least 1/);
  });
});
