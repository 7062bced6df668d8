import { describe, expect, it } from 'vitest';
import { ARN_SEGMENT_COUNT, formatArn, isAccountId, parseArn, parsePrincipalArn, splitArn } from './arn.js';

describe('splitArn', () => {
  it('splits a plain ARN into six segments', () => {
    expect(ARN_SEGMENT_COUNT).toBe(6);
    expect(splitArn('arn:aws:iam::123456789012:user/alice')).toEqual(['arn', 'aws', 'iam', '', '123456789012', 'user/alice']);
  });

  it('keeps colons after the fifth in the resource part', () => {
    // AWS: reference-arns.html — "the resource part may itself contain colons (e.g. log-group:name:log-stream:…)"
    expect(splitArn('arn:aws:logs:us-east-1:123456789012:log-group:my-group:log-stream:abc')).toEqual(['arn', 'aws', 'logs', 'us-east-1', '123456789012', 'log-group:my-group:log-stream:abc']);
  });

  it('allows empty region, account and resource', () => {
    expect(splitArn('arn:aws:s3:::bucket/key')).toEqual(['arn', 'aws', 's3', '', '', 'bucket/key']);
    expect(splitArn('arn:aws:s3:::')).toEqual(['arn', 'aws', 's3', '', '', '']);
  });

  it('returns undefined for fewer than five colons', () => {
    expect(splitArn('arn:aws:s3')).toBeUndefined();
    expect(splitArn('arn:aws:s3:*')).toBeUndefined();
    expect(splitArn('arn:aws:s3:us-east-1:123456789012')).toBeUndefined();
  });

  it('returns undefined when the text does not start with lower-case "arn:"', () => {
    expect(splitArn('ARN:aws:s3:::bucket')).toBeUndefined();
    expect(splitArn('*')).toBeUndefined();
    expect(splitArn('bucket')).toBeUndefined();
    expect(splitArn('')).toBeUndefined();
    expect(splitArn(' arn:aws:s3:::bucket')).toBeUndefined();
  });
});

describe('parseArn', () => {
  it('names the five fields', () => {
    expect(parseArn('arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-1')).toEqual({
      partition: 'aws-cn',
      service: 'ec2',
      region: 'cn-north-1',
      account: '123456789012',
      resource: 'instance/i-1',
    });
  });

  it('keeps a colon-bearing resource whole', () => {
    expect(parseArn('arn:aws:logs:us-east-1:123456789012:log-group:g:*')?.resource).toBe('log-group:g:*');
  });

  it('refuses an empty partition or service', () => {
    expect(parseArn('arn::s3:::bucket')).toBeUndefined();
    expect(parseArn('arn:aws::::bucket')).toBeUndefined();
  });

  it('refuses non-ARNs', () => {
    expect(parseArn('not-an-arn')).toBeUndefined();
    expect(parseArn('arn:aws:s3')).toBeUndefined();
  });

  it('round-trips through formatArn', () => {
    const text = 'arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s';
    const arn = parseArn(text);
    expect(arn).toBeDefined();
    expect(formatArn(arn!)).toBe(text);
  });
});

describe('isAccountId', () => {
  it('accepts exactly 12 digits', () => {
    expect(isAccountId('123456789012')).toBe(true);
    expect(isAccountId('000000000000')).toBe(true);
    expect(isAccountId('12345678901')).toBe(false);
    expect(isAccountId('1234567890123')).toBe(false);
    expect(isAccountId('12345678901a')).toBe(false);
    expect(isAccountId('aws')).toBe(false);
    expect(isAccountId('')).toBe(false);
    expect(isAccountId('123456789012\n')).toBe(false);
  });
});

