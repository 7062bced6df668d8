import { describe, expect, it } from 'vitest';
import { driversUnderTest } from './drivers-under-test.js';

describe('driversUnderTest', () => {
  const url = 'postgres://postgres@127.0.0.1:5432/test';

  it('runs PGlite alone without DATABASE_URL, and both stores with it', () => {
    expect(driversUnderTest({})).toEqual(['pglite']);
    expect(driversUnderTest({ DATABASE_URL: url })).toEqual(['pglite', 'postgres']);
  });

  it('narrows to the stores WARDEN_TEST_DRIVERS names', () => {
    expect(driversUnderTest({ DATABASE_URL: url, WARDEN_TEST_DRIVERS: 'postgres' })).toEqual(['postgres']);
    expect(driversUnderTest({ DATABASE_URL: url, WARDEN_TEST_DRIVERS: ' pglite , postgres ' })).toEqual(['pglite', 'postgres']);
    expect(driversUnderTest({ WARDEN_TEST_DRIVERS: 'pglite' })).toEqual(['pglite']);
  });

  it('refuses a name that is not a store, and postgres without DATABASE_URL', () => {
    expect(() => driversUnderTest({ DATABASE_URL: url, WARDEN_TEST_DRIVERS: 'postgress' })).toThrow(/"postgress", which is not one of pglite, postgres/);
    expect(() => driversUnderTest({ WARDEN_TEST_DRIVERS: 'postgres' })).toThrow(/DATABASE_URL is not set/);
  });

  it('requires DATABASE_URL when WARDEN_REQUIRE_SERVICES=1', () => {
    expect(() => driversUnderTest({ WARDEN_REQUIRE_SERVICES: '1' })).toThrow(/DATABASE_URL is not set/);
  });
});
