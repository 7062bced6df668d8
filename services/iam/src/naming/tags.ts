import { characterCount, checkCharacters, checkLength, type CheckResult } from './rules.js';

/**
 * IAM tag rules. Sources, as of this writing:
 *   - IAM API Reference, `Tag` data type: `Key` 1–128 and `Value` 0–256 characters, both of
 *     pattern `[\p{L}\p{Z}\p{N}_.:/=+\-@]`; TagUser/TagRole `Tags`: at most 50 items.
 *   - IAM API Reference, UntagUser/UntagRole (and every other Untag action): `TagKeys` is a list
 *     of at most 50 keys, each 1–128 characters of the same pattern.
 *   - IAM User Guide, "IAM and AWS STS quotas": 50 tags per user, role, customer managed policy
 *     and other taggable IAM resources.
 *   - IAM User Guide, "Tagging IAM resources" (id_tags): "You cannot create a tag key or value
 *     that begins with the text aws:"; tag keys on IAM users and roles are not case sensitive
 *     (case is preserved, but `Department` and `department` are the same key), while on other IAM
 *     resources (customer managed policies, instance profiles, …) they are.
 */

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface CheckTagsOptions {
  /**
   * Whether keys differing only in case are distinct. `false` (the default) is IAM's rule for
   * users and roles; pass `true` for customer managed policies and other IAM resources.
   */
  readonly caseSensitiveKeys?: boolean;
}

export const TAG_LIMITS = Object.freeze({
  tagsPerEntity: 50,
  keysPerUntag: 50,
  keyMin: 1,
  keyMax: 128,
  valueMin: 0,
  valueMax: 256,
  reservedPrefix: 'aws:',
});

const TAG_CHARACTER = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]$/u;
const TAG_CHARACTERS = 'letters, numbers, spaces and the characters _ . : / = + - @';

function label(index: number, key: string, list = 'Tags'): string {
  // Keys are not secret; show a short one to help find it, but never more than 40 characters.
  return characterCount(key) <= 40 && [...key].every((c) => TAG_CHARACTER.test(c)) ? `${list}[${index}] (${JSON.stringify(key)})` : `${list}[${index}]`;
}

function hasReservedPrefix(text: string): boolean {
  return text.slice(0, TAG_LIMITS.reservedPrefix.length).toLowerCase() === TAG_LIMITS.reservedPrefix;
}

/**
 * Checks tags about to be put on an entity. `existingCount` is how many tags the entity already
 * has that this request will not overwrite (tags whose keys are not among `tags`); the total may
 * not exceed 50.
 */
/** Whether an entry is a {key, value} pair of strings (the list may come unchecked from a caller). */
function isTag(entry: unknown): entry is Tag {
  return entry !== null && typeof entry === 'object' && 'key' in entry && typeof entry.key === 'string' && 'value' in entry && typeof entry.value === 'string';
}

export function checkTags(tags: readonly Tag[], existingCount = 0, options: CheckTagsOptions = {}): CheckResult {
  if (!Array.isArray(tags)) return 'Tags must be a list of {key, value} pairs.';
  if (!Number.isInteger(existingCount) || existingCount < 0) return 'existingCount must be a whole number of tags, 0 or more.';

  const total = existingCount + tags.length;
  if (total > TAG_LIMITS.tagsPerEntity) {
    const breakdown = existingCount > 0 ? ` (${existingCount} already there and ${tags.length} new)` : '';
    return `An entity can have at most ${TAG_LIMITS.tagsPerEntity} tags; this would give it ${total}${breakdown}.`;
  }

  const seen = new Map<string, number>();
  for (const [index, tag] of tags.entries()) {
    if (!isTag(tag)) {
      return `Tags[${index}] must have a string key and a string value.`;
    }
    const { key, value } = tag;
    const keyElement = `${label(index, key)} key`;
    const valueElement = `${label(index, key)} value`;
    const problem =
      checkLength(keyElement, key, TAG_LIMITS.keyMin, TAG_LIMITS.keyMax) ??
      checkCharacters(keyElement, key, TAG_CHARACTER, TAG_CHARACTERS) ??
      (hasReservedPrefix(key) ? `${keyElement} must not begin with "aws:" in any case; that prefix is reserved for AWS.` : undefined) ??
      checkLength(valueElement, value, TAG_LIMITS.valueMin, TAG_LIMITS.valueMax) ??
      checkCharacters(valueElement, value, TAG_CHARACTER, TAG_CHARACTERS) ??
      (hasReservedPrefix(value) ? `${valueElement} must not begin with "aws:" in any case; that prefix is reserved for AWS.` : undefined);
    if (problem !== undefined) return problem;

    const identity = options.caseSensitiveKeys === true ? key : key.toLowerCase();
    const earlier = seen.get(identity);
    if (earlier !== undefined) {
      const how = options.caseSensitiveKeys === true ? 'the same key' : 'the same key (tag keys are not case sensitive)';
      return `${label(index, key)} has ${how} as Tags[${earlier}]; each key may appear only once.`;
    }
    seen.set(identity, index);
  }
  return undefined;
}

