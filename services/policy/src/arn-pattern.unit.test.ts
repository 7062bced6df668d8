import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileArnPattern, toArnTarget } from './arn-pattern.js';
import { ANY_SEQUENCE, tokenizeWildcards } from './wildcard.js';

function matches(pattern: string, target: string): boolean {
  return compileArnPattern(tokenizeWildcards(pattern))(toArnTarget(target));
}

describe('toArnTarget', () => {
  it('keeps the text and its six segments', () => {
    expect(toArnTarget('arn:aws:s3:::bucket')).toEqual({ text: 'arn:aws:s3:::bucket', segments: ['arn', 'aws', 's3', '', '', 'bucket'] });
  });

  it('has no segments for a non-ARN', () => {
    expect(toArnTarget('*')).toEqual({ text: '*', segments: undefined });
  });
});

describe('compileArnPattern: six-segment patterns', () => {
  it('matches an exact ARN and nothing else', () => {
    expect(matches('arn:aws:s3:::bucket', 'arn:aws:s3:::bucket')).toBe(true);
    expect(matches('arn:aws:s3:::bucket', 'arn:aws:s3:::bucket2')).toBe(false);
    expect(matches('arn:aws:s3:::bucket', 'arn:aws:s3:::Bucket')).toBe(false);
  });

  it('matches each segment with its own wildcards', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_ARN — "each of the six colon-delimited components is checked separately and each can include * or ?"
    expect(matches('arn:aws:ec2:*:123456789012:instance/*', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1')).toBe(true);
    expect(matches('arn:aws:ec2:*:123456789012:instance/*', 'arn:aws:ec2:us-east-1:999999999999:instance/i-1')).toBe(false);
    expect(matches('arn:aws:ec2:us-east-?:*:instance/*', 'arn:aws:ec2:us-east-2:1:instance/i')).toBe(true);
    expect(matches('arn:aws:ec2:us-east-?:*:instance/*', 'arn:aws:ec2:us-east-10:1:instance/i')).toBe(false);
  });

  it('a * in the region does not swallow the account', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_ARN — matching is per segment, so a wildcard cannot cross a colon into the next segment
    // The whole-string glob "arn:aws:sqs:*:123456789012:queue" would match this text; per-segment matching must not.
    const target = 'arn:aws:sqs:us-east-1:999999999999:123456789012:queue';
    expect(matches('arn:aws:sqs:*:123456789012:queue', target)).toBe(false);
    expect(matches('arn:aws:sqs:*:123456789012:queue', 'arn:aws:sqs:us-east-1:123456789012:queue')).toBe(true);
  });

  it('a * segment matches an empty segment', () => {
    expect(matches('arn:aws:s3:*:*:bucket', 'arn:aws:s3:::bucket')).toBe(true);
    expect(matches('arn:*:*:*:*:*', 'arn:aws:s3:::bucket')).toBe(true);
  });

  it('the resource segment may contain colons, on both sides', () => {
    // AWS: reference-arns.html — "some resource ARNs include colons within the resource part"
    const pattern = 'arn:aws:logs:us-east-1:123456789012:log-group:my-group:*';
    expect(matches(pattern, 'arn:aws:logs:us-east-1:123456789012:log-group:my-group:log-stream:abc')).toBe(true);
    expect(matches(pattern, 'arn:aws:logs:us-east-1:123456789012:log-group:other:log-stream:abc')).toBe(false);
    expect(matches('arn:aws:logs:us-east-1:123456789012:log-group:g', 'arn:aws:logs:us-east-1:123456789012:log-group:g')).toBe(true);
    expect(matches('arn:aws:logs:us-east-1:123456789012:log-group:g', 'arn:aws:logs:us-east-1:123456789012:log-group:g:x')).toBe(false);
  });

  it('is case-sensitive', () => {
    // AWS: reference_policies_elements_condition_operators.html#Conditions_ARN — "ArnLike: case-sensitive matching of the ARN"
    expect(matches('arn:aws:iam::123456789012:role/admin', 'arn:aws:iam::123456789012:role/Admin')).toBe(false);
  });

  it('never matches a non-ARN target', () => {
    expect(matches('arn:aws:s3:::*', '*')).toBe(false);
    expect(matches('arn:*:*:*:*:*', 'bucket')).toBe(false);
    expect(matches('arn:*:*:*:*:*', 'arn:aws:s3')).toBe(false);
  });

  it('splits literal tokens at colons even when they came from separate tokens', () => {
    // tokens as a resolved policy variable would produce them: the ARN arrives as one literal string
    const matcher = compileArnPattern(['arn:aws:iam::', '123456789012', ':user/', ANY_SEQUENCE]);
    expect(matcher(toArnTarget('arn:aws:iam::123456789012:user/alice'))).toBe(true);
    expect(matcher(toArnTarget('arn:aws:iam::123456789013:user/alice'))).toBe(false);
  });

  it('a literal "*" token (from ${*}) is not a wildcard inside a segment', () => {
    const matcher = compileArnPattern(['arn:aws:s3:::bucket/', '*']);
    expect(matcher(toArnTarget('arn:aws:s3:::bucket/*'))).toBe(true);
    expect(matcher(toArnTarget('arn:aws:s3:::bucket/key'))).toBe(false);
  });
});

