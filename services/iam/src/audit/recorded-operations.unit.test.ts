import { describe, expect, it } from 'vitest';
import type { Caller } from '../kernel/command-context.js';
import { AccessDeniedError, NoSuchEntityError } from '../kernel/iam-error.js';
import { notePermissionAsked, noteWrite } from '../kernel/call-scope.js';
import type { CallSink } from './call-recorder.js';
import type { RecordedCall } from './recorded-call.js';
import { recordedOperations } from './recorded-operations.js';

const caller: Caller = {
  accountId: '111122223333',
  arn: 'arn:aws:sts::111122223333:assumed-role/Auditor/alice',
  kind: 'assumed-role',
  accessKeyId: 'ASIAEXAMPLE',
  sessionId: '0123456789abcdef01234567',
  // As the credential resolver builds a role's session: with the role's ARN, its path included.
  session: {
    sessionId: '0123456789abcdef01234567',
    kind: 'assumed-role',
    roleId: 'AROAEXAMPLEAUDITOR001',
    roleArn: 'arn:aws:iam::111122223333:role/Auditor',
    userId: null,
    sessionName: 'alice',
    tags: [],
    sessionPolicies: [],
    sourceIdentity: null,
    mfaAuthenticated: false,
    mfaAuthenticatedAt: null,
    chained: false,
    originAccountId: null,
    issuedAt: new Date('2026-12-06T00:00:00Z'),
    expiresAt: new Date('2026-12-06T02:00:00Z'),
  },
  requestId: 'req-1',
  sourceIp: '203.0.113.9',
  userAgent: 'aws-cli/2',
  requestContext: {},
};

function sink(): CallSink & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  return { calls, record: (call) => void calls.push(call), recordIf: (wanted, call) => void wanted.then((yes) => yes && calls.push(call)) };
}

/** An operations object as IamService's are: methods taking the caller first, asking permissions through the core. */
class FakeOperations {
  inner: FakeOperations | undefined;
  async read(callerOf: Caller, name: string): Promise<string> {
    notePermissionAsked(callerOf.callScope!, 'iam:GetUser', `arn:aws:iam::111122223333:user/${name}`, undefined);
    if (name === 'ghost') throw new NoSuchEntityError('The user with name ghost cannot be found.');
    await Promise.resolve();
    return name;
  }
  async write(callerOf: Caller): Promise<void> {
    noteWrite(callerOf.callScope);
    notePermissionAsked(callerOf.callScope!, 'iam:CreateUser', 'arn:aws:iam::111122223333:user/x', 'arn:aws:iam::111122223333:role/service/Auditor');
    await Promise.resolve();
  }
  async broken(_caller: Caller): Promise<void> {
    await Promise.resolve();
    throw new Error('relation "users" does not exist at password=hunter2');
  }
  async twice(callerOf: Caller): Promise<string> {
    await this.inner!.read(callerOf, 'a');
    return this.inner!.read(callerOf, 'b');
  }
  async check(_caller: Caller): Promise<string> {
    return Promise.resolve('allow');
  }
  async refuse(_caller: Caller): Promise<string> {
    return Promise.reject(
      new AccessDeniedError('no', undefined, { action: 'iam:SimulatePrincipalPolicy', resource: 'arn:aws:iam::111122223333:user/x', kind: 'implicit_deny', policyType: 'identity', statements: [] }),
    );
  }
  async unnamed(_caller: Caller): Promise<void> {
    await Promise.resolve();
    throw new AccessDeniedError('MultiFactorAuthentication failed with invalid MFA one time pass code.');
  }
  unsigned(facts: { sourceIp: string }): Promise<string> {
    return Promise.reject(new AccessDeniedError(facts.sourceIp));
  }
}

function recorded(readsOn = false) {
  const records = sink();
  const raw = new FakeOperations();
  const operations = recordedOperations(
    raw,
    'fake',
    { sink: records, readCalls: { recordsReads: () => readsOn }, clock: { now: () => new Date('2026-12-06T01:00:00Z') } },
    { aggregates: { check: 'iam:SimulatePrincipalPolicy', refuse: 'iam:SimulatePrincipalPolicy' }, names: { unnamed: 'sts:GetSessionToken' } },
  );
  raw.inner = operations;
  return { records, operations };
}

