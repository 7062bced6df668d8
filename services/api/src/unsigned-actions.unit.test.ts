import { describe, expect, it } from 'vitest';
import { isUnsignedAwsAction, UNSIGNED_OPERATIONS } from './unsigned-actions.js';

describe('the unsigned allow-list both fronts read', () => {
  it("admits STS's AssumeRoleWithWebIdentity and AssumeRoleWithSAML over Query and nothing else: not another STS action, not the name under IAM", () => {
    expect(isUnsignedAwsAction('sts', 'AssumeRoleWithWebIdentity')).toBe(true);
    expect(isUnsignedAwsAction('sts', 'AssumeRoleWithSAML')).toBe(true);
    expect(isUnsignedAwsAction('iam', 'AssumeRoleWithSAML')).toBe(false);
    expect(isUnsignedAwsAction('iam', 'AssumeRoleWithWebIdentity')).toBe(false);
    expect(isUnsignedAwsAction('sts', 'GetCallerIdentity')).toBe(false);
    expect(isUnsignedAwsAction('sts', 'assumerolewithwebidentity')).toBe(false);
    expect(isUnsignedAwsAction('sts', undefined)).toBe(false);
  });

  it("admits GraphQL's signIn, assumeRoleWithSAML and assumeRoleWithWebIdentity only", () => {
    expect([...UNSIGNED_OPERATIONS].sort()).toEqual(['assumeRoleWithSAML', 'assumeRoleWithWebIdentity', 'signIn']);
  });
});
