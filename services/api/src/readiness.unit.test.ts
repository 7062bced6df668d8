import { DatabaseUnavailableError } from '@warden/db';
import { describe, expect, it } from 'vitest';
import { databaseCheck, readinessOf } from './readiness.js';

describe('readinessOf', () => {
  it('is ready when every check answers ok, and reports each', async () => {
    const report = await readinessOf([{ database: databaseCheck(() => Promise.resolve()) }, { migrations: () => Promise.resolve('ok') }])();
    expect(report).toEqual({ ready: true, checks: { database: 'ok', migrations: 'ok' } });
  });

  it('is not ready when one check gives a reason, fails, or does not answer in time; the others of its stage still answer', async () => {
    const report = await readinessOf(
      [
        {
          migrations: () => Promise.resolve('1 not applied (0099-x): run warden migrate'),
          database: databaseCheck(() => Promise.reject(new DatabaseUnavailableError('ECONNREFUSED'))),
          keyring: () => Promise.reject(new Error('secret detail')),
          redis: () => new Promise(() => undefined),
          fine: () => Promise.resolve('ok'),
        },
      ],
      50,
    )();
    expect(report.ready).toBe(false);
    expect(report.checks).toEqual({
      migrations: '1 not applied (0099-x): run warden migrate',
      database: expect.stringMatching(/^unavailable: /) as string,
      // An unexpected failure is not described to whoever polls the probe.
      keyring: 'failing: unexpected error',
      redis: 'no answer within 50 ms',
      fine: 'ok',
    });
  });

  it('asks a later stage only when every check of the earlier ones answered ok', async () => {
    let asked = 0;
    const later = { migrations: () => (asked++, Promise.resolve('ok')) };
    const down = await readinessOf([{ database: () => new Promise<string>(() => undefined) }, later], 50)();
    expect(down).toEqual({ ready: false, checks: { database: 'no answer within 50 ms', migrations: 'not checked: database is not ok' } });
    expect(asked).toBe(0);
    const up = await readinessOf([{ database: () => Promise.resolve('ok') }, later], 50)();
    expect(up).toEqual({ ready: true, checks: { database: 'ok', migrations: 'ok' } });
    expect(asked).toBe(1);
  });
});