/**
 * Checks the keys of an untag request: AWS refuses the whole request when the list has more than
 * 50 keys or any key breaks the `Tag` key rules (length and characters). A key the entity does not
 * have is not an error; nor is one beginning with "aws:", which no entity can have.
 */
export function checkTagKeys(tagKeys: readonly string[]): CheckResult {
  if (!Array.isArray(tagKeys)) return 'TagKeys must be a list of tag keys.';
  if (tagKeys.length > TAG_LIMITS.keysPerUntag) {
    return `TagKeys can list at most ${TAG_LIMITS.keysPerUntag} keys; it lists ${tagKeys.length}.`;
  }
  for (const [index, key] of tagKeys.entries()) {
    if (typeof key !== 'string') return `TagKeys[${index}] must be a string.`;
    const element = label(index, key, 'TagKeys');
    const problem = checkLength(element, key, TAG_LIMITS.keyMin, TAG_LIMITS.keyMax) ?? checkCharacters(element, key, TAG_CHARACTER, TAG_CHARACTERS);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * The tags of a tag request that would change an entity whose keys are not case sensitive (users
 * and roles): those whose key it lacks, or has with another value or another spelling (the new
 * spelling replaces the old). Tagging with tags it already has changes nothing and records nothing.
 */
export function tagsThatChange(current: readonly Tag[], tags: readonly Tag[]): Tag[] {
  const held = new Map(current.map((tag) => [tag.key.toLowerCase(), tag]));
  return tags.filter((tag) => {
    const existing = held.get(tag.key.toLowerCase());
    return existing === undefined || existing.key !== tag.key || existing.value !== tag.value;
  });
}

/**
 * The keys of an untag request that name a tag the entity has (keys not case sensitive, as on users
 * and roles), each tag once, in the request's spelling. Untagging a key it lacks changes nothing.
 */
export function tagKeysThatRemove(current: readonly Tag[], tagKeys: readonly string[]): string[] {
  const held = new Set(current.map((tag) => tag.key.toLowerCase()));
  const removed = new Set<string>();
  return tagKeys.filter((key) => {
    const identity = key.toLowerCase();
    if (!held.has(identity) || removed.has(identity)) return false;
    removed.add(identity);
    return true;
  });
}

/** An entity's tags after a tag request (keys not case sensitive): each new tag replaces the one it matches. */
export function withTags(current: readonly Tag[], tags: readonly Tag[]): Tag[] {
  const keys = new Set(tags.map((tag) => tag.key.toLowerCase()));
  return [...current.filter((tag) => !keys.has(tag.key.toLowerCase())), ...tags];
}

/** An entity's tags after an untag request (keys not case sensitive). */
export function withoutTagKeys(current: readonly Tag[], tagKeys: readonly string[]): Tag[] {
  const keys = new Set(tagKeys.map((key) => key.toLowerCase()));
  return current.filter((tag) => !keys.has(tag.key.toLowerCase()));
}

/**
 * The same three steps for an IAM resource whose tag keys are case sensitive (IAM's rule for
 * resources other than users and roles: OpenID Connect and SAML providers): `Team` and `team` are
 * two tags.
 */
export const caseSensitiveTags = Object.freeze({
  /** The tags of a tag request that would change the resource: those it lacks, or holds with another value. */
  thatChange(current: readonly Tag[], tags: readonly Tag[]): Tag[] {
    const held = new Map(current.map((tag) => [tag.key, tag.value]));
    return tags.filter((tag) => held.get(tag.key) !== tag.value);
  },
  /** The keys of an untag request that name a tag the resource has, each once. */
  keysThatRemove(current: readonly Tag[], tagKeys: readonly string[]): string[] {
    const held = new Set(current.map((tag) => tag.key));
    return [...new Set(tagKeys.filter((key) => held.has(key)))];
  },
  /** The tags after a tag event (each new tag replaces the one of its key) or an untag event. */
  afterChange(tags: readonly Tag[], change: { readonly tags: readonly Tag[] } | { readonly tagKeys: readonly string[] }): Tag[] {
    if ('tags' in change) {
      const replaced = new Set(change.tags.map((tag) => tag.key));
      return [...tags.filter((tag) => !replaced.has(tag.key)), ...change.tags];
    }
    const removed = new Set(change.tagKeys);
    return tags.filter((tag) => !removed.has(tag.key));
  },
  /** How many of the resource's tags a tag request leaves in place (the rest it replaces): what checkTags counts as existing. */
  keptBy(current: readonly Tag[], tags: readonly Tag[]): number {
    const replaced = new Set(tags.map((tag) => tag.key));
    return current.filter((tag) => !replaced.has(tag.key)).length;
  },
});
