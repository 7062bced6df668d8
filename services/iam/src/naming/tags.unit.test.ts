import { describe, expect, it } from 'vitest';
import { caseSensitiveTags, checkTagKeys, checkTags, type Tag, tagKeysThatRemove, tagsThatChange } from './tags.js';

/*
 * Sources:
 *   [TAG] IAM API Reference, Tag data type: Key 1–128, Value 0–256, both [\p{L}\p{Z}\p{N}_.:/=+\-@].
 *   [Q]   IAM User Guide, "IAM and AWS STS quotas": "Tags that can be attached to an IAM user | 50"
 *         (likewise roles, customer managed policies, …); "Tag key 128 characters", "Tag value
 *         256 characters … Tag values can be empty".
 *   [ID]  IAM User Guide, "Tagging IAM resources" (id_tags): "You cannot create a tag key or value
 *         that begins with the text aws:"; "Tag key values for IAM users and roles are not case
 *         sensitive … you cannot have separate Department and department tag keys"; for other IAM
 *         resource types tag keys are case sensitive.
 *   [UNTAG] IAM API Reference, UntagUser / UntagRole: TagKeys, at most 50 items, each 1–128 of the
 *         Tag key pattern.
 */

const tag = (key: string, value = ''): Tag => ({ key, value });
const many = (n: number, prefix = 'k'): Tag[] => Array.from({ length: n }, (_, i) => tag(`${prefix}${i}`, `v${i}`));

describe('how many tags', () => {
  it('accepts none and 50 ([Q] 50 per entity)', () => {
    expect(checkTags([])).toBeUndefined();
    expect(checkTags(many(50))).toBeUndefined();
  });

  it('rejects 51', () => {
    expect(checkTags(many(51))).toBe('An entity can have at most 50 tags; this would give it 51.');
  });

  it('counts the tags already on the entity', () => {
    expect(checkTags(many(10), 40)).toBeUndefined();
    expect(checkTags(many(11), 40)).toBe('An entity can have at most 50 tags; this would give it 51 (40 already there and 11 new).');
    expect(checkTags([], 50)).toBeUndefined();
  });

  it('refuses a nonsensical existing count', () => {
    expect(checkTags([], -1)).toBe('existingCount must be a whole number of tags, 0 or more.');
    expect(checkTags([], 1.5)).toBe('existingCount must be a whole number of tags, 0 or more.');
  });
});

describe('tag keys', () => {
  it('accepts 1 and 128 characters ([TAG] Key 1–128)', () => {
    expect(checkTags([tag('k')])).toBeUndefined();
    expect(checkTags([tag('k'.repeat(128))])).toBeUndefined();
  });

  it('rejects an empty key and 129 characters', () => {
    expect(checkTags([tag('')])).toBe('Tags[0] ("") key must be 1 to 128 characters long; it is empty.');
    expect(checkTags([tag('ok'), tag('k'.repeat(129))])).toBe('Tags[1] key must be 1 to 128 characters long; it is 129.');
  });

  it('counts characters, not UTF-16 units', () => {
    const astral = '𝒜'; // U+1D49C MATHEMATICAL SCRIPT CAPITAL A, a letter (\p{L}), two UTF-16 units
    expect(checkTags([tag(astral.repeat(128))])).toBeUndefined();
    expect(checkTags([tag(astral.repeat(129))])).toBe('Tags[0] key must be 1 to 128 characters long; it is 129.');
  });

  it('accepts Unicode letters, numbers, spaces and _ . : / = + - @ ([TAG] pattern)', () => {
    expect(checkTags([tag('Cost Center'), tag('team:platform/infra'), tag('a_b.c=d+e-f@g'), tag('Abteilung Ärzte'), tag('部署'), tag('٣٤'), tag('x\u3000y')])).toBeUndefined();
  });

  it.each([
    ['an asterisk', 'cost*center', '"*" (U+002A) at position 5'],
    ['a comma', 'a,b', '"," (U+002C) at position 2'],
    ['a tab (not \\p{Z})', 'a\tb', 'U+0009 at position 2'],
    ['a newline', 'a\nb', 'U+000A at position 2'],
    ['an emoji (a symbol, not a letter)', 'ok👍', '"👍" (U+1F44D) at position 3'],
    ['a hash', '#team', '"#" (U+0023) at position 1'],
  ])('rejects %s', (_why, key, where) => {
    expect(checkTags([tag(key)])).toMatch(
      new RegExp(`^Tags\\[0\\]( \\(.*\\))? key may contain only letters, numbers, spaces and the characters _ \\. : / = \\+ - @; it contains ${escape(where)}\\.$`),
    );
  });

  it.each(['aws:cloudformation:stack-name', 'AWS:x', 'Aws:x', 'aWs:'])('rejects the reserved prefix in %s ([ID], any case)', (key) => {
    expect(checkTags([tag(key)])).toBe(`Tags[0] (${JSON.stringify(key)}) key must not begin with "aws:" in any case; that prefix is reserved for AWS.`);
  });

  it('allows aws without the colon, and aws: later in the key', () => {
    expect(checkTags([tag('aws'), tag('awsTeam'), tag('team:aws:x')])).toBeUndefined();
  });
});

