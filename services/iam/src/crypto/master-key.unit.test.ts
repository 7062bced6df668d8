import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MasterKeyError, loadMasterKey } from './master-key.js';

const posix = process.platform !== 'win32';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'warden-master-key-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('from WARDEN_MASTER_KEY', () => {
  it('uses a 32-byte base64 key, embedded or not, without touching the data directory', async () => {
    const key = randomBytes(32);
    const env = { WARDEN_MASTER_KEY: key.toString('base64') };
    expect(await loadMasterKey({ env, dataDir: join(root, 'data'), embedded: false })).toEqual(key);
    expect(await loadMasterKey({ env, dataDir: join(root, 'data'), embedded: true })).toEqual(key);
    expect(await readdir(root)).toEqual([]);
  });

  it('ignores surrounding white space', async () => {
    const key = randomBytes(32);
    expect(await loadMasterKey({ env: { WARDEN_MASTER_KEY: ` ${key.toString('base64')}\n` }, dataDir: root, embedded: false })).toEqual(key);
  });

  it.each([16, 31, 33, 64])('refuses a key of %i bytes, naming the variable but not the value', async (bytes) => {
    const value = randomBytes(bytes).toString('base64');
    const error = await rejection(loadMasterKey({ env: { WARDEN_MASTER_KEY: value }, dataDir: root, embedded: true }));
    expect(error).toBeInstanceOf(MasterKeyError);
    expect(error.message).toContain('WARDEN_MASTER_KEY');
    expect(error.message).toContain(`must decode to 32 bytes but decodes to ${bytes}`);
    expect(error.message).toContain('openssl rand -base64 32');
    expect(error.message).not.toContain(value);
  });

  it('refuses a value that is not base64, without echoing it', async () => {
    const value = 'correct horse battery staple, definitely not base64!!';
    const error = await rejection(loadMasterKey({ env: { WARDEN_MASTER_KEY: value }, dataDir: root, embedded: false }));
    expect(error).toBeInstanceOf(MasterKeyError);
    expect(error.message).toMatch(/^WARDEN_MASTER_KEY is not valid base64/);
    expect(error.message).not.toContain(value);
  });

  it('treats an empty value as unset', async () => {
    const error = await rejection(loadMasterKey({ env: { WARDEN_MASTER_KEY: '' }, dataDir: root, embedded: false }));
    expect(error.message).toMatch(/^WARDEN_MASTER_KEY is not set/);
  });
});

describe('without WARDEN_MASTER_KEY, not embedded', () => {
  it('refuses, explaining what to set and how to make it', async () => {
    const error = await rejection(loadMasterKey({ env: { DATABASE_URL: 'postgres://db/warden' }, dataDir: root, embedded: false }));
    expect(error).toBeInstanceOf(MasterKeyError);
    expect(error.message).toContain('WARDEN_MASTER_KEY is not set');
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('32 random bytes encoded as base64');
    expect(error.message).toContain('openssl rand -base64 32');
    expect(error.message).not.toContain('postgres://');
    expect(await readdir(root)).toEqual([]);
  });
});

describe('without WARDEN_MASTER_KEY, embedded', () => {
  it('creates master.key with mode 0600, and its directory with 0700', async () => {
    const dataDir = join(root, 'nested', 'data');
    const key = await loadMasterKey({ env: {}, dataDir, embedded: true });
    expect(key).toHaveLength(32);
    const file = join(dataDir, 'master.key');
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toEqual(key);
    if (posix) {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    }
    expect(await readdir(dataDir)).toEqual(['master.key']);
  });

  it('reuses the key on later starts', async () => {
    const first = await loadMasterKey({ env: {}, dataDir: root, embedded: true });
    const second = await loadMasterKey({ env: {}, dataDir: root, embedded: true });
    expect(second).toEqual(first);
  });

  it('reads a key file written by hand', async () => {
    const key = randomBytes(32);
    const file = join(root, 'master.key');
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600 });
    expect(await loadMasterKey({ env: {}, dataDir: root, embedded: true })).toEqual(key);
  });

  it('agrees on one key when several start at once', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadMasterKey({ env: {}, dataDir: root, embedded: true })));
    for (const key of keys) expect(key).toEqual(keys[0]);
    expect(await readdir(root)).toEqual(['master.key']);
  });

  it.skipIf(!posix).each([0o644, 0o640, 0o604, 0o660])('refuses a key file with mode %o, saying to chmod 600', async (mode) => {
    const file = join(root, 'master.key');
    const value = randomBytes(32).toString('base64');
    await writeFile(file, value, { mode: 0o600 });
    await chmod(file, mode);
    const error = await rejection(loadMasterKey({ env: {}, dataDir: root, embedded: true }));
    expect(error).toBeInstanceOf(MasterKeyError);
    expect(error.message).toContain(file);
    expect(error.message).toContain(`mode 0${mode.toString(8)}`);
    expect(error.message).toContain(`chmod 600 ${file}`);
    expect(error.message).not.toContain(value);
  });

  it('refuses a key file that does not hold 32 base64 bytes, without echoing it', async () => {
    const file = join(root, 'master.key');
    const value = randomBytes(16).toString('base64');
    await writeFile(file, value, { mode: 0o600 });
    const error = await rejection(loadMasterKey({ env: {}, dataDir: root, embedded: true }));
    expect(error).toBeInstanceOf(MasterKeyError);
    expect(error.message).toBe(`${file} does not hold a master key: it must contain 32 random bytes encoded as base64, e.g. the output of \`openssl rand -base64 32\`.`);
  });

  it('refuses a directory in place of the key file', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(root, 'master.key'));
    const error = await rejection(loadMasterKey({ env: {}, dataDir: root, embedded: true }));
    expect(error.message).toBe(`${join(root, 'master.key')} is not a regular file.`);
  });
});
