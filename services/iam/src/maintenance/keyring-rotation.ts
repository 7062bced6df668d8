import { type Database, streamLockKey } from '@warden/db';
import { type Selectable, sql } from 'kysely';
import { accountDecider } from '../accounts/account.decider.js';

import { newDataKeyId } from '../keyring/data-key-id.js';
import { appendTo, systemWriter } from '../service/write-spec.js';
import type { IamCore } from '../service/iam-core.js';
import { sessionDecider } from '../sessions/session.decider.js';

import { userDecider } from '../users/user.decider.js';

import { mfaDeviceDecider } from '../mfa/mfa-device.decider.js';

import { keyringDecider } from '../keyring/keyring.decider.js';
import { KEYRING_STREAM } from '../keyring/keyring.events.js';
import type { LiveKeyring } from '../keyring/live-keyring.js';
import { mfaSeedContext, passwordContext, rootPasswordContext, secretContext, sessionSecretContext } from '../kernel/encryption-contexts.js';

/**
 * Key rotation, as the workers run it, every step an event:
 * 1. when the active data key is older than the rotation period, a new one is made and becomes
 *    active (`KeyringDataKeyCreated`); older keys stay for decryption;
 * 2. stored secrets under older keys are re-encrypted under the active one, in batches
 *    (`AccessKeySecretReencrypted`, `RootAccessKeySecretReencrypted`, `SessionSecretReencrypted`,
 *    `PasswordHashReencrypted`, `RootPasswordHashReencrypted`, `MFASeedReencrypted`).
 * Secrets made under an older key keep working throughout: decryption finds every key.
 */
export interface RotationResult {
  readonly rotated: boolean;
  readonly activeKeyId: string;
}

const METADATA = { actorArn: 'warden:key-rotation' };

export async function rotateKeyringIfDue(core: IamCore, keyring: LiveKeyring, rotationDays: number): Promise<RotationResult> {
  const management = await core.db.selectFrom('accounts').select('account_id').where('is_management', '=', true).executeTakeFirst();
  if (!management) throw new Error('no management account: the store is not bootstrapped');
  const accountId = management.account_id;
  const now = core.clock.now();
  const { events } = await core.write(systemWriter(accountId, METADATA, now), {
    // One rotation at a time, across processes.
    locks: ['global:keyring-rotation', streamLockKey(KEYRING_STREAM)],
    load: (trx) => trx.selectFrom('keyring_keys').select(['key_id', 'created_at']).where('active', '=', true).executeTakeFirst(),
    appends: (active) => {
      if (active && now.getTime() - new Date(active.created_at).getTime() < rotationDays * 86_400_000) return [];
      const keyId = newDataKeyId(now);
      const wrapped = keyring.newDataKey(keyId, now);
      return [appendTo(keyringDecider, KEYRING_STREAM, { type: 'CreateDataKey' as const, keyId, wrapped: wrapped.wrapped }, { resourceArn: `keyring/${keyId}` })];
    },
  });
  const rotated = events.length > 0;
  await keyring.reload();
  return { rotated, activeKeyId: keyring.activeKeyId };
}

type Sealed = { keyId: string; iv: string; ciphertext: string; tag: string };

/** The same secret, encrypted under the keyring's active key (its data key loaded beforehand). */
function reseal(keyring: LiveKeyring, sealed: Sealed, context: string): Sealed {
  return keyring.encrypt(keyring.decrypt(sealed, context), context);
}

/**
 * Every kind of stored secret: its table, the data keys a row uses (an SQL array), and how one
 * row is re-encrypted, as an event (false when there was nothing left to do). The scan and the
 * retirement check both read `keyIds`, so a new kind cannot be re-encrypted and forgotten, or
 * the reverse.
 */
type SecretTable = 'access_keys' | 'sessions' | 'users' | 'mfa_devices' | 'accounts';

interface SecretKind<T extends SecretTable> {
  readonly table: T;
  readonly keyIds: ReturnType<typeof sql.raw>;
  /** `row` is one row of `table`, as `SELECT *` reads it. */
  reencrypt(core: IamCore, keyring: LiveKeyring, row: Selectable<Database[T]>, occurredAt: Date): Promise<boolean>;
}

/** Checks one kind against its own table's row type (the list below holds kinds of different tables). */
function secretKind<T extends SecretTable>(kind: SecretKind<T>): SecretKind<T> {
  return kind;
}

