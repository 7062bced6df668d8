import { describe, expect, it } from 'vitest';
import { RecentCache } from './recent-cache.js';

describe('RecentCache', () => {
  it('answers what was set, and stays within its capacity', () => {
    const cache = new RecentCache<string, number>(4);
    for (let i = 0; i < 100; i++) {
      cache.set(`k${i}`, i);
      expect(cache.get(`k${i}`)).toBe(i);
      expect(cache.size).toBeLessThanOrEqual(4);
    }
    // The last two generations' worth is still there; older entries are gone.
    expect(cache.get('k99')).toBe(99);
    expect(cache.get('k98')).toBe(98);
    expect(cache.get('k0')).toBeUndefined();
  });

  it('keeps an entry that is used while others come and go', () => {
    const cache = new RecentCache<string, string>(4);
    cache.set('hot', 'kept');
    for (let i = 0; i < 50; i++) {
      cache.set(`cold${i}`, 'x');
      // Another key found in between, so that 'hot' is not the last entry found: it comes from the generations.
      expect(cache.get(`cold${i}`)).toBe('x');
      // Used at least once per half-capacity insertions: always found.
      expect(cache.get('hot')).toBe('kept');
    }
  });

  it('holds no more than an odd capacity either', () => {
    const cache = new RecentCache<number, number>(5);
    for (let i = 0; i < 20; i++) {
      cache.set(i, i);
      expect(cache.size).toBeLessThanOrEqual(5);
    }
  });

  it('answers a repeated key from the last entry found, and follows a value set again under it', () => {
    const cache = new RecentCache<string, number>(4);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    // The same text in another string object: equal keys, whatever the object.
    expect(cache.get(['a'].join(''))).toBe(1);
    cache.set('a', 3);
    expect(cache.get('a')).toBe(3);
    expect(cache.get('b')).toBe(2);
    expect(cache.get('c')).toBeUndefined();
  });

  it('refuses a capacity that cannot hold two generations', () => {
    expect(() => new RecentCache(1)).toThrow(RangeError);
    expect(() => new RecentCache(2.5)).toThrow(RangeError);
  });
});
