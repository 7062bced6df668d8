import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeBase64Strict } from './base64.js';

/**
 * The master key wraps the data keys of the keyring (see keyring.ts). It comes from, in order:
 *   1. `WARDEN_MASTER_KEY`: 32 bytes, base64 (an empty value counts as unset);
 *   2. in embedded mode only, `<dataDir>/master.key` (base64), created with mode 0600 on first
 *      start (and `dataDir` with 0700 if missing); a key file that group or others can access is
 *      refused;
 *   3. otherwise nothing: with an external database (DATABASE_URL) the key must not live on one
 *      server's disk, so the operator has to provide it.
 * Error messages name the variable or file, never the key.
 */

export const MASTER_KEY_ENV = 'WARDEN_MASTER_KEY';
export const MASTER_KEY_FILE = 'master.key';
export const MASTER_KEY_BYTES = 32;

export interface LoadMasterKeyOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly embedded: boolean;
}

/** The master key could not be loaded or created; the message says what to do. */
export class MasterKeyError extends Error {
  override readonly name = 'MasterKeyError';
}

const HOW_TO_MAKE = `32 random bytes encoded as base64, e.g. the output of \`openssl rand -base64 32\``;

export async function loadMasterKey(options: LoadMasterKeyOptions): Promise<Buffer> {
  const fromEnv = options.env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return decodeEnvKey(fromEnv.trim());
  if (!options.embedded) {
    throw new MasterKeyError(
      `${MASTER_KEY_ENV} is not set. With DATABASE_URL set, Warden uses an external database and will not keep its master key ` +
        `on this server's disk: set ${MASTER_KEY_ENV} to ${HOW_TO_MAKE}, and keep it as safe as the database backups it protects.`,
    );
  }
  return loadOrCreateKeyFile(options.dataDir);
}

function decodeEnvKey(text: string): Buffer {
  const key = decodeBase64Strict(text);
  if (key === undefined) throw new MasterKeyError(`${MASTER_KEY_ENV} is not valid base64; it must be ${HOW_TO_MAKE}.`);
  if (key.length !== MASTER_KEY_BYTES) {
    throw new MasterKeyError(`${MASTER_KEY_ENV} must decode to ${MASTER_KEY_BYTES} bytes but decodes to ${key.length}; it must be ${HOW_TO_MAKE}.`);
  }
  return key;
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

async function loadOrCreateKeyFile(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, MASTER_KEY_FILE);
  const existing = await readKeyFile(path);
  if (existing !== undefined) return existing;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  return createKeyFile(path);
}

/** The key in `path`, or `undefined` if there is no such file. */
async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new MasterKeyError(`${path} is not a regular file.`);
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new MasterKeyError(`${path} is accessible to group or others (mode ${mode}); refusing to use it. Run: chmod 600 ${path}`);
    }
    const key = decodeBase64Strict((await handle.readFile('utf8')).trim());
    if (key === undefined || key.length !== MASTER_KEY_BYTES) {
      throw new MasterKeyError(`${path} does not hold a master key: it must contain ${HOW_TO_MAKE}.`);
    }
    return key;
  } finally {
    await handle.close();
  }
}

/**
 * Writes a new key to a private temporary file, then hard-links it into place: the link either
 * appears complete or fails with EEXIST, in which case another process won the race and its key
 * is the one to use.
 */
async function createKeyFile(path: string): Promise<Buffer> {
  const key = randomBytes(MASTER_KEY_BYTES);
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(`${key.toString('base64')}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, path);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
      const winner = await readKeyFile(path);
      if (winner === undefined) throw new MasterKeyError(`${path} appeared and vanished while being created; try again.`);
      return winner;
    }
    await syncDirectory(dirname(path));
    return key;
  } finally {
    await rm(temp, { force: true });
  }
}

/** Best effort: makes the new directory entry durable, so a crash cannot lose a key already in use. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not every platform can open or sync a directory (Windows cannot); the file itself is synced.
  }
}
