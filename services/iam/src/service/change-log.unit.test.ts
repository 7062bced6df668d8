import { describe, expect, it } from 'vitest';
import { ChangeLog } from './change-log.js';

describe('ChangeLog', () => {
  it('keeps what depends on other entities current, and drops what depends on a changed one', () => {
    const log = new ChangeLog(10);
    log.apply(
      {
        epoch: '12',
        changes: [
          ['11', 'user/B'],
          ['12', 'group/G'],
        ],
      },
      '10',
    );
    expect(log.unchangedSince('10', ['user/A'], '12')).toBe(true);
    expect(log.unchangedSince('10', ['user/A', 'group/G'], '12')).toBe(false);
    expect(log.unchangedSince('10', ['user/B'], '12')).toBe(false);
    // Read after the change: current.
    expect(log.unchangedSince('11', ['user/B'], '12')).toBe(true);
  });

  it('treats a gap in the records (pruned, or an epoch bumped without one) as a change to everything', () => {
    const log = new ChangeLog(10);
    log.apply(
      {
        epoch: '13',
        changes: [
          ['12', 'user/B'],
          ['13', 'user/B'],
        ],
      },
      '10',
    );
    expect(log.unchangedSince('10', ['user/A'], '13')).toBe(false);
    expect(log.unchangedSince('13', ['user/A'], '13')).toBe(true);
  });

  it('a change to the whole account, or an entry that depends on it, is stale after any change', () => {
    const log = new ChangeLog(10);
    log.apply({ epoch: '11', changes: [['11', 'user/B']] }, '10');
    expect(log.unchangedSince('10', ['*'], '11')).toBe(false);
    log.apply({ epoch: '12', changes: [['12', '*']] }, '11');
    expect(log.unchangedSince('11', ['user/A'], '12')).toBe(false);
  });

  it('knows nothing before the epoch it started at, nor after the last it applied', () => {
    const log = new ChangeLog(10);
    expect(log.unchangedSince('9', ['user/A'], '10')).toBe(false);
    expect(log.unchangedSince('10', ['user/A'], '11')).toBe(false);
    // A read from before the last one applied (a read raced another): only news is applied.
    log.apply({ epoch: '11', changes: [['11', 'user/A']] }, '10');
    log.apply({ epoch: '11', changes: [] }, undefined);
    expect(log.unchangedSince('10', ['user/A'], '11')).toBe(false);
  });

  it('names which entities a read depends on changed since, or nothing when it cannot tell', () => {
    const log = new ChangeLog(10);
    log.apply(
      {
        epoch: '13',
        changes: [
          ['11', 'policy/P'],
          ['12', 'user/B'],
          ['13', 'policy/Q'],
        ],
      },
      '10',
    );
    expect(log.changedSince('10', ['user/A', 'policy/P', 'policy/Q'], '13')).toEqual(['policy/P', 'policy/Q']);
    expect(log.changedSince('11', ['user/A', 'policy/P', 'policy/Q'], '13')).toEqual(['policy/Q']);
    expect(log.changedSince('10', ['user/B', 'policy/P'], '13')).toEqual(['user/B', 'policy/P']);
    // Before the log starts, past what it applied, or depending on the whole account: unknown.
    expect(log.changedSince('9', ['user/A'], '13')).toBeUndefined();
    expect(log.changedSince('10', ['user/A'], '14')).toBeUndefined();
    expect(log.changedSince('10', ['user/A', '*'], '13')).toBeUndefined();
    log.apply({ epoch: '14', changes: [['14', '*']] }, '13');
    expect(log.changedSince('13', ['user/A'], '14')).toBeUndefined();
  });

  it("knows a changed managed policy's default version from the read that brought its change, and only at epochs from that change on", () => {
    const v = (id: string, version: string) => ({ arn: `arn:aws:iam::111122223333:policy/${id}`, id, version, document: `{"v":"${version}"}`, hash: `h${version}` });
    const log = new ChangeLog(10);
    log.apply(
      {
        epoch: '12',
        changes: [
          ['11', 'policy/P'],
          ['12', 'user/A'],
        ],
        policies: [v('P', 'v2')],
      },
      '10',
    );
    expect(log.policyDefaults(['policy/P'], '12')).toEqual([v('P', 'v2')]);
    expect(log.policyDefaults(['policy/P'], '11')).toEqual([v('P', 'v2')]);
    // Before its change the log does not know it; nor a policy whose change it never read; nor after the last epoch applied.
    expect(log.policyDefaults(['policy/P'], '10')).toBeUndefined();
    expect(log.policyDefaults(['policy/P', 'policy/Q'], '12')).toBeUndefined();
    expect(log.policyDefaults(['policy/P'], '13')).toBeUndefined();
    // A later change replaces it, and a request at an epoch before that one cannot have it.
    log.apply(
      {
        epoch: '14',
        changes: [
          ['13', 'policy/Q'],
          ['14', 'policy/P'],
        ],
        policies: [v('Q', 'v1'), v('P', 'v3')],
      },
      '12',
    );
    expect(log.policyDefaults(['policy/P', 'policy/Q'], '14')).toEqual([v('P', 'v3'), v('Q', 'v1')]);
    expect(log.policyDefaults(['policy/P'], '13')).toBeUndefined();
    // A change the read found no policy for (deleted since) leaves nothing to know.
    log.apply({ epoch: '15', changes: [['15', 'policy/Q']], policies: [] }, '14');
    expect(log.policyDefaults(['policy/Q'], '15')).toBeUndefined();
    expect(log.policyDefaults(['policy/P'], '15')).toEqual([v('P', 'v3')]);
    // A gap in the records forgets every default.
    log.apply({ epoch: '18', changes: [['18', 'user/A']], policies: [] }, '15');
    expect(log.policyDefaults(['policy/P'], '18')).toBeUndefined();
  });

  it('keeps the defaults of the 100 most recently changed policies of an account, and reads the others again', () => {
    const v = (id: string) => ({ arn: `arn:aws:iam::111122223333:policy/${id}`, id, version: 'v2', document: '{}', hash: 'h' });
    const log = new ChangeLog(0);
    const ids = Array.from({ length: 101 }, (_, i) => `P${i}`);
    log.apply({ epoch: '101', changes: ids.map((id, i) => [String(i + 1), `policy/${id}`] as const), policies: ids.map(v) }, '0');
    expect(log.policyDefaults(['policy/P0'], '101')).toBeUndefined();
    expect(log.policyDefaults(['policy/P1', 'policy/P100'], '101')).toEqual([v('P1'), v('P100')]);
    // P1 changed again is the most recent: the next one forgotten is P2.
    log.apply(
      {
        epoch: '103',
        changes: [
          ['102', 'policy/P1'],
          ['103', 'policy/Q'],
        ],
        policies: [v('P1'), v('Q')],
      },
      '101',
    );
    expect(log.policyDefaults(['policy/P1', 'policy/Q'], '103')).toEqual([v('P1'), v('Q')]);
    expect(log.policyDefaults(['policy/P2'], '103')).toBeUndefined();
    expect(log.policyDefaults(['policy/P3'], '103')).toEqual([v('P3')]);
  });
});
