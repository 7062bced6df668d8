import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';
import { type EncryptedSecret, Keyring, type WrappedDataKey } from '../crypto/index.js';

/**
 * The keyring as running processes use it: the data keys of the store, reloaded when another
 * process rotates them. Encryption uses the active key as last loaded (an older active key is still
 * valid); decryption of a secret under a key this process has not seen yet reloads first, so
 * secrets made under a newer key work everywhere.
 */
export interface SecretCipher {
  readonly activeKeyId: string;
  encrypt(plaintext: string, context: string): EncryptedSecret;
  decrypt(secret: EncryptedSecret, context: string): string;
  /** Whether the key is loaded. */
  knows(keyId: string): boolean;
  /**
   * Makes sure the key is loaded (reloading the keyring if it is not). Call it outside any
   * transaction: the reload reads the store, and the embedded store has one connection.
   */
  ensure(keyId: string): Promise<void>;
}

export class LiveKeyring implements SecretCipher {
  private current: Keyring;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly masterKey: Buffer,
    initial: Keyring,
  ) {
    this.current = initial;
  }

  static async load(db: Kysely<Database>, masterKey: Buffer): Promise<LiveKeyring> {
    return new LiveKeyring(db, masterKey, await readKeyring(db, masterKey));
  }

  get activeKeyId(): string {
    return this.current.activeKeyId;
  }

  get keyIds(): readonly string[] {
    return this.current.keyIds;
  }

  encrypt(plaintext: string, context: string): EncryptedSecret {
    return this.current.encrypt(plaintext, context);
  }

  decrypt(secret: EncryptedSecret, context: string): string {
    return this.current.decrypt(secret, context);
  }

  knows(keyId: string): boolean {
    return this.current.hasKey(keyId);
  }

  async ensure(keyId: string): Promise<void> {
    if (!this.current.hasKey(keyId)) await this.reload();
  }

  async reload(): Promise<void> {
    this.current = await readKeyring(this.db, this.masterKey);
  }

  /**
   * Whether this process can encrypt under the data key the store calls active now: that key is
   * loaded (reloaded if a rotation elsewhere made a new one) and unwraps under this process's master
   * key. Rejects otherwise, e.g. when replicas were started with different master keys.
   */
  async checkActiveKey(): Promise<void> {
    const active = await this.db.selectFrom('keyring_keys').select('key_id').where('active', '=', true).executeTakeFirst();
    if (!active) throw new Error('the keyring has no active data key');
    await this.ensure(active.key_id);
    if (!this.knows(active.key_id)) throw new Error(`the active data key ${active.key_id} is not loaded`);
  }

  /**
   * Reloads every `everyMs` so that a process encrypts under the newest active key within that
   * time of a rotation made elsewhere (retiring old keys waits longer than this). Returns a stop.
   */
  reloadPeriodically(everyMs: number, onError: (error: unknown) => void): () => void {
    const timer = setInterval(() => void this.reload().catch(onError), everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** A new data key, wrapped under the master key (for a rotation to record as an event). */
  newDataKey(keyId: string, createdAt: Date): WrappedDataKey {
    return Keyring.generateDataKey(this.masterKey, keyId, createdAt);
  }

  toJSON(): { activeKeyId: string; keyIds: readonly string[] } {
    return { activeKeyId: this.activeKeyId, keyIds: this.keyIds };
  }
}

async function readKeyring(db: Kysely<Database>, masterKey: Buffer): Promise<Keyring> {
  const rows = await db.selectFrom('keyring_keys').selectAll().orderBy('created_at').execute();
  const active = rows.find((row) => row.active);
  if (!active) throw new Error('the keyring has no active data key: run the server once to bootstrap the store');
  return Keyring.create(
    masterKey,
    rows.map((row) => ({ keyId: row.key_id, wrapped: row.wrapped, createdAt: new Date(row.created_at).toISOString() })),
    active.key_id,
  );
}