describe('tag values', () => {
  it('accepts empty and 256 characters ([TAG] Value 0–256; [Q] "Tag values can be empty")', () => {
    expect(checkTags([tag('k', '')])).toBeUndefined();
    expect(checkTags([tag('k', 'v'.repeat(256))])).toBeUndefined();
  });

  it('rejects 257 characters', () => {
    expect(checkTags([tag('k', 'v'.repeat(257))])).toBe('Tags[0] ("k") value must be at most 256 characters long; it is 257.');
  });

  it('applies the same character rule as keys', () => {
    expect(checkTags([tag('k', 'arn:aws:iam::111122223333:user/alice')])).toBeUndefined();
    expect(checkTags([tag('k', 'a;b')])).toBe('Tags[0] ("k") value may contain only letters, numbers, spaces and the characters _ . : / = + - @; it contains ";" (U+003B) at position 2.');
  });

  it('rejects the reserved prefix ([ID] "tag key or value that begins with the text aws:")', () => {
    expect(checkTags([tag('k', 'AWS:managed')])).toBe('Tags[0] ("k") value must not begin with "aws:" in any case; that prefix is reserved for AWS.');
  });
});

describe('duplicate keys', () => {
  it('rejects the same key twice', () => {
    expect(checkTags([tag('team', 'a'), tag('env'), tag('team', 'b')])).toBe('Tags[2] ("team") has the same key (tag keys are not case sensitive) as Tags[0]; each key may appear only once.');
  });

  it('rejects keys differing only in case, by default ([ID] users and roles)', () => {
    expect(checkTags([tag('Department', 'finance'), tag('department', 'hr')])).toBe(
      'Tags[1] ("department") has the same key (tag keys are not case sensitive) as Tags[0]; each key may appear only once.',
    );
  });

  it('allows keys differing only in case where keys are case sensitive ([ID] policies and others)', () => {
    expect(checkTags([tag('Costcenter', '1234'), tag('costcenter', '5678')], 0, { caseSensitiveKeys: true })).toBeUndefined();
    expect(checkTags([tag('costcenter'), tag('costcenter')], 0, { caseSensitiveKeys: true })).toBe('Tags[1] ("costcenter") has the same key as Tags[0]; each key may appear only once.');
  });
});

describe('malformed input', () => {
  it('rejects entries without string key and value', () => {
    expect(checkTags([{ key: 'k' } as unknown as Tag])).toBe('Tags[0] must have a string key and a string value.');
    expect(checkTags([null as unknown as Tag])).toBe('Tags[0] must have a string key and a string value.');
    expect(checkTags('k=v' as unknown as Tag[])).toBe('Tags must be a list of {key, value} pairs.');
  });

  it('does not echo long or odd keys back', () => {
    expect(checkTags([tag('x'.repeat(41), 'v'.repeat(300))])).toBe('Tags[0] value must be at most 256 characters long; it is 300.');
  });
});

