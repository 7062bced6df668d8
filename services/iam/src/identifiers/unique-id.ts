import { randomBytes } from 'node:crypto';

/**
 * AWS-shaped identifiers.
 *
 * IAM gives every entity a unique id whose first four characters name its kind (IAM User Guide,
 * "IAM identifiers", unique-id prefixes): AIDA a user, AROA a role, AGPA a group, ANPA a managed
 * policy, AIPA an instance profile, AKIA a long-term access key, ASIA a temporary (STS) access key.
 * Entity ids are 21 characters (e.g. `AIDAJQABLZS4A3QDU576Q`), access key ids 20
 * (e.g. `AKIAIOSFODNN7EXAMPLE`); the rest is drawn here from the base32 alphabet `A-Z2-7`.
 *
 * Every generator takes the random source as a parameter so that tests (and replays) can be
 * deterministic; the default is `node:crypto`'s `randomBytes`.
 */

/** A source of random bytes: returns exactly `bytes` bytes. */
export type RandomSource = (bytes: number) => Buffer;

export type UniqueIdPrefix = 'AIDA' | 'AROA' | 'AGPA' | 'ANPA' | 'AKIA' | 'ASIA' | 'AIPA';

export const UNIQUE_ID_PREFIXES: readonly UniqueIdPrefix[] = Object.freeze(['AIDA', 'AROA', 'AGPA', 'ANPA', 'AKIA', 'ASIA', 'AIPA']);

/** Total length of an entity id (user, role, group, policy, instance profile). */
export const ENTITY_ID_LENGTH = 21;
/** Total length of an access key id (`AKIA…` or `ASIA…`). */
export const ACCESS_KEY_ID_LENGTH = 20;
/** Length of a secret access key. */
export const SECRET_ACCESS_KEY_LENGTH = 40;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const ACCESS_KEY_ID = /^A[KS]IA[A-Z2-7]{16}$/;
const ACCOUNT_ID = /^[0-9]{12}$/;

/** How many rounds of rejection sampling to try before deciding the random source is broken. */
const MAX_SAMPLING_ROUNDS = 64;

function isAccessKeyPrefix(prefix: UniqueIdPrefix): boolean {
  return prefix === 'AKIA' || prefix === 'ASIA';
}

function draw(random: RandomSource, count: number): Buffer {
  const bytes = random(count);
  if (!Buffer.isBuffer(bytes) || bytes.length !== count) {
    throw new Error(`random source returned ${Buffer.isBuffer(bytes) ? `${bytes.length} bytes` : 'a non-Buffer'} when asked for ${count}`);
  }
  return bytes;
}

/**
 * Maps each byte onto an alphabet whose size divides 256 (32 or 64), so every character is
 * equally likely: no modulo bias.
 */
function fromAlphabet(alphabet: string, length: number, random: RandomSource): string {
  const mask = alphabet.length - 1;
  const bytes = draw(random, length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte & mask];
  return out;
}

/**
 * `length` decimal digits by rejection sampling (bytes ≥ 250, or ≥ 252 for the 1–9 lead digit,
 * are discarded so every digit is equally likely).
 */
function digits(length: number, random: RandomSource, leadingNonZero: boolean): string {
  let out = '';
  for (let round = 0; round < MAX_SAMPLING_ROUNDS && out.length < length; round++) {
    for (const byte of draw(random, length - out.length)) {
      if (out.length === 0 && leadingNonZero) {
        if (byte < 252) out += String(1 + (byte % 9));
      } else if (byte < 250) {
        out += String(byte % 10);
      }
      if (out.length === length) break;
    }
  }
  if (out.length < length) throw new Error('random source keeps returning unusable bytes');
  return out;
}

/**
 * A new unique id: the prefix followed by base32 characters (`A-Z2-7`), 21 characters in all for
 * entity ids and 20 for access key ids (`AKIA`, `ASIA`).
 */
export function generateUniqueId(prefix: UniqueIdPrefix, random: RandomSource = randomBytes): string {
  if (!UNIQUE_ID_PREFIXES.includes(prefix)) throw new Error(`unknown unique id prefix ${JSON.stringify(prefix)}`);
  const total = isAccessKeyPrefix(prefix) ? ACCESS_KEY_ID_LENGTH : ENTITY_ID_LENGTH;
  return prefix + fromAlphabet(BASE32_ALPHABET, total - prefix.length, random);
}

/** A new secret access key: 40 characters of the base64 alphabet `A-Za-z0-9+/` (240 bits). */
export function generateSecretAccessKey(random: RandomSource = randomBytes): string {
  return fromAlphabet(BASE64_ALPHABET, SECRET_ACCESS_KEY_LENGTH, random);
}

/**
 * A new account id: 12 decimal digits. AWS account ids may begin with 0, but generated ones never
 * do, so they survive tools that read them as numbers.
 */
export function generateAccountId(random: RandomSource = randomBytes): string {
  return digits(12, random, true);
}

/** Whether `text` has the shape of an access key id: `AKIA` or `ASIA` and 16 base32 characters. */
export function isAccessKeyId(text: string): boolean {
  return ACCESS_KEY_ID.test(text);
}

/** Whether `text` has the shape of an AWS account id: exactly 12 decimal digits (a leading 0 is allowed). */
export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}
