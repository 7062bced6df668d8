import { deflateRawSync } from 'node:zlib';
import { PackedPolicyTooLargeError } from '../kernel/iam-error.js';
import type { Tag } from '../naming/index.js';

/**
 * AWS STS compresses the session policy document, the session policy ARNs and the session tags of
 * a request into a packed binary format with a limit of its own, answers how full it is as
 * PackedPolicySize (a percentage), and refuses a request over 100% with PackedPolicyTooLarge, even
 * when every plaintext limit is met (2,048 characters of session policy, 10 policy ARNs, 50 tags of
 * 128 and 256 characters). AWS does not publish its format; Warden's packing is the raw DEFLATE
 * (zlib, level 9) of the minified policy, the ARNs and the tags as one JSON array, measured against
 * PACKED_POLICY_LIMIT_BYTES. Policy text repeats itself and compresses well; long, varied tags
 * (or text outside ASCII) are what overflow it, as on AWS.
 */
export const PACKED_POLICY_LIMIT_BYTES = 4096;

export interface PassedSessionPolicies {
  /** The inline session policy, already validated as one (so it is JSON). */
  readonly policy?: string | null | undefined;
  readonly policyArns?: readonly string[] | null | undefined;
  readonly tags?: readonly Tag[] | null | undefined;
}

/**
 * The request's PackedPolicySize, in whole percent rounded up, or null when it passes no session
 * policy, ARN or tag (AWS answers PackedPolicySize only for what a request passes). Throws
 * PackedPolicyTooLargeError over 100%. Every STS operation that takes session policies or tags
 * asks this one function.
 */
export function packedPolicySize(passed: PassedSessionPolicies): number | null {
  const arns = passed.policyArns ?? [];
  const tags = passed.tags ?? [];
  if (passed.policy == null && arns.length === 0 && tags.length === 0) return null;
  const policy: unknown = passed.policy == null ? null : JSON.parse(passed.policy);
  const packed = deflateRawSync(JSON.stringify([policy, arns, tags.map((tag) => [tag.key, tag.value])]), { level: 9 });
  const percent = Math.ceil((packed.length * 100) / PACKED_POLICY_LIMIT_BYTES);
  if (percent > 100) {
    throw new PackedPolicyTooLargeError(
      `The session policies and session tags are too large once packed: PackedPolicySize would be ${percent}% of the allowed space. Pass a shorter session policy, fewer policy ARNs, or fewer or shorter session tags.`,
    );
  }
  return percent;
}