describe('compileArnPattern: shortened patterns', () => {
  it('"arn:aws:s3:*" spans the rest of every S3 ARN', () => {
    // AWS: reference_policies_elements_resource.html — "If the wildcard (*) is the last character of a resource ARN segment, it can expand to match beyond colon boundaries"
    expect(matches('arn:aws:s3:*', 'arn:aws:s3:::bucket/key')).toBe(true);
    expect(matches('arn:aws:s3:*', 'arn:aws:s3:us-east-1:123456789012:accesspoint/ap')).toBe(true);
    expect(matches('arn:aws:s3:*', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1')).toBe(false);
    expect(matches('arn:aws:s3:*', 'arn:aws-cn:s3:::bucket')).toBe(false);
    expect(matches('arn:aws:s3:*', 'bucket')).toBe(false);
  });

  it('a prefix in the last written segment still has to match', () => {
    expect(matches('arn:aws:ec2:us-*', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1')).toBe(true);
    expect(matches('arn:aws:ec2:us-*', 'arn:aws:ec2:eu-west-1:123456789012:instance/i-1')).toBe(false);
  });

  it('a five-segment pattern ending in * spans the resource part', () => {
    expect(matches('arn:aws:iam::123456789012*', 'arn:aws:iam::123456789012:role/admin')).toBe(true);
    expect(matches('arn:aws:iam::123456789012*', 'arn:aws:iam::999999999999:role/admin')).toBe(false);
  });

  it('a shortened pattern that does not end with * matches nothing', () => {
    expect(matches('arn:aws:s3:x', 'arn:aws:s3:x::')).toBe(false);
    expect(matches('arn:aws:s3:x', 'arn:aws:s3:x')).toBe(false);
    expect(matches('arn:aws:s3:*x', 'arn:aws:s3:::x')).toBe(false);
  });
});

describe('compileArnPattern: non-ARN patterns', () => {
  it('"*" matches anything, ARN or not', () => {
    expect(matches('*', 'arn:aws:s3:::bucket')).toBe(true);
    expect(matches('*', 'bucket')).toBe(true);
    expect(matches('*', '')).toBe(true);
    expect(matches('*', '*')).toBe(true);
  });

  it('a pattern that is not ARN-shaped is matched as a plain glob over the whole text', () => {
    expect(matches('bucket*', 'bucket-1')).toBe(true);
    expect(matches('bucket*', 'arn:aws:s3:::bucket-1')).toBe(false);
    expect(matches('ARN:aws:s3:::b', 'ARN:aws:s3:::b')).toBe(true);
    expect(matches('ARN:aws:s3:::b', 'arn:aws:s3:::b')).toBe(false);
  });
});

describe('compileArnPattern: the shortcuts agree with matching segment by segment', () => {
  it('a literal full ARN is one comparison of the whole text, case-sensitive', () => {
    expect(matches('arn:aws:logs:us-east-1:123456789012:log-group:app:x', 'arn:aws:logs:us-east-1:123456789012:log-group:app:x')).toBe(true);
    expect(matches('arn:aws:logs:us-east-1:123456789012:log-group:app:x', 'arn:aws:logs:us-east-1:123456789012:log-group:App:x')).toBe(false);
    expect(matches('arn:aws:s3:::', 'arn:aws:s3:::')).toBe(true);
  });

  it('a literal shortened ARN (three to five segments) matches nothing, not even its own text', () => {
    expect(matches('arn:aws:s3', 'arn:aws:s3')).toBe(false);
    expect(matches('arn:aws:s3:us-east-1', 'arn:aws:s3:us-east-1')).toBe(false);
    expect(matches('arn:aws:s3:us-east-1:123456789012', 'arn:aws:s3:us-east-1:123456789012')).toBe(false);
  });

  it('a literal that is not ARN-shaped matches only its own text', () => {
    expect(matches('arn:x', 'arn:x')).toBe(true);
    expect(matches('bucket', 'bucket')).toBe(true);
    expect(matches('bucket', 'Bucket')).toBe(false);
  });

  it('wildcards in the resource segment only: the first five segments must equal, the target must be an ARN', () => {
    expect(matches('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b.txt')).toBe(true);
    expect(matches('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket2/a')).toBe(false);
    expect(matches('arn:aws:s3:::bucket/*', 'arn:aws:s3:us-east-1::bucket/a')).toBe(false);
    expect(matches('arn:aws:s3:::bucket/*', 'arn:aws:s3::x:bucket/a')).toBe(false);
    expect(matches('arn:aws:s3:a:b:*', 'arn:aws:s3:a:bc:d')).toBe(false);
    expect(matches('arn:aws:s3:::bucket/?.txt', 'arn:aws:s3:::bucket/a.txt')).toBe(true);
    expect(matches('arn:aws:s3:::bucket/?.txt', 'arn:aws:s3:::bucket/ab.txt')).toBe(false);
    expect(matches('arn:aws:logs:us-east-1:1:log-group:app:*', 'arn:aws:logs:us-east-1:1:log-group:app:log-stream:x')).toBe(true);
    expect(matches('arn:aws:s3:::*', 'arn:aws:s3:::')).toBe(true);
  });

  // A reference model written from AWS's rule and nothing else: split both at the first five colons,
  // match each segment as a whole-string glob (a RegExp), and let a trailing * of a shortened pattern
  // take the rest of the target.
  function reference(pattern: string, target: string): boolean {
    const glob = (text: string) =>
      new RegExp(
        `^${text
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^]*')
          .replace(/\?/g, '[^]')}$`,
      );
    const split = (text: string) => {
      const parts = text.split(':');
      return parts.length <= 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(':')];
    };
    const patternParts = split(pattern);
    if (patternParts.length < 3 || patternParts[0] !== 'arn') return glob(pattern).test(target);
    const targetParts = split(target);
    if (targetParts.length < 6 || targetParts[0] !== 'arn') return false;
    if (patternParts.length === 6) return patternParts.every((part, i) => glob(part).test(targetParts[i]!));
    const last = patternParts.length - 1;
    if (!patternParts[last]!.endsWith('*')) return false;
    return patternParts.slice(0, last).every((part, i) => glob(part).test(targetParts[i]!)) && glob(patternParts[last]!).test(targetParts.slice(last).join(':'));
  }

  it('on every pattern and target built from a small alphabet of ARN pieces', () => {
    const pieces = ['arn', 'aws', 's3', '', 'a', 'A', 'b/c', '*', '?', 'a*', '*b', ':', 'x:y'];
    const text = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 9 }).map((parts) => parts.join(':'));
    // Targets near their pattern: each wildcard filled in, and sometimes one character changed or inserted.
    const fill = (pattern: string) =>
      fc
        .tuple(fc.array(fc.constantFrom('', 'a', 'A', ':', 'x:y', 'b/c'), { minLength: 16, maxLength: 16 }), fc.nat(), fc.constantFrom(undefined, '', 'a', ':'), fc.boolean())
        .map(([fillers, at, change, insert]) => {
          let i = 0;
          const filled = pattern.replace(/[*?]/g, (wildcard) => (wildcard === '?' ? fillers[i++ % 16]!.charAt(0) || 'a' : fillers[i++ % 16]!));
          if (change === undefined || filled.length === 0) return filled;
          const position = at % filled.length;
          return filled.slice(0, position) + change + filled.slice(insert ? position : position + 1);
        });
    const patternAndTarget = fc.oneof(
      fc.tuple(text, text),
      text.chain((pattern) => fc.tuple(fc.constant(pattern), fill(pattern))),
    );
    let matched = 0;
    fc.assert(
      fc.property(patternAndTarget, ([pattern, target]) => {
        fc.pre(!/[*?]/.test(target));
        const expected = reference(pattern, target);
        if (expected) matched++;
        expect(matches(pattern, target)).toBe(expected);
      }),
      { seed: 17, numRuns: 10_000 },
    );
    expect(matched).toBeGreaterThan(1000);
  });
});
