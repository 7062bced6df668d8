import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptionError, Keyring, type EncryptedSecret, type WrappedDataKey } from './keyring.js';

const master = randomBytes(32);
const CREATED = new Date('2025-01-02T03:04:05.678Z');
const CONTEXT = 'account=111122223333;accessKeyId=AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function keyring(ids: string[] = ['k1'], active = ids[0]!, key: Buffer = master): { ring: Keyring; records: WrappedDataKey[] } {
  const records = ids.map((id) => Keyring.generateDataKey(key, id, CREATED));
  return { ring: Keyring.create(key, records, active), records };
}

/** Flips one bit of a base64 field's bytes and re-encodes it. */
function flip(field: string, byte = 0): string {
  const bytes = Buffer.from(field, 'base64');
  bytes[byte] = bytes[byte]! ^ 0x01;
  return bytes.toString('base64');
}

function expectDecryptionError(action: () => unknown, message?: RegExp): DecryptionError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DecryptionError);
  const error = caught as DecryptionError;
  expect(error.name).toBe('DecryptionError');
  if (message) expect(error.message).toMatch(message);
  // No secret material, context or key bytes in the message.
  expect(error.message).not.toContain(SECRET);
  expect(error.message).not.toContain(CONTEXT);
  expect(error.message).not.toContain(master.toString('base64'));
  return error;
}

describe('Keyring.generateDataKey', () => {
  it('wraps 32 random bytes as base64 of iv | tag | ciphertext', () => {
    const record = Keyring.generateDataKey(master, 'k1', CREATED);
    expect(record.keyId).toBe('k1');
    expect(record.createdAt).toBe('2025-01-02T03:04:05.678Z');
    expect(Buffer.from(record.wrapped, 'base64')).toHaveLength(12 + 16 + 32);
  });

  it('gives a different wrapped key every time', () => {
    expect(Keyring.generateDataKey(master, 'k1', CREATED).wrapped).not.toBe(Keyring.generateDataKey(master, 'k1', CREATED).wrapped);
  });

  it('refuses a master key of the wrong size, an empty id and an invalid date', () => {
    expect(() => Keyring.generateDataKey(randomBytes(16), 'k1', CREATED)).toThrow('the master key must be a Buffer of 32 bytes');
    expect(() => Keyring.generateDataKey(master, '', CREATED)).toThrow('a data key id must be a non-empty string');
    expect(() => Keyring.generateDataKey(master, 'k1', new Date(Number.NaN))).toThrow('createdAt must be a valid Date');
  });
});

describe('Keyring.create', () => {
  it('holds the given keys and knows the active one', () => {
    const { ring } = keyring(['k1', 'k2'], 'k2');
    expect(ring.activeKeyId).toBe('k2');
    expect(ring.hasKey('k1')).toBe(true);
    expect(ring.hasKey('k2')).toBe(true);
    expect(ring.hasKey('k3')).toBe(false);
    expect(ring.keyIds).toEqual(['k1', 'k2']);
  });

  it('refuses an active key id that is not among the keys', () => {
    const records = [Keyring.generateDataKey(master, 'k1', CREATED)];
    expect(() => Keyring.create(master, records, 'k2')).toThrow('the active data key "k2" is not among the 1 data keys given');
  });

  it('refuses the same key id twice', () => {
    const records = [Keyring.generateDataKey(master, 'k1', CREATED), Keyring.generateDataKey(master, 'k1', CREATED)];
    expect(() => Keyring.create(master, records, 'k1')).toThrow('data key "k1" appears twice');
  });

  it('throws DecryptionError under the wrong master key', () => {
    const records = [Keyring.generateDataKey(master, 'k1', CREATED)];
    const error = expectDecryptionError(() => Keyring.create(randomBytes(32), records, 'k1'), /could not unwrap data key "k1": wrong master key/);
    expect(error.keyId).toBe('k1');
  });

  it('throws DecryptionError for a tampered wrapped key, in its iv, tag or ciphertext', () => {
    const record = Keyring.generateDataKey(master, 'k1', CREATED);
    for (const byte of [0, 12, 28, 59]) {
      expectDecryptionError(() => Keyring.create(master, [{ ...record, wrapped: flip(record.wrapped, byte) }], 'k1'), /could not unwrap/);
    }
  });

  it('throws DecryptionError for a wrapped key relabelled with another id (the id is authenticated)', () => {
    const record = Keyring.generateDataKey(master, 'k1', CREATED);
    expectDecryptionError(() => Keyring.create(master, [{ ...record, keyId: 'k2' }], 'k2'), /could not unwrap data key "k2"/);
  });

  it('throws DecryptionError for a truncated or non-base64 wrapped key', () => {
    const record = Keyring.generateDataKey(master, 'k1', CREATED);
    expectDecryptionError(() => Keyring.create(master, [{ ...record, wrapped: record.wrapped.slice(0, 40) }], 'k1'));
    expectDecryptionError(() => Keyring.create(master, [{ ...record, wrapped: `${record.wrapped}!` }], 'k1'));
  });

  it('keeps key material out of JSON', () => {
    const { ring } = keyring(['k1']);
    expect(JSON.stringify(ring)).toBe('{"activeKeyId":"k1","keyIds":["k1"]}');
  });
});