describe('parsePrincipalArn', () => {
  it('recognises the account root', () => {
    // AWS: reference_policies_elements_principal.html — "arn:aws:iam::account-id:root names the account"
    expect(parsePrincipalArn('arn:aws:iam::123456789012:root')).toEqual({
      arn: 'arn:aws:iam::123456789012:root',
      partition: 'aws',
      account: '123456789012',
      kind: 'root',
    });
  });

  it('recognises a user, with or without a path, and gives no roleName', () => {
    const plain = parsePrincipalArn('arn:aws:iam::123456789012:user/alice');
    expect(plain).toEqual({ arn: 'arn:aws:iam::123456789012:user/alice', partition: 'aws', account: '123456789012', kind: 'user' });
    expect(plain && 'roleName' in plain).toBe(false);
    const withPath = parsePrincipalArn('arn:aws:iam::123456789012:user/division/team/alice');
    expect(withPath?.kind).toBe('user');
    expect(withPath?.account).toBe('123456789012');
  });

  it('recognises a role and takes the last path component as roleName', () => {
    expect(parsePrincipalArn('arn:aws:iam::123456789012:role/admin')).toEqual({
      arn: 'arn:aws:iam::123456789012:role/admin',
      partition: 'aws',
      account: '123456789012',
      kind: 'role',
      roleName: 'admin',
    });
    const withPath = parsePrincipalArn('arn:aws:iam::123456789012:role/service-role/team/deployer');
    expect(withPath?.kind).toBe('role');
    expect(withPath?.roleName).toBe('deployer');
  });

  it('recognises an assumed-role session and names the role, not the session', () => {
    // AWS: reference_policies_elements_principal.html — "arn:aws:sts::account:assumed-role/role-name/role-session-name"
    expect(parsePrincipalArn('arn:aws:sts::123456789012:assumed-role/admin/alice-session')).toEqual({
      arn: 'arn:aws:sts::123456789012:assumed-role/admin/alice-session',
      partition: 'aws',
      account: '123456789012',
      kind: 'assumed-role',
      roleName: 'admin',
    });
  });

  it('treats an assumed-role ARN without a role name as other', () => {
    expect(parsePrincipalArn('arn:aws:sts::123456789012:assumed-role/')?.kind).toBe('other');
  });

  it('needs both role name and session name in an assumed-role ARN, and nothing more', () => {
    expect(parsePrincipalArn('arn:aws:sts::123456789012:assumed-role/admin')?.kind).toBe('other');
    expect(parsePrincipalArn('arn:aws:sts::123456789012:assumed-role/admin/')?.kind).toBe('other');
    expect(parsePrincipalArn('arn:aws:sts::123456789012:assumed-role//session')?.kind).toBe('other');
    expect(parsePrincipalArn('arn:aws:sts::123456789012:assumed-role/admin/s/extra')?.kind).toBe('other');
  });

  it('needs a name after user/, role/ and federated-user/', () => {
    expect(parsePrincipalArn('arn:aws:iam::123456789012:user/')?.kind).toBe('other');
    expect(parsePrincipalArn('arn:aws:iam::123456789012:user/path/')?.kind).toBe('other');
    expect(parsePrincipalArn('arn:aws:iam::123456789012:role/')?.kind).toBe('other');
    expect(parsePrincipalArn('arn:aws:sts::123456789012:federated-user/')?.kind).toBe('other');
    expect(parsePrincipalArn('arn:aws:sts::123456789012:federated-user/bob/x')?.kind).toBe('other');
  });

  it('recognises a federated user', () => {
    expect(parsePrincipalArn('arn:aws:sts::123456789012:federated-user/bob')).toEqual({
      arn: 'arn:aws:sts::123456789012:federated-user/bob',
      partition: 'aws',
      account: '123456789012',
      kind: 'federated-user',
    });
  });

  it('classifies other IAM/STS resources and other services as other', () => {
    expect(parsePrincipalArn('arn:aws:iam::123456789012:group/devs')?.kind).toBe('other');
    expect(parsePrincipalArn('arn:aws:iam::123456789012:user')?.kind).toBe('other');
    expect(parsePrincipalArn('arn:aws:sts::123456789012:root')?.kind).toBe('other');
    // role/ under sts or assumed-role/ under iam is not the documented form
    expect(parsePrincipalArn('arn:aws:sts::123456789012:role/admin')?.kind).toBe('other');
    expect(parsePrincipalArn('arn:aws:iam::123456789012:assumed-role/admin/s')?.kind).toBe('other');
    expect(parsePrincipalArn('arn:aws:ec2:us-east-1:123456789012:instance/i-1')?.kind).toBe('other');
  });

  it('keeps a non-aws partition', () => {
    const parsed = parsePrincipalArn('arn:aws-us-gov:iam::123456789012:root');
    expect(parsed?.partition).toBe('aws-us-gov');
    expect(parsed?.kind).toBe('root');
  });

  it('refuses accounts that are not 12 digits', () => {
    expect(parsePrincipalArn('arn:aws:iam::12345678901:root')).toBeUndefined();
    expect(parsePrincipalArn('arn:aws:iam::1234567890123:user/alice')).toBeUndefined();
    expect(parsePrincipalArn('arn:aws:iam::aws:policy/AdministratorAccess')).toBeUndefined();
    expect(parsePrincipalArn('arn:aws:s3:::bucket')).toBeUndefined();
  });

  it('refuses non-ARNs', () => {
    expect(parsePrincipalArn('123456789012')).toBeUndefined();
    expect(parsePrincipalArn('*')).toBeUndefined();
  });
});