describe('untag keys ([UNTAG])', () => {
  it('accepts none and 50', () => {
    expect(checkTagKeys([])).toBeUndefined();
    expect(checkTagKeys(many(50).map((t) => t.key))).toBeUndefined();
  });

  it('rejects 51', () => {
    expect(checkTagKeys(many(51).map((t) => t.key))).toBe('TagKeys can list at most 50 keys; it lists 51.');
  });

  it('holds each key to the Tag key rules, naming it by its place', () => {
    expect(checkTagKeys(['team', ''])).toBe('TagKeys[1] ("") must be 1 to 128 characters long; it is empty.');
    expect(checkTagKeys(['k'.repeat(128)])).toBeUndefined();
    expect(checkTagKeys(['k'.repeat(129)])).toBe('TagKeys[0] must be 1 to 128 characters long; it is 129.');
    expect(checkTagKeys(['a\u0000b'])).toMatch(/^TagKeys\[0\] may contain only .*; it contains U\+0000 at position 2\.$/);
  });

  it('does not refuse a key no entity can have', () => {
    expect(checkTagKeys(['aws:createdBy'])).toBeUndefined();
  });

  it('rejects what is not a list of strings', () => {
    expect(checkTagKeys('team' as unknown as string[])).toBe('TagKeys must be a list of tag keys.');
    expect(checkTagKeys([7 as unknown as string])).toBe('TagKeys[0] must be a string.');
  });
});

describe('what a tag request changes ([ID] keys not case sensitive)', () => {
  const held = [tag('team', 'platform'), tag('Owner', 'ana')];

  it('leaves out the tags the entity has, key spelling and value alike', () => {
    expect(tagsThatChange(held, [tag('owner', 'ana'), tag('team', 'platform'), tag('env', '')])).toEqual([tag('owner', 'ana'), tag('env', '')]);
    expect(tagsThatChange(held, [tag('Owner', 'bo'), tag('team', 'platform')])).toEqual([tag('Owner', 'bo')]);
    expect(tagsThatChange(held, [tag('Owner', 'ana'), tag('team', 'platform')])).toEqual([]);
  });

  it('keeps the untag keys that name a tag the entity has, each tag once', () => {
    expect(tagKeysThatRemove(held, ['OWNER', 'env', 'owner', 'team'])).toEqual(['OWNER', 'team']);
    expect(tagKeysThatRemove(held, ['env'])).toEqual([]);
    expect(tagKeysThatRemove([], ['team'])).toEqual([]);
  });
});

describe('what a tag request changes on a resource whose keys are case sensitive (OIDC and SAML providers)', () => {
  const held = [tag('team', 'platform'), tag('Owner', 'ana')];

  it('treats keys differing in case as different tags', () => {
    expect(caseSensitiveTags.thatChange(held, [tag('owner', 'ana'), tag('team', 'platform'), tag('Owner', 'bo')])).toEqual([tag('owner', 'ana'), tag('Owner', 'bo')]);
    expect(caseSensitiveTags.keysThatRemove(held, ['OWNER', 'Owner', 'Owner', 'env'])).toEqual(['Owner']);
    expect(caseSensitiveTags.keptBy(held, [tag('Team', 'x'), tag('Owner', 'x')])).toBe(1);
  });

  it('replaces a tag of the same key and removes only exact keys', () => {
    expect(caseSensitiveTags.afterChange(held, { tags: [tag('Owner', 'bo'), tag('Team', 'x')] })).toEqual([tag('team', 'platform'), tag('Owner', 'bo'), tag('Team', 'x')]);
    expect(caseSensitiveTags.afterChange(held, { tagKeys: ['owner', 'team'] })).toEqual([tag('Owner', 'ana')]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