const SECRET_KINDS: readonly { [T in SecretTable]: SecretKind<T> }[SecretTable][] = [
  secretKind({
    table: 'access_keys',
    keyIds: sql.raw(`ARRAY[secret->>'keyId']`),
    async reencrypt(core, keyring, key, occurredAt) {
      await keyring.ensure(key.secret.keyId);
      const secret = reseal(keyring, key.secret, secretContext(key.account_id, key.access_key_id));
      // The root user's keys live in the account's stream, a user's in the user's.
      const streamId = key.user_id === null ? `account/${key.account_id}` : `user/${key.user_id}`;
      await core.write<undefined, unknown, undefined>(systemWriter(key.account_id, METADATA, occurredAt), {
        locks: [streamLockKey(streamId)],
        appends: () =>
          key.user_id === null
            ? appendTo(accountDecider, streamId, { type: 'ReencryptRootAccessKeySecret' as const, accessKeyId: key.access_key_id, secret })
            : appendTo(userDecider, streamId, { type: 'ReencryptAccessKeySecret' as const, accessKeyId: key.access_key_id, secret }),
      });
      return true;
    },
  }),
  secretKind({
    table: 'sessions',
    keyIds: sql.raw(`ARRAY[secret->>'keyId']`),
    async reencrypt(core, keyring, session, occurredAt) {
      await keyring.ensure(session.secret.keyId);
      const secret = reseal(keyring, session.secret, sessionSecretContext(session.account_id, session.access_key_id));
      await core.write(systemWriter(session.account_id, METADATA, occurredAt), {
        locks: [streamLockKey(`session/${session.session_id}`)],
        appends: () => appendTo(sessionDecider, `session/${session.session_id}`, { type: 'ReencryptSessionSecret' as const, sessionId: session.session_id, secret }),
      });
      return true;
    },
  }),
  secretKind({
    table: 'users',
    // The current password hash and the remembered ones.
    keyIds: sql.raw(`ARRAY[login_profile->'passwordHash'->>'keyId'] || ARRAY(SELECT jsonb_path_query(login_profile, '$.previousPasswordHashes[*].keyId') #>> '{}')`),
    async reencrypt(core, keyring, profile, occurredAt) {
      if (!profile.login_profile) return false;
      const seen = profile.login_profile;
      // Keys are loaded before the transaction: reloading the keyring inside one self-deadlocks PGlite.
      for (const sealed of [seen.passwordHash, ...(seen.previousPasswordHashes ?? [])]) await keyring.ensure(sealed.keyId);
      const context = passwordContext(profile.account_id, profile.user_id);
      const { events } = await core.write(systemWriter(profile.account_id, METADATA, occurredAt), {
        // Read again under the stream's lock, and locked, in the writing transaction: a password
        // changed since the scan must not be overwritten with the re-encrypted old one.
        locks: [streamLockKey(`user/${profile.user_id}`)],
        load: async (trx) =>
          (await trx.selectFrom('users').select('login_profile').where('account_id', '=', profile.account_id).where('user_id', '=', profile.user_id).forUpdate().executeTakeFirst())?.login_profile,
        appends: (current) => {
          if (!current) return [];
          const sealed = [current.passwordHash, ...(current.previousPasswordHashes ?? [])];
          // A key this process has not loaded (a password set meanwhile under a newer key): next run.
          if (sealed.some((entry) => !keyring.knows(entry.keyId))) return [];
          const [passwordHash, ...previousPasswordHashes] = sealed.map((entry) => reseal(keyring, entry, context));
          return [appendTo(userDecider, `user/${profile.user_id}`, { type: 'ReencryptPasswordHash' as const, passwordHash: passwordHash!, previousPasswordHashes })];
        },
      });
      return events.length > 0;
    },
  }),
  secretKind({
    table: 'mfa_devices',
    keyIds: sql.raw(`ARRAY[seed->>'keyId']`),
    async reencrypt(core, keyring, device, occurredAt) {
      await keyring.ensure(device.seed.keyId);
      const seed = reseal(keyring, device.seed, mfaSeedContext(device.account_id, device.device_id));
      await core.write(systemWriter(device.account_id, METADATA, occurredAt), {
        locks: [streamLockKey(`mfa-device/${device.device_id}`)],
        appends: () => appendTo(mfaDeviceDecider, `mfa-device/${device.device_id}`, { type: 'ReencryptMFASeed' as const, seed }),
      });
      return true;
    },
  }),
  secretKind({
    table: 'accounts',
    keyIds: sql.raw(`ARRAY[root_login->'passwordHash'->>'keyId']`),
    async reencrypt(core, keyring, account, occurredAt) {
      if (!account.root_login) return false;
      await keyring.ensure(account.root_login.passwordHash.keyId);
      const streamId = `account/${account.account_id}`;
      const { events } = await core.write(systemWriter(account.account_id, METADATA, occurredAt), {
        // Locked and read again: a root password set since the scan must not be overwritten.
        locks: [streamLockKey(streamId)],
        load: async (trx) => (await trx.selectFrom('accounts').select('root_login').where('account_id', '=', account.account_id).forUpdate().executeTakeFirst())?.root_login,
        appends: (current) => {
          if (!current || !keyring.knows(current.passwordHash.keyId)) return [];
          const passwordHash = reseal(keyring, current.passwordHash, rootPasswordContext(account.account_id));
          return [appendTo(accountDecider, streamId, { type: 'ReencryptRootPasswordHash' as const, passwordHash })];
        },
      });
      return events.length > 0;
    },
  }),
];

