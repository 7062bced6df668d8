import { describe, expect, it } from 'vitest';
import { UNIQUE_ID_PREFIXES, generateAccountId, generateSecretAccessKey, generateUniqueId, isAccessKeyId, isAccountId, type RandomSource } from './unique-id.js';

/** A deterministic random source: a counter-driven byte stream, so the same seed gives the same ids. */
function seeded(seed: number): RandomSource {
  let state = seed >>> 0;
  return (count) => {
    const out = Buffer.alloc(count);
    for (let i = 0; i < count; i++) {
      // xorshift32
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      out[i] = state & 0xff;
    }
    return out;
  };
}

/** A source that always returns the same byte. */
function constant(byte: number): RandomSource {
  return (count) => Buffer.alloc(count, byte);
}

/** A source that replays the given bytes, then fails the test if asked for more. */
function replay(bytes: number[]): RandomSource {
  let offset = 0;
  return (count) => {
    if (offset + count > bytes.length) throw new Error('replay exhausted');
    const out = Buffer.from(bytes.slice(offset, offset + count));
    offset += count;
    return out;
  };
}

describe('generateUniqueId', () => {
  it.each(['AIDA', 'AROA', 'AGPA', 'ANPA', 'AIPA'] as const)('gives %s entity ids of 21 characters of A-Z2-7', (prefix) => {
    for (let i = 0; i < 50; i++) {
      const id = generateUniqueId(prefix);
      expect(id).toMatch(new RegExp(`^${prefix}[A-Z2-7]{17}$`));
      expect(id).toHaveLength(21);
    }
  });

  it.each(['AKIA', 'ASIA'] as const)('gives %s access key ids of 20 characters', (prefix) => {
    for (let i = 0; i < 50; i++) {
      const id = generateUniqueId(prefix);
      expect(id).toMatch(new RegExp(`^${prefix}[A-Z2-7]{16}$`));
      expect(id).toHaveLength(20);
      expect(isAccessKeyId(id)).toBe(true);
    }
  });

  it('uses the whole base32 alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) for (const c of generateUniqueId('AIDA').slice(4)) seen.add(c);
    expect([...seen].sort().join('')).toBe('234567ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  });

  it('maps bytes onto the alphabet by their low five bits', () => {
    expect(generateUniqueId('AIDA', constant(0))).toBe('AIDA' + 'A'.repeat(17));
    expect(generateUniqueId('AIDA', constant(31))).toBe('AIDA' + '7'.repeat(17));
    expect(generateUniqueId('AKIA', constant(32 + 25))).toBe('AKIA' + 'Z'.repeat(16));
  });

  it('is deterministic under an injected random source', () => {
    expect(generateUniqueId('AROA', seeded(42))).toBe(generateUniqueId('AROA', seeded(42)));
    expect(generateUniqueId('AROA', seeded(42))).not.toBe(generateUniqueId('AROA', seeded(43)));
  });

  it('differs between calls with the default source', () => {
    const ids = new Set(Array.from({ length: 100 }, () => generateUniqueId('AIDA')));
    expect(ids.size).toBe(100);
  });

  it('refuses an unknown prefix and a random source that returns the wrong number of bytes', () => {
    expect(() => generateUniqueId('ABCD' as never)).toThrow(/unknown unique id prefix/);
    expect(() => generateUniqueId('AIDA', () => Buffer.alloc(3))).toThrow(/returned 3 bytes when asked for 17/);
  });

  it('exports every prefix', () => {
    expect([...UNIQUE_ID_PREFIXES].sort()).toEqual(['AGPA', 'AIDA', 'AIPA', 'AKIA', 'ANPA', 'AROA', 'ASIA']);
  });
});

describe('generateSecretAccessKey', () => {
  it('gives 40 characters of the base64 alphabet', () => {
    for (let i = 0; i < 50; i++) {
      const secret = generateSecretAccessKey();
      expect(secret).toMatch(/^[A-Za-z0-9+/]{40}$/);
    }
  });

  it('uses the whole base64 alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) for (const c of generateSecretAccessKey()) seen.add(c);
    expect(seen.size).toBe(64);
  });

  it('is deterministic under an injected random source', () => {
    expect(generateSecretAccessKey(seeded(7))).toBe(generateSecretAccessKey(seeded(7)));
    expect(generateSecretAccessKey(constant(0))).toBe('A'.repeat(40));
    expect(generateSecretAccessKey(constant(63))).toBe('/'.repeat(40));
  });
});

describe('generateAccountId', () => {
  it('gives 12 decimal digits not starting with 0', () => {
    for (let i = 0; i < 200; i++) {
      const id = generateAccountId();
      expect(id).toMatch(/^[1-9][0-9]{11}$/);
      expect(isAccountId(id)).toBe(true);
    }
  });

  it('is deterministic under an injected random source', () => {
    expect(generateAccountId(seeded(99))).toBe(generateAccountId(seeded(99)));
    // lead digit: 1 + (0 % 9) = 1; the rest: 0 % 10 = 0
    expect(generateAccountId(constant(0))).toBe('100000000000');
  });

  it('discards bytes that would bias the digits', () => {
    // 252..255 are rejected for the lead digit and 250..255 for the rest.
    const bytes = [255, 252, 8, 250, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
    // Round 1 draws 12 bytes: 255, 252 rejected; 8 → lead 9; 250 rejected; 3..10 → 3456789 0 (9 digits so far).
    // Round 2 draws the 3 missing: 11, 12, 13 → 1, 2, 3.
    expect(generateAccountId(replay(bytes))).toBe('934567890123');
  });

  it('gives up on a random source that never yields a usable byte', () => {
    expect(() => generateAccountId(constant(255))).toThrow(/unusable bytes/);
  });
});

describe('isAccessKeyId', () => {
  it('accepts AKIA and ASIA ids of 20 characters', () => {
    expect(isAccessKeyId('AKIAIOSFODNN7EXAMPLE')).toBe(true);
    expect(isAccessKeyId('ASIAIOSFODNN7EXAMPLE')).toBe(true);
  });

  it.each([
    ['too short', 'AKIAIOSFODNN7EXAMPL'],
    ['too long', 'AKIAIOSFODNN7EXAMPLEE'],
    ['lowercase', 'akiaiosfodnn7example'],
    ['a digit outside base32', 'AKIAIOSFODNN1EXAMPLE'],
    ['an entity prefix', 'AIDAIOSFODNN7EXAMPLE'],
    ['a trailing newline', 'AKIAIOSFODNN7EXAMPLE\n'],
    ['empty', ''],
  ])('rejects %s', (_why, text) => {
    expect(isAccessKeyId(text)).toBe(false);
  });
});

describe('isAccountId', () => {
  it('accepts 12 digits, including a leading zero as AWS allows', () => {
    expect(isAccountId('111122223333')).toBe(true);
    expect(isAccountId('012345678901')).toBe(true);
  });

  it.each([
    ['11 digits', '11112222333'],
    ['13 digits', '1111222233334'],
    ['a letter', '11112222333a'],
    ['dashes', '1111-2222-3333'],
    ['empty', ''],
  ])('rejects %s', (_why, text) => {
    expect(isAccountId(text)).toBe(false);
  });
});
