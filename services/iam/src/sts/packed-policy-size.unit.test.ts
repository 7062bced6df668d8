import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PackedPolicyTooLargeError } from '../kernel/iam-error.js';
import { checkTags } from '../naming/index.js';
import { packedPolicySize } from './packed-policy-size.js';

/**
 * AWS STS API reference, AssumeRole / GetFederationToken / AssumeRoleWithWebIdentity:
 * "PackedPolicySize: a percentage value that indicates the packed size of the session policies and
 * session tags combined passed in the request. The request fails if the packed size is greater than
 * 100 percent"; PackedPolicyTooLarge: "You could receive this error even though you meet other
 * defined session policy and session tag limits".
 */
const policy = (statements: number) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: Array.from({ length: statements }, (_, i) => ({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::bucket-${i}/*` })),
  });
/** Tags at AWS's plaintext limits (50 tags, keys of 128 and values of 256 characters), of text that does not repeat. */
const varied = (count: number, keyLength = 128, valueLength = 256): { key: string; value: string }[] =>
  Array.from({ length: count }, (_, i) => ({
    key: `${i}-${randomBytes(keyLength).toString('base64url')}`.slice(0, keyLength),
    value: randomBytes(valueLength).toString('base64url').slice(0, valueLength),
  }));

describe('packedPolicySize', () => {
  it('is null when the request passes no session policy, policy ARN or tag', () => {
    expect(packedPolicySize({})).toBeNull();
    expect(packedPolicySize({ policy: null, policyArns: [], tags: [] })).toBeNull();
  });

  it('is a percentage that grows with what is passed, and counts the policy minified (white space is free)', () => {
    const small = packedPolicySize({ policy: policy(1) })!;
    const large = packedPolicySize({ policy: policy(20) })!;
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small);
    expect(large).toBeLessThanOrEqual(100);
    expect(packedPolicySize({ policy: JSON.stringify(JSON.parse(policy(20)), null, 8) })).toBe(large);
    expect(packedPolicySize({ policy: policy(20), policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] })).toBeGreaterThanOrEqual(large);
    expect(packedPolicySize({ tags: varied(3) })!).toBeLessThan(packedPolicySize({ tags: varied(6) })!);
  });

  it('refuses tags that meet every plaintext limit but overflow the packed space, saying by how much', () => {
    const tags = varied(50);
    expect(checkTags(tags)).toBeUndefined();
    expect(() => packedPolicySize({ tags })).toThrow(PackedPolicyTooLargeError);
    expect(() => packedPolicySize({ tags })).toThrow(/PackedPolicySize would be \d{3,}% of the allowed space/);
  });
});
