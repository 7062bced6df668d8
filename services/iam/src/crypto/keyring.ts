import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { decodeBase64Strict } from './base64.js';

/**
 * Envelope encryption for secrets stored in events (access key secrets, TOTP seeds).
 *
 * A master key (see master-key.ts) wraps data keys; data keys encrypt secrets. Both layers use
 * AES-256-GCM with a fresh random 12-byte IV per encryption:
 *   - a data key is wrapped with the key id as additional authenticated data (AAD), so a wrapped
 *     key cannot be relabelled as another id;
 *   - a secret is encrypted with the caller's `context` (e.g. account id and access key id) as AAD,
 *     so a ciphertext cannot be moved to another record.
 * Rotating means generating a new data key, recording it, and making it active; secrets encrypted
 * under older keys stay readable as long as those keys stay in the keyring.
 */

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A data key as stored: wrapped under the master key. */
export interface WrappedDataKey {
  readonly keyId: string;
  /** base64 of IV (12 bytes) ‖ GCM tag (16 bytes) ‖ encrypted key (32 bytes). */
  readonly wrapped: string;
  /** ISO 8601. */
  readonly createdAt: string;
}

/** A secret as stored: every binary field is base64. */
export interface EncryptedSecret {
  readonly keyId: string;
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

/**
 * A secret or data key could not be decrypted: wrong context, wrong key, unknown key id, or
 * tampered or malformed data. The message names the key id at most, never key material, context
 * or plaintext.
 */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
  readonly keyId: string | undefined;

  constructor(message: string, keyId?: string) {
    super(message);
    this.keyId = keyId;
  }
}

function assertKey(master: Buffer, what: string): void {
  if (!Buffer.isBuffer(master) || master.length !== KEY_BYTES) {
    throw new TypeError(`${what} must be a Buffer of ${KEY_BYTES} bytes`);
  }
}

function assertKeyId(keyId: string): void {
  if (typeof keyId !== 'string' || keyId.length === 0) throw new TypeError('a data key id must be a non-empty string');
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

/** The plaintext, or `undefined` if authentication fails. */
function open(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

function unwrap(master: Buffer, record: WrappedDataKey): Buffer {
  const failed = () => new DecryptionError(`could not unwrap data key ${JSON.stringify(record.keyId)}: wrong master key, or the wrapped key is corrupt`, record.keyId);
  const bytes = decodeBase64Strict(record.wrapped);
  if (bytes === undefined || bytes.length !== IV_BYTES + TAG_BYTES + KEY_BYTES) throw failed();
  const iv = bytes.subarray(0, IV_BYTES);
  const tag = bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const encrypted = bytes.subarray(IV_BYTES + TAG_BYTES);
  const key = open(master, iv, encrypted, tag, Buffer.from(record.keyId, 'utf8'));
  if (key === undefined || key.length !== KEY_BYTES) throw failed();
  return key;
}

export class Keyring {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #activeKeyId: string;

  private constructor(keys: ReadonlyMap<string, Buffer>, activeKeyId: string) {
    this.#keys = keys;
    this.#activeKeyId = activeKeyId;
  }

  /**
   * Unwraps every data key under `master`. Throws `DecryptionError` if one does not unwrap (wrong
   * master key or corrupt record), and `Error` for duplicate ids or an active id not among them.
   */
  static create(master: Buffer, wrapped: readonly WrappedDataKey[], activeKeyId: string): Keyring {
    assertKey(master, 'the master key');
    const keys = new Map<string, Buffer>();
    for (const record of wrapped) {
      assertKeyId(record.keyId);
      if (keys.has(record.keyId)) throw new Error(`data key ${JSON.stringify(record.keyId)} appears twice`);
      keys.set(record.keyId, unwrap(master, record));
    }
    if (!keys.has(activeKeyId)) throw new Error(`the active data key ${JSON.stringify(activeKeyId)} is not among the ${keys.size} data keys given`);
    return new Keyring(keys, activeKeyId);
  }

  /** A new random data key, wrapped under `master`, ready to be recorded. */
  static generateDataKey(master: Buffer, keyId: string, createdAt: Date): WrappedDataKey {
    assertKey(master, 'the master key');
    assertKeyId(keyId);
    if (!(createdAt instanceof Date) || Number.isNaN(createdAt.getTime())) throw new TypeError('createdAt must be a valid Date');
    const key = randomBytes(KEY_BYTES);
    try {
      const { iv, ciphertext, tag } = seal(master, key, Buffer.from(keyId, 'utf8'));
      return { keyId, wrapped: Buffer.concat([iv, tag, ciphertext]).toString('base64'), createdAt: createdAt.toISOString() };
    } finally {
      key.fill(0);
    }
  }

  /** The id of the data key new secrets are encrypted under. */
  get activeKeyId(): string {
    return this.#activeKeyId;
  }

  /** The ids of every data key held, in the order given. */
  get keyIds(): readonly string[] {
    return [...this.#keys.keys()];
  }

  hasKey(id: string): boolean {
    return this.#keys.has(id);
  }

  /** Encrypts `plaintext` under the active data key, bound to `context`. */
  encrypt(plaintext: string, context: string): EncryptedSecret {
    if (typeof plaintext !== 'string') throw new TypeError('plaintext must be a string');
    if (typeof context !== 'string') throw new TypeError('context must be a string');
    const key = this.#keys.get(this.#activeKeyId);
    if (key === undefined) throw new Error('the active data key is missing'); // unreachable: checked in create
    const { iv, ciphertext, tag } = seal(key, Buffer.from(plaintext, 'utf8'), Buffer.from(context, 'utf8'));
    return { keyId: this.#activeKeyId, iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: tag.toString('base64') };
  }

  /**
   * Decrypts a secret encrypted with the same `context`. Throws `DecryptionError` on an unknown
   * key id, malformed fields, a wrong context, or any tampering.
   */
  decrypt(secret: EncryptedSecret, context: string): string {
    if (typeof context !== 'string') throw new TypeError('context must be a string');
    if (secret === null || typeof secret !== 'object' || typeof secret.keyId !== 'string') throw new DecryptionError('malformed encrypted secret');
    const { keyId } = secret;
    const key = this.#keys.get(keyId);
    if (key === undefined) throw new DecryptionError(`no data key ${JSON.stringify(keyId)} in the keyring`, keyId);
    const iv = decodeBase64Strict(secret.iv);
    const tag = decodeBase64Strict(secret.tag);
    const ciphertext = decodeBase64Strict(secret.ciphertext);
    if (iv === undefined || iv.length !== IV_BYTES || tag === undefined || tag.length !== TAG_BYTES || ciphertext === undefined) {
      throw new DecryptionError(`malformed encrypted secret under data key ${JSON.stringify(keyId)}`, keyId);
    }
    const plaintext = open(key, iv, ciphertext, tag, Buffer.from(context, 'utf8'));
    if (plaintext === undefined) {
      throw new DecryptionError(`could not decrypt a secret under data key ${JSON.stringify(keyId)}: wrong context, or the data was altered`, keyId);
    }
    return plaintext.toString('utf8');
  }

  /** Keeps key material out of logs and JSON. */
  toJSON(): { activeKeyId: string; keyIds: readonly string[] } {
    return { activeKeyId: this.#activeKeyId, keyIds: this.keyIds };
  }
}
