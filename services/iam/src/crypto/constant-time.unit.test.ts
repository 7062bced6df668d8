import { describe, expect, it } from 'vitest';
import { equalInConstantTime } from './constant-time.js';

describe('equalInConstantTime', () => {
  it('says equal only for the same text', () => {
    const hex = 'ab'.repeat(32);
    expect(equalInConstantTime(hex, 'ab'.repeat(32))).toBe(true);
    expect(equalInConstantTime('', '')).toBe(true);
    expect(equalInConstantTime(hex, `b${hex.slice(1)}`)).toBe(false);
    expect(equalInConstantTime(hex, `${hex.slice(0, -1)}c`)).toBe(false);
    expect(equalInConstantTime(hex, hex.slice(1))).toBe(false);
    expect(equalInConstantTime('été', 'ete')).toBe(false);
    expect(equalInConstantTime('été', 'été')).toBe(true);
  });
});