/** Re-encrypts up to `limit` stored secrets that are under an older key; returns how many. */
export async function reencryptSecrets(core: IamCore, keyring: LiveKeyring, limit: number): Promise<number> {
  await keyring.reload();
  const active = keyring.activeKeyId;
  const occurredAt = core.clock.now();
  let done = 0;
  let scanned = 0;
  for (const kind of SECRET_KINDS) {
    if (scanned >= limit) break;
    const batch = await reencryptBatch(core, keyring, kind, active, limit - scanned, occurredAt);
    scanned += batch.scanned;
    done += batch.done;
  }
  return done;
}

/** Up to `limit` rows of one kind under a key other than `active`, each re-encrypted. */
async function reencryptBatch<T extends SecretTable>(
  core: IamCore,
  keyring: LiveKeyring,
  kind: SecretKind<T>,
  active: string,
  limit: number,
  occurredAt: Date,
): Promise<{ scanned: number; done: number }> {
  // Read as the store's owner, across accounts; each change is then made in its own account.
  const { rows } = await sql<
    Selectable<Database[T]>
  >`SELECT * FROM ${sql.table(kind.table)} WHERE EXISTS (SELECT 1 FROM unnest(${kind.keyIds}) AS used(key_id) WHERE used.key_id <> ${active}) LIMIT ${limit}`.execute(core.db);
  let done = 0;
  for (const row of rows) if (await kind.reencrypt(core, keyring, row, occurredAt)) done++;
  return { scanned: rows.length, done };
}

/**
 * Retires the keys no stored secret uses any more. Only keys replaced more than `graceMs` ago: a
 * process that has not reloaded its keyring since the rotation may still be encrypting under the
 * previous key (processes reload at least every few minutes).
 */
export async function retireUnusedKeys(core: IamCore, keyring: LiveKeyring, graceMs: number): Promise<string[]> {
  const management = await core.db.selectFrom('accounts').select('account_id').where('is_management', '=', true).executeTakeFirstOrThrow();
  const accountId = management.account_id;
  const keys = await core.db.selectFrom('keyring_keys').selectAll().orderBy('created_at').execute();
  const active = keys.find((key) => key.active);
  if (!active || core.clock.now().getTime() - new Date(active.created_at).getTime() < graceMs) return [];
  const retired: string[] = [];
  for (const key of keys.filter((candidate) => !candidate.active)) {
    let inUse = false;
    for (const kind of SECRET_KINDS) {
      const { rows } = await sql`SELECT 1 FROM ${sql.table(kind.table)} WHERE ${key.key_id} = ANY(${kind.keyIds}) LIMIT 1`.execute(core.db);
      if ((inUse = rows.length > 0)) break;
    }
    if (inUse) continue;
    await core.write(systemWriter(accountId, { ...METADATA, resourceArn: `keyring/${key.key_id}` }), {
      locks: [streamLockKey(KEYRING_STREAM)],
      appends: () => appendTo(keyringDecider, KEYRING_STREAM, { type: 'RetireDataKey' as const, keyId: key.key_id }),
    });
    retired.push(key.key_id);
  }
  if (retired.length > 0) await keyring.reload();
  return retired;
}
