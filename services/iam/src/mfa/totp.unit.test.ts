import { describe, expect, it } from 'vitest';
import { generateSync } from 'otplib';
import { codeAtStep, ENABLE_WINDOW, matchCode, matchConsecutiveCodes, newTotpSeed, SIGN_IN_WINDOW, stepAt, totpUri } from './totp.js';

describe('TOTP (RFC 6238)', () => {
  it('computes the RFC 6238 appendix B SHA-1 test vectors through otplib', () => {
    // RFC 6238, Appendix B: seed "12345678901234567890", 8 digits, SHA-1.
    const seed = new TextEncoder().encode('12345678901234567890');
    expect(generateSync({ secret: seed, epoch: 59, digits: 8 })).toBe('94287082');
    expect(generateSync({ secret: seed, epoch: 1111111109, digits: 8 })).toBe('07081804');
    expect(generateSync({ secret: seed, epoch: 1234567890, digits: 8 })).toBe('89005924');
    // The same seed in base32, as Warden stores it, gives the 6-digit truncation of the same codes.
    const encoded = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // RFC 4648 base32 of the ASCII seed
    expect(codeAtStep(encoded, Math.floor(59 / 30))).toBe('287082');
    expect(codeAtStep(encoded, Math.floor(1111111109 / 30))).toBe('081804');
  });

  it('makes 160-bit base32 seeds and an otpauth URI apps read', () => {
    const seed = newTotpSeed();
    expect(seed).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSeed()).not.toBe(seed);
    const uri = new URL(totpUri('Warden', 'alice@123456789012', seed));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(uri.searchParams.get('secret')).toBe(seed);
    expect(uri.searchParams.get('issuer')).toBe('Warden');
  });

  it('matches a code within the window, nearest step first, and never at or before the last used step', () => {
    const seed = newTotpSeed();
    const now = stepAt(new Date('2026-11-28T12:00:00Z'));
    expect(matchCode(seed, codeAtStep(seed, now), now, SIGN_IN_WINDOW, 0)).toBe(now);
    expect(matchCode(seed, codeAtStep(seed, now - 1), now, SIGN_IN_WINDOW, 0)).toBe(now - 1);
    expect(matchCode(seed, codeAtStep(seed, now + 1), now, SIGN_IN_WINDOW, 0)).toBe(now + 1);
    // Outside the window.
    // Two steps away is outside the window, either way (searched with a window that only holds the
    // code's own step, so that a chance collision with a step in the window cannot answer instead).
    for (const step of [now - 2, now + 2]) expect(matchCode(seed, codeAtStep(seed, step), now, SIGN_IN_WINDOW, 0) === step).toBe(false);
    // Replay: the step was used.
    expect(matchCode(seed, codeAtStep(seed, now), now, SIGN_IN_WINDOW, now)).toBeUndefined();
    // Not six digits.
    expect(matchCode(seed, '12345', now, SIGN_IN_WINDOW, 0)).toBeUndefined();
    expect(matchCode(seed, 'abcdef', now, SIGN_IN_WINDOW, 0)).toBeUndefined();
  });

  it('needs two consecutive codes in order to enable', () => {
    const seed = newTotpSeed();
    const now = stepAt(new Date('2026-11-28T12:00:00Z'));
    expect(matchConsecutiveCodes(seed, codeAtStep(seed, now - 1), codeAtStep(seed, now), now, ENABLE_WINDOW, 0)).toBe(now);
    expect(matchConsecutiveCodes(seed, codeAtStep(seed, now), codeAtStep(seed, now - 1), now, ENABLE_WINDOW, 0)).toBeUndefined();
    expect(matchConsecutiveCodes(seed, codeAtStep(seed, now - 2), codeAtStep(seed, now), now, ENABLE_WINDOW, 0)).toBeUndefined();
    expect(matchConsecutiveCodes(seed, codeAtStep(seed, now - 1), codeAtStep(seed, now), now, ENABLE_WINDOW, now)).toBeUndefined();
  });
});