describe('recordedOperations', () => {
  it('records a failed call once, named by the first permission it asked, with the caller and the role behind its session', async () => {
    const { records, operations } = recorded();
    await expect(operations.read(caller, 'ghost')).rejects.toThrow(NoSuchEntityError);
    expect(records.calls).toEqual([
      {
        accountId: '111122223333',
        occurredAt: new Date('2026-12-06T01:00:00Z'),
        requestId: 'req-1',
        operation: 'iam:GetUser',
        readOnly: true,
        outcome: 'failed',
        errorCode: 'NoSuchEntity',
        errorMessage: 'The user with name ghost cannot be found.',
        decision: null,
        callerArn: caller.arn,
        principalArn: 'arn:aws:iam::111122223333:role/Auditor',
        accessKeyId: 'ASIAEXAMPLE',
        sessionId: '0123456789abcdef01234567',
        sourceIdentity: null,
        sourceIp: '203.0.113.9',
        userAgent: 'aws-cli/2',
        resourceArns: ['arn:aws:iam::111122223333:user/ghost'],
      },
    ]);
  });

  it('masks an unexpected error as InternalFailure', async () => {
    const { records, operations } = recorded();
    await expect(operations.broken(caller)).rejects.toThrow(/hunter2/);
    expect(records.calls.map((call) => [call.operation, call.outcome, call.errorCode, call.errorMessage])).toEqual([
      ['fake.broken', 'failed', 'InternalFailure', 'The request processing has failed because of an unknown error.'],
    ]);
  });

  it('records a successful read only when the account opts in, and a successful write never', async () => {
    const off = recorded(false);
    await off.operations.read(caller, 'a');
    await off.operations.write(caller);
    expect(off.records.calls).toEqual([]);
    const on = recorded(true);
    await on.operations.read(caller, 'a');
    await on.operations.write(caller);
    expect(on.records.calls.map((call) => [call.operation, call.outcome])).toEqual([['iam:GetUser', 'success']]);
  });

  it('makes an operation called inside another part of the same call: one record', async () => {
    const { records, operations } = recorded(true);
    await expect(operations.twice(caller)).resolves.toBe('b');
    expect(records.calls.map((call) => [call.operation, call.resourceArns])).toEqual([['iam:GetUser', ['arn:aws:iam::111122223333:user/a', 'arn:aws:iam::111122223333:user/b']]]);
  });

  it("records an aggregate's refusal but never its answers, and nothing of a call without a caller", async () => {
    const { records, operations } = recorded(true);
    await operations.check(caller);
    await expect(operations.refuse(caller)).rejects.toThrow(AccessDeniedError);
    await expect(operations.unsigned({ sourceIp: '192.0.2.1' })).rejects.toThrow(AccessDeniedError);
    expect(records.calls.map((call) => [call.operation, call.outcome, call.decision])).toEqual([
      ['iam:SimulatePrincipalPolicy', 'denied', { action: 'iam:SimulatePrincipalPolicy', resource: 'arn:aws:iam::111122223333:user/x', kind: 'implicit_deny', policyType: 'identity', statements: [] }],
    ]);
  });

  it('names a call that asked no permission by its declared action, or else by its operation', async () => {
    const { records, operations } = recorded();
    await expect(operations.unnamed(caller)).rejects.toThrow(AccessDeniedError);
    await expect(operations.broken(caller)).rejects.toThrow(Error);
    expect(records.calls.map((call) => [call.operation, call.readOnly, call.decision])).toEqual([
      ['sts:GetSessionToken', true, { kind: 'refused_by_rule' }],
      ['fake.broken', false, null],
    ]);
  });

  it("hands the operation a copy of the caller carrying the call's scope, and leaves the caller it was given as it was", async () => {
    const seen: Caller[] = [];
    const spied = recordedOperations(
      {
        async look(callerOf: Caller): Promise<void> {
          seen.push(callerOf);
          await Promise.resolve();
        },
      },
      'fake',
      { sink: sink(), readCalls: { recordsReads: () => false }, clock: { now: () => new Date() } },
    );
    await spied.look(caller);
    await spied.look(caller);
    expect(caller.callScope).toBeUndefined();
    expect(seen[0]!.callScope).toBeDefined();
    expect(seen[1]!.callScope).toBeDefined();
    expect(seen[0]!.callScope).not.toBe(seen[1]!.callScope);
    expect({ ...seen[0]!, callScope: undefined }).toEqual({ ...caller, callScope: undefined });
  });

  it('passes answers and errors through unchanged', async () => {
    const { operations } = recorded();
    await expect(operations.read(caller, 'zed')).resolves.toBe('zed');
    const error = await operations.read(caller, 'ghost').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(NoSuchEntityError);
  });
});

describe('recordedOperations, a method replaced on the object', () => {
  it('calls and records the replacement, as a test spy expects', async () => {
    const records = sink();
    const raw = new FakeOperations();
    const operations = recordedOperations(raw, 'fake', { sink: records, readCalls: { recordsReads: () => false }, clock: { now: () => new Date(0) } });
    await expect(operations.read(caller, 'a')).resolves.toBe('a');
    raw.read = () => Promise.reject(new NoSuchEntityError('replaced'));
    await expect(operations.read(caller, 'a')).rejects.toThrow('replaced');
    expect(records.calls.map((call) => [call.operation, call.errorMessage])).toEqual([['fake.read', 'replaced']]);
  });
});
