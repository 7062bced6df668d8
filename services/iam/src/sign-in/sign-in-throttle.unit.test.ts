import { describe, expect, it } from 'vitest';
import { checkSignInThrottleSettings, DEFAULT_SIGN_IN_THROTTLE as S } from '../accounts/sign-in-throttle-settings.js';
import { throttleVerdict, unknownUserSubject } from './sign-in-throttle.js';

const now = new Date('2026-11-28T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

describe('sign-in throttling', () => {
  it('lets attempts through below the delay threshold', () => {
    expect(throttleVerdict(S, [], now)).toBeUndefined();
    expect(throttleVerdict(S, [{ failures: S.failuresBeforeDelay - 1, lastFailureAt: now }], now)).toBeUndefined();
  });

  it('doubles the delay with each failure past the threshold, up to the maximum', () => {
    expect(throttleVerdict(S, [{ failures: 3, lastFailureAt: now }], now)).toEqual({ retryAfterSeconds: 1, locked: false });
    expect(throttleVerdict(S, [{ failures: 4, lastFailureAt: now }], now)).toEqual({ retryAfterSeconds: 2, locked: false });
    expect(throttleVerdict(S, [{ failures: 6, lastFailureAt: now }], now)).toEqual({ retryAfterSeconds: 8, locked: false });
    expect(throttleVerdict({ ...S, failuresBeforeLockout: 100 }, [{ failures: 30, lastFailureAt: now }], now)).toEqual({ retryAfterSeconds: 60, locked: false });
    // The delay counts from the last failure.
    expect(throttleVerdict(S, [{ failures: 6, lastFailureAt: ago(5) }], now)).toEqual({ retryAfterSeconds: 3, locked: false });
    expect(throttleVerdict(S, [{ failures: 6, lastFailureAt: ago(8) }], now)).toBeUndefined();
  });

  it('locks for the lockout period at the lockout threshold, and a lockout wins over a delay', () => {
    expect(throttleVerdict(S, [{ failures: 10, lastFailureAt: ago(100) }], now)).toEqual({ retryAfterSeconds: 800, locked: true });
    expect(
      throttleVerdict(
        S,
        [
          { failures: 4, lastFailureAt: now },
          { failures: 10, lastFailureAt: ago(899) },
        ],
        now,
      ),
    ).toEqual({ retryAfterSeconds: 1, locked: true });
    expect(throttleVerdict(S, [{ failures: 10, lastFailureAt: ago(900) }], now)).toBeUndefined();
  });

  it('delays a source address but never locks it (one address can be many people behind a proxy)', () => {
    expect(throttleVerdict(S, [{ failures: 50, lastFailureAt: now, lockable: false }], now)).toEqual({ retryAfterSeconds: 60, locked: false });
    expect(throttleVerdict(S, [{ failures: 50, lastFailureAt: ago(60), lockable: false }], now)).toBeUndefined();
  });

  it('counts a name that is no user under a hash, never the name itself', () => {
    expect(unknownUserSubject('Correct-Horse-1')).toMatch(/^user#[0-9a-f]{32}$/);
    expect(unknownUserSubject('Ghost')).toBe(unknownUserSubject('ghost'));
    expect(unknownUserSubject('Correct-Horse-1')).not.toContain('Correct');
  });

  it('checks the settings an admin may change', () => {
    expect(checkSignInThrottleSettings({ failuresBeforeLockout: 5 })).toBeUndefined();
    expect(checkSignInThrottleSettings({ failuresBeforeLockout: 0 })).toMatch(/failuresBeforeLockout must be a whole number from 1/);
    expect(checkSignInThrottleSettings({ lockoutSeconds: 10 })).toMatch(/lockoutSeconds/);
    expect(checkSignInThrottleSettings({ failuresBeforeDelay: 5, failuresBeforeLockout: 4 })).toMatch(/not be below/);
    expect(checkSignInThrottleSettings({ baseDelaySeconds: 1.5 })).toMatch(/whole number/);
  });
});
