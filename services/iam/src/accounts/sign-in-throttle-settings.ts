/**
 * An account's sign-in throttling thresholds (an account setting; `sign-in/sign-in-throttle.ts`
 * applies them): delays after `failuresBeforeDelay` consecutive failures, doubling up to
 * `maxDelaySeconds`; a lockout of `lockoutSeconds` after `failuresBeforeLockout`.
 */
export interface SignInThrottleSettings {
  readonly failuresBeforeDelay: number;
  readonly baseDelaySeconds: number;
  readonly maxDelaySeconds: number;
  readonly failuresBeforeLockout: number;
  readonly lockoutSeconds: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottleSettings = {
  failuresBeforeDelay: 3,
  baseDelaySeconds: 1,
  maxDelaySeconds: 60,
  failuresBeforeLockout: 10,
  lockoutSeconds: 900,
};

/** Bounds an admin may set, so that a setting can neither disable protection by accident nor lock users out for days. */
export const SIGN_IN_THROTTLE_BOUNDS: Readonly<Record<keyof SignInThrottleSettings, readonly [number, number]>> = {
  failuresBeforeDelay: [1, 100],
  baseDelaySeconds: [1, 60],
  maxDelaySeconds: [1, 3600],
  failuresBeforeLockout: [1, 1000],
  lockoutSeconds: [60, 86_400],
};

export function checkSignInThrottleSettings(settings: Partial<SignInThrottleSettings>): string | undefined {
  for (const [name, [low, high]] of Object.entries(SIGN_IN_THROTTLE_BOUNDS)) {
    const value = settings[name as keyof SignInThrottleSettings];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < low || value > high) return `signInThrottle.${name} must be a whole number from ${low} to ${high}.`;
  }
  const merged = { ...DEFAULT_SIGN_IN_THROTTLE, ...settings };
  if (merged.failuresBeforeLockout < merged.failuresBeforeDelay) return 'signInThrottle.failuresBeforeLockout must not be below failuresBeforeDelay.';
  return undefined;
}

/** The account's thresholds: its settings over the defaults. */
export function accountThrottle(settings: object): SignInThrottleSettings {
  return { ...DEFAULT_SIGN_IN_THROTTLE, ...((settings as { signInThrottle?: Partial<SignInThrottleSettings> | null }).signInThrottle ?? {}) };
}
