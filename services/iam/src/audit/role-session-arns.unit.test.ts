import { describe, expect, it } from 'vitest';
import { assumedRoleSessionPrefix } from './role-session-arns.js';

describe('assumedRoleSessionPrefix', () => {
  it("names a role's sessions by its name, without its path (AWS's assumed-role ARN)", () => {
    expect(assumedRoleSessionPrefix('arn:aws:iam::123456789012:role/deploy')).toBe('arn:aws:sts::123456789012:assumed-role/deploy/');
    expect(assumedRoleSessionPrefix('arn:aws:iam::123456789012:role/team/a/deploy')).toBe('arn:aws:sts::123456789012:assumed-role/deploy/');
    expect(assumedRoleSessionPrefix('arn:aws-cn:iam::123456789012:role/x')).toBe('arn:aws-cn:sts::123456789012:assumed-role/x/');
  });

  it('is undefined for anything but a role ARN', () => {
    expect(assumedRoleSessionPrefix('arn:aws:iam::123456789012:user/deploy')).toBeUndefined();
    expect(assumedRoleSessionPrefix('arn:aws:sts::123456789012:assumed-role/deploy/s')).toBeUndefined();
    expect(assumedRoleSessionPrefix('arn:aws:iam::aws:role/deploy')).toBeUndefined();
    expect(assumedRoleSessionPrefix('deploy')).toBeUndefined();
  });
});
