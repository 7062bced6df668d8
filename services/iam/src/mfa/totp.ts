import { equalInConstantTime } from '../crypto/constant-time.js';
import { generateSecret, generateSync, generateURI } from 'otplib';

/**
 * Time-based one-time passwords (RFC 6238) as authenticator apps make them: HMAC-SHA1, 6 digits, a
 * 30-second time step counted from the Unix epoch. otplib computes the codes; which steps a code may
 * match, and that a step is used once only, are Warden's rules and live here and in the device's
 * decider.
 */
export const TOTP_PERIOD_SECONDS = 30;

/** How far a code may stray from the server's step (plus the device's learned drift) at sign-in. */
export const SIGN_IN_WINDOW = { pastSteps: 1, futureSteps: 1 } as const;
/** Enabling: the person reads two codes off the app, maybe slowly; the device clock may be off. */
export const ENABLE_WINDOW = { pastSteps: 10, futureSteps: 2 } as const;
/** Resynchronizing: for a device whose clock has drifted, up to an hour either way. */
export const RESYNC_WINDOW = { pastSteps: 120, futureSteps: 120 } as const;

const CODE = /^\d{6}$/;

/** A new seed: 20 random bytes (160 bits, RFC 4226's recommendation), base32 as apps expect. */
export function newTotpSeed(): string {
  return generateSecret({ length: 20 });
}

export function totpUri(issuer: string, label: string, seed: string): string {
  return generateURI({ issuer, label, secret: seed, period: TOTP_PERIOD_SECONDS, digits: 6, algorithm: 'sha1' });
}

export function stepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

export function codeAtStep(seed: string, step: number): string {
  return generateSync({ secret: seed, epoch: step * TOTP_PERIOD_SECONDS, period: TOTP_PERIOD_SECONDS, digits: 6, algorithm: 'sha1' });
}

interface Window {
  readonly pastSteps: number;
  readonly futureSteps: number;
}

/**
 * The step whose code `code` is, searched around `centre` (nearest first), or undefined. Steps at
 * or before `afterStep` are not searched: their codes were used, or came before one that was.
 */
export function matchCode(seed: string, code: string, centre: number, window: Window, afterStep: number): number | undefined {
  if (!CODE.test(code)) return undefined;
  for (let offset = 0; offset <= Math.max(window.pastSteps, window.futureSteps); offset++) {
    for (const step of offset === 0 ? [centre] : [centre - offset, centre + offset]) {
      if (step < centre - window.pastSteps || step > centre + window.futureSteps || step <= afterStep) continue;
      if (equalInConstantTime(codeAtStep(seed, step), code)) return step;
    }
  }
  return undefined;
}

/**
 * Two consecutive codes (enable and resync, as AWS asks): the step of the second, or undefined.
 * Searching both together is what makes a lucky single match (one in a million per step) useless.
 */
export function matchConsecutiveCodes(seed: string, first: string, second: string, centre: number, window: Window, afterStep: number): number | undefined {
  if (!CODE.test(first) || !CODE.test(second)) return undefined;
  for (let step = centre - window.pastSteps; step <= centre + window.futureSteps; step++) {
    if (step <= afterStep) continue;
    if (equalInConstantTime(codeAtStep(seed, step), first) && equalInConstantTime(codeAtStep(seed, step + 1), second)) return step + 1;
  }
  return undefined;
}
