import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The CLI as a user runs it: the built `bin/warden-policy.js`, in a child process. */
const bin = join(import.meta.dirname, '..', 'bin', 'warden-policy.js');

function run(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ALICE = 'arn:aws:iam::111122223333:user/alice';
const validPolicy = { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }] };

describe('warden-policy validate', () => {
  it('reads a file and exits 0 for a valid policy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-policy-'));
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify(validPolicy, null, 2));
    const result = run(['validate', file]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('No findings: the policy is valid.');
  });

  it('reads standard input, prints errors with their JSON path, and exits 1', () => {
    const result = run(['validate', '-'], '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}]}');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('ERROR INVALID_CONDITION_OPERATOR at $.Statement[0].Condition.StringEqualz');
  });

  it('reports malformed JSON with its line and column', () => {
    const result = run(['validate'], '{\n  "Version": "2012-10-17",\n  "Statement": [\n}');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/JSON_SYNTAX_ERROR at \$: .* line 4, column 1\./);
  });

  it('prints security warnings but exits 0 when nothing is an error', () => {
    const result = run(['validate', '--json'], JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }));
    expect(result.status).toBe(0);
    const parsed = JSON.parse(result.stdout) as { valid: boolean; findings: { severity: string; code: string }[] };
    expect(parsed.valid).toBe(true);
    expect(parsed.findings).toContainEqual(expect.objectContaining({ severity: 'security_warning', code: 'FULL_ACCESS' }));
  });

  it('applies the rules of the policy kind: a trust policy names no Resource', () => {
    const trust = { Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole', Resource: '*' } };
    expect(run(['validate', '--kind', 'trust'], JSON.stringify(trust)).status).toBe(1);
    const { Resource: _resource, ...statement } = trust.Statement;
    expect(run(['validate', '--kind', 'trust'], JSON.stringify({ ...trust, Statement: statement })).status).toBe(0);
  });

  it('applies the inline size limit of the entity', () => {
    const statements = Array.from({ length: 30 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-number-${i}/*` }));
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    expect(run(['validate', '--inline', 'user'], policy).stdout).toContain('POLICY_SIZE_EXCEEDED');
    expect(run(['validate', '--inline', 'role'], policy).status).toBe(0);
  });

  it('exits 2 on a usage error', () => {
    expect(run(['validate', '--kind', 'nonsense']).status).toBe(2);
    expect(run(['frobnicate']).status).toBe(2);
    expect(run(['validate', '/no/such/file.json']).status).toBe(2);
  });
});

describe('warden-policy evaluate', () => {
  it('answers ten thousand cases in input order, an invalid case with an error', () => {
    const cases = Array.from({ length: 10_000 }, (_, i) => ({
      id: `c${i}`,
      identityPolicies: i === 5000 ? [{ Statement: { Effect: 'allow' } }] : [validPolicy],
      resourcePolicy: null,
      permissionBoundary: i % 3 === 0 ? { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::bucket/public/*' } } : null,
      sessionPolicy: null,
      request: { principal: ALICE, action: i % 2 === 0 ? 's3:GetObject' : 's3:PutObject', resource: `arn:aws:s3:::bucket/key${i}`, context: { 'aws:SourceIp': '203.0.113.1' } },
    }));
    const result = run(['evaluate'], JSON.stringify(cases));
    expect(result.status).toBe(0);
    const results = JSON.parse(result.stdout) as { id: string; decision?: string; error?: string }[];
    expect(results).toHaveLength(10_000);
    results.forEach((answer, i) => expect(answer.id).toBe(`c${i}`));
    expect(results[0]!.decision).toBe('implicit_deny'); // outside the boundary
    expect(results[1]!.decision).toBe('implicit_deny'); // PutObject is not allowed
    expect(results[2]!.decision).toBe('allow');
    expect(results[5000]!.error).toMatch(/identityPolicies\[0\] is invalid/);
    expect(results[5002]!.decision).toBe('allow');
  });

  it('refuses a case whose policy repeats a key, and still answers the others', () => {
    const text = `[{"id":"dup","identityPolicies":[{"Version":"2012-10-17","Statement":{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}}],"request":{"principal":"${ALICE}","action":"s3:GetObject","resource":"*"}},{"id":"ok","identityPolicies":[],"request":{"principal":"${ALICE}","action":"s3:GetObject","resource":"*"}}]`;
    const results = JSON.parse(run(['evaluate'], text).stdout) as { id: string; decision?: string; error?: string }[];
    expect(results[0]).toEqual({ id: 'dup', error: expect.stringContaining('appears more than once') as unknown });
    expect(results[1]).toMatchObject({ id: 'ok', decision: 'implicit_deny' });
  });

  it('answers each case with a repeated document as it answers the first: duplicate keys, invalid policies and positions', () => {
    const duplicated = '{"Version":"2012-10-17","Statement":{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}}';
    const invalid = '{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"*","Resource":"*"}}';
    const allow = JSON.stringify(validPolicy);
    const deny = '{"Version":"2012-10-17","Statement":{"Sid":"No","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/secret"}}';
    const request = `"request":{"principal":"${ALICE}","action":"s3:GetObject","resource":"arn:aws:s3:::bucket/secret"}`;
    const text = `[${[
      `{"id":"a","identityPolicies":[${duplicated}],${request}}`,
      `{"id":"b","identityPolicies":[${allow},${duplicated}],${request}}`,
      `{"id":"c","identityPolicies":[${allow},${invalid}],${request}}`,
      `{"id":"d","identityPolicies":[${allow},${allow},${invalid}],${request}}`,
      `{"id":"e","identityPolicies":[${allow},${deny}],${request}}`,
      `{"id":"f","identityPolicies":[${deny},${allow}],"permissionBoundary":${deny},${request}}`,
    ].join(',')}]`;
    const results = JSON.parse(run(['evaluate'], text).stdout) as { id: string; decision?: string; error?: string; matched?: { policy: string; statementIndex: number }[] }[];
    expect(results[0]!.error).toContain('$[0].identityPolicies[0].Statement.Effect: The key "Effect" appears more than once');
    expect(results[1]!.error).toContain('$[1].identityPolicies[1].Statement.Effect: The key "Effect" appears more than once');
    expect(results[2]!.error).toMatch(/^identityPolicies\[1\] is invalid: \$\.Statement\.Effect/);
    expect(results[3]!.error).toMatch(/^identityPolicies\[2\] is invalid: \$\.Statement\.Effect/);
    expect(results[4]).toMatchObject({ decision: 'explicit_deny', matched: [{ policy: 'identityPolicies[1]', statementIndex: 0 }] });
    expect(results[5]).toMatchObject({ decision: 'explicit_deny', matched: [{ policy: 'identityPolicies[0]' }, { policy: 'permissionBoundary' }] });
  });

  it('explains a denial in the words of AWS', () => {
    const cases = [{ id: 'x', identityPolicies: [], request: { principal: ALICE, action: 'iam:CreateUser', resource: 'arn:aws:iam::111122223333:user/bob' } }];
    const [answer] = JSON.parse(run(['evaluate'], JSON.stringify(cases)).stdout) as { reason: string }[];
    expect(answer!.reason).toBe(
      `User: ${ALICE} is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::111122223333:user/bob because no identity-based policy allows the iam:CreateUser action`,
    );
  });

  it('never lets an identity policy alone assume a role or use a KMS key', () => {
    const allowAll = { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } };
    const cases = [
      { id: 'assume', identityPolicies: [allowAll], resourcePolicy: null, request: { principal: ALICE, action: 'sts:AssumeRole', resource: 'arn:aws:iam::111122223333:role/admin' } },
      {
        id: 'kms',
        identityPolicies: [allowAll],
        resourcePolicy: { Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/KeyAdmin' }, Action: 'kms:*', Resource: '*' } },
        request: { principal: ALICE, action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd' },
      },
    ];
    const results = JSON.parse(run(['evaluate'], JSON.stringify(cases)).stdout) as { id: string; decision: string; reason: string }[];
    expect(results.map((result) => result.decision)).toEqual(['implicit_deny', 'implicit_deny']);
    expect(results[0]!.reason).toContain('because no role trust policy allows the sts:AssumeRole action');
  });

  it('exits 2 when standard input is not a JSON array', () => {
    expect(run(['evaluate'], '{"id": 1}').status).toBe(2);
    expect(run(['evaluate'], 'not json').status).toBe(2);
  });
});
