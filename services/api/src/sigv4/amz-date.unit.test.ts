import { describe, expect, it } from 'vitest';
import { formatAmzDate, parseAmzDate } from './amz-date.js';

describe('parseAmzDate', () => {
  it('parses the basic format, the same value again to an equal but separate date', () => {
    const first = parseAmzDate('20261129T051500Z');
    expect(first?.toISOString()).toBe('2026-11-29T05:15:00.000Z');
    const again = parseAmzDate('20261129T051500Z');
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    // A caller changing its date changes nothing for the next one.
    again!.setTime(0);
    expect(parseAmzDate('20261129T051500Z')?.toISOString()).toBe('2026-11-29T05:15:00.000Z');
  });

  it.each(['', '20261129T051500', '20261329T051500Z', '20260230T000000Z', '20261129T245959Z', '2026-11-29T05:15:00Z'])('refuses %j, also right after a value it accepted', (value) => {
    expect(parseAmzDate('20261129T051500Z')).toBeDefined();
    expect(parseAmzDate(value)).toBeUndefined();
    expect(parseAmzDate(value)).toBeUndefined();
  });

  it('reads back what formatAmzDate writes', () => {
    const date = new Date('2031-01-02T03:04:05Z');
    expect(parseAmzDate(formatAmzDate(date))).toEqual(date);
  });
});