describe('encrypt and decrypt', () => {
  it('round-trips a secret', () => {
    const { ring } = keyring();
    const secret = ring.encrypt(SECRET, CONTEXT);
    expect(secret.keyId).toBe('k1');
    expect(ring.decrypt(secret, CONTEXT)).toBe(SECRET);
  });

  it('round-trips empty and non-ASCII text', () => {
    const { ring } = keyring();
    expect(ring.decrypt(ring.encrypt('', CONTEXT), CONTEXT)).toBe('');
    expect(ring.decrypt(ring.encrypt('pässwörd 🔑 秘密', ''), '')).toBe('pässwörd 🔑 秘密');
  });

  it('stores base64 fields with a 12-byte iv and a 16-byte tag, and no plaintext', () => {
    const { ring } = keyring();
    const secret = ring.encrypt(SECRET, CONTEXT);
    expect(Buffer.from(secret.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(secret.tag, 'base64')).toHaveLength(16);
    expect(Buffer.from(secret.ciphertext, 'base64')).toHaveLength(Buffer.byteLength(SECRET));
    expect(JSON.stringify(secret)).not.toContain(SECRET);
  });

  it('gives different iv and ciphertext for two encryptions of the same secret', () => {
    const { ring } = keyring();
    const a = ring.encrypt(SECRET, CONTEXT);
    const b = ring.encrypt(SECRET, CONTEXT);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.tag).not.toBe(b.tag);
  });

  it('refuses to decrypt under another context', () => {
    const { ring } = keyring();
    const secret = ring.encrypt(SECRET, CONTEXT);
    expectDecryptionError(() => ring.decrypt(secret, 'account=111122223333;accessKeyId=AKIAI44QH8DHBEXAMPLE'), /wrong context, or the data was altered/);
    expectDecryptionError(() => ring.decrypt(secret, ''));
  });

  it.each(['iv', 'ciphertext', 'tag'] as const)('detects a flipped bit in %s', (field) => {
    const { ring } = keyring();
    const secret = ring.encrypt(SECRET, CONTEXT);
    const tampered: EncryptedSecret = { ...secret, [field]: flip(secret[field]) };
    expectDecryptionError(() => ring.decrypt(tampered, CONTEXT));
  });

  it.each(['iv', 'ciphertext', 'tag'] as const)('detects a textual change to %s that Node would decode to the same bytes', (field) => {
    const { ring } = keyring();
    const secret = ring.encrypt(SECRET, CONTEXT);
    // Node ignores characters outside the alphabet; the strict decoder does not.
    expectDecryptionError(() => ring.decrypt({ ...secret, [field]: `${secret[field]}\n` }, CONTEXT), /malformed encrypted secret/);
  });

  it('detects a truncated ciphertext, tag or iv', () => {
    const { ring } = keyring();
    const secret = ring.encrypt(SECRET, CONTEXT);
    const shorter = (field: string) => Buffer.from(field, 'base64').subarray(1).toString('base64');
    expectDecryptionError(() => ring.decrypt({ ...secret, ciphertext: shorter(secret.ciphertext) }, CONTEXT));
    expectDecryptionError(() => ring.decrypt({ ...secret, tag: shorter(secret.tag) }, CONTEXT), /malformed/);
    expectDecryptionError(() => ring.decrypt({ ...secret, iv: shorter(secret.iv) }, CONTEXT), /malformed/);
  });

  it('detects a secret moved to another key id', () => {
    const { ring } = keyring(['k1', 'k2']);
    const secret = ring.encrypt(SECRET, CONTEXT);
    expectDecryptionError(() => ring.decrypt({ ...secret, keyId: 'k2' }, CONTEXT), /under data key "k2"/);
  });

  it('refuses an unknown key id', () => {
    const { ring } = keyring(['k1']);
    const secret = ring.encrypt(SECRET, CONTEXT);
    const error = expectDecryptionError(() => ring.decrypt({ ...secret, keyId: 'gone' }, CONTEXT), /no data key "gone" in the keyring/);
    expect(error.keyId).toBe('gone');
  });

  it('refuses a secret from a keyring with other data keys', () => {
    const ours = keyring(['k1']).ring;
    const theirs = keyring(['k1']).ring;
    expectDecryptionError(() => ours.decrypt(theirs.encrypt(SECRET, CONTEXT), CONTEXT));
  });

  it('refuses a malformed record', () => {
    const { ring } = keyring();
    expectDecryptionError(() => ring.decrypt(null as unknown as EncryptedSecret, CONTEXT), /malformed encrypted secret/);
  });

  it('keeps old secrets readable after rotation', () => {
    const first = Keyring.generateDataKey(master, 'k1', CREATED);
    const before = Keyring.create(master, [first], 'k1');
    const old = before.encrypt(SECRET, CONTEXT);

    const second = Keyring.generateDataKey(master, 'k2', new Date('2025-06-01T00:00:00Z'));
    const after = Keyring.create(master, [first, second], 'k2');
    const fresh = after.encrypt('another', CONTEXT);
    expect(fresh.keyId).toBe('k2');
    expect(after.decrypt(old, CONTEXT)).toBe(SECRET);
    expect(after.decrypt(fresh, CONTEXT)).toBe('another');
    expectDecryptionError(() => before.decrypt(fresh, CONTEXT), /no data key "k2"/);
  });

  it('survives storage as JSON', () => {
    const { ring, records } = keyring(['k1']);
    const stored = JSON.parse(JSON.stringify(ring.encrypt(SECRET, CONTEXT))) as EncryptedSecret;
    const reloaded = Keyring.create(master, JSON.parse(JSON.stringify(records)) as WrappedDataKey[], 'k1');
    expect(reloaded.decrypt(stored, CONTEXT)).toBe(SECRET);
  });
});
