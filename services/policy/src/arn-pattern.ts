import { ARN_SEGMENT_COUNT, splitArn } from './arn.js';
import { ANY_SEQUENCE, compileGlob, type GlobToken, type StringMatcher } from './wildcard.js';

/**
 * ARN patterns, as the Resource element and the Arn* condition operators match them: each of the
 * six colon-delimited segments is matched on its own, so a `*` in the region cannot swallow the
 * account. The resource segment is everything after the fifth colon and may hold colons itself.
 * AWS adds: "If the wildcard (*) is the last character of a resource ARN segment, it can expand to
 * match beyond colon boundaries", which is what makes a shortened pattern such as `arn:aws:s3:*`
 * cover every S3 ARN.
 */
export interface ArnTarget {
  readonly text: string;
  /** The six segments, or `undefined` when the text is not an ARN (e.g. the resource "*"). */
  readonly segments: readonly string[] | undefined;
}

export type ArnMatcher = (target: ArnTarget) => boolean;

export function toArnTarget(text: string): ArnTarget {
  return { text, segments: splitArn(text) };
}

/** Splits tokens at the first five literal colons. */
function splitTokens(tokens: readonly GlobToken[]): GlobToken[][] {
  const segments: GlobToken[][] = [[]];
  for (const token of tokens) {
    if (typeof token !== 'string') {
      segments[segments.length - 1]!.push(token);
      continue;
    }
    let rest = token;
    let colon = rest.indexOf(':');
    while (colon >= 0 && segments.length < ARN_SEGMENT_COUNT) {
      if (colon > 0) segments[segments.length - 1]!.push(rest.slice(0, colon));
      segments.push([]);
      rest = rest.slice(colon + 1);
      colon = rest.indexOf(':');
    }
    if (rest) segments[segments.length - 1]!.push(rest);
  }
  return segments;
}

export function compileArnPattern(tokens: readonly GlobToken[]): ArnMatcher {
  const only = tokens.length === 1 ? tokens[0] : undefined;
  if (typeof only === 'string') return compileLiteralArn(only);
  const segments = splitTokens(tokens);
  const first = segments[0];
  const isArnShaped = segments.length >= 3 && first?.length === 1 && first[0] === 'arn';
  if (!isArnShaped) {
    const whole = compileGlob(tokens);
    return (target) => whole(target.text);
  }
  if (segments.length === ARN_SEGMENT_COUNT) {
    const literalPrefix = literalSegmentsPrefix(segments);
    if (literalPrefix !== undefined) {
      // Only the resource segment has a wildcard: the first five segments are one prefix comparison.
      const resource = compileGlob(segments[ARN_SEGMENT_COUNT - 1]!);
      return (target) => target.segments !== undefined && target.text.startsWith(literalPrefix) && resource(target.segments[ARN_SEGMENT_COUNT - 1]!);
    }
  }
  const matchers: StringMatcher[] = segments.map((segment) => compileGlob(segment));
  if (segments.length === ARN_SEGMENT_COUNT) {
    return (target) => {
      const targetSegments = target.segments;
      if (targetSegments === undefined) return false;
      for (let i = 0; i < ARN_SEGMENT_COUNT; i++) {
        if (!matchers[i]!(targetSegments[i]!)) return false;
      }
      return true;
    };
  }
  const last = segments[segments.length - 1]!;
  if (last[last.length - 1] !== ANY_SEQUENCE) return () => false;
  const lastIndex = segments.length - 1;
  return (target) => {
    const targetSegments = target.segments;
    if (targetSegments === undefined) return false;
    for (let i = 0; i < lastIndex; i++) {
      if (!matchers[i]!(targetSegments[i]!)) return false;
    }
    return matchers[lastIndex]!(targetSegments.slice(lastIndex).join(':'));
  };
}

/**
 * A pattern of one literal token (no wildcard, no escape, no substituted value). A full ARN (six segments) matches exactly the ARN of the same text,
 * since the segments of equal texts are equal; so does any text that is not ARN-shaped. An
 * ARN-shaped text of three to five segments matches nothing: only a trailing `*` lets a shortened
 * pattern reach past its last colon.
 */
function compileLiteralArn(text: string): ArnMatcher {
  if (text.startsWith('arn:')) {
    let colons = 0;
    for (let i = text.indexOf(':'); i >= 0 && colons < ARN_SEGMENT_COUNT - 1; i = text.indexOf(':', i + 1)) colons++;
    if (colons >= 2 && colons < ARN_SEGMENT_COUNT - 1) return () => false;
  }
  return (target) => target.text === text;
}

/** The text of the first five segments and their colons, when none of them holds a wildcard. */
function literalSegmentsPrefix(segments: readonly (readonly GlobToken[])[]): string | undefined {
  let prefix = '';
  for (let i = 0; i < ARN_SEGMENT_COUNT - 1; i++) {
    for (const token of segments[i]!) {
      if (typeof token !== 'string') return undefined;
      prefix += token;
    }
    prefix += ':';
  }
  return prefix;
}
