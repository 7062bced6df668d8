import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirectoryInUseError, lockDataDirectory } from './data-directory-lock.js';

const built = join(import.meta.dirname, '..', 'dist', 'data-directory-lock.js');
const directory = () => mkdtempSync(join(tmpdir(), 'warden-lock-'));
/** The id of a process that has exited: a lock naming it is stale. */
const deadPid = () => spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout.trim();

/** A process that tries for the lock, answers `won` or the error's name, and keeps what it won until it exits. */
function contender(dir: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { lockDataDirectory } = await import(${JSON.stringify(built)});
       try { lockDataDirectory(${JSON.stringify(dir)}); process.stdout.write('won'); setTimeout(() => {}, 1500); }
       catch (error) { process.stdout.write(error.name); }`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.on('exit', () => resolve(out)));
}

describe('the data directory lock', () => {
  it('is held by one opener at a time, names its holder, and is free again once released', () => {
    const dir = directory();
    const lock = lockDataDirectory(dir);
    expect(readFileSync(join(dir, 'warden.lock'), 'utf8')).toBe(`${process.pid}\n`);
    expect(() => lockDataDirectory(dir)).toThrow(new DataDirectoryInUseError(dir, process.pid));
    expect(() => lockDataDirectory(dir)).toThrow(`the data directory ${dir} is in use by process ${process.pid}`);
    lock.release();
    expect(existsSync(join(dir, 'warden.lock'))).toBe(false);
    lockDataDirectory(dir).release();
  });

  it('refuses a directory a live process holds, and leaves that lock alone', () => {
    const dir = directory();
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, 'warden.lock'), `${holder.pid}\n`);
      expect(() => lockDataDirectory(dir)).toThrow(`is in use by process ${holder.pid}`);
      expect(readFileSync(join(dir, 'warden.lock'), 'utf8')).toBe(`${holder.pid}\n`);
    } finally {
      holder.kill();
    }
  });

  it('takes over a lock whose holder died (kill -9 leaves it behind), and one that names no process', () => {
    const dir = directory();
    writeFileSync(join(dir, 'warden.lock'), `${deadPid()}\n`);
    const lock = lockDataDirectory(dir);
    expect(readFileSync(join(dir, 'warden.lock'), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
    writeFileSync(join(dir, 'warden.lock'), 'not a pid');
    lockDataDirectory(dir).release();
  });

  it('releases only its own lock', () => {
    const dir = directory();
    const lock = lockDataDirectory(dir);
    writeFileSync(join(dir, 'warden.lock'), '1\n');
    lock.release();
    expect(readFileSync(join(dir, 'warden.lock'), 'utf8')).toBe('1\n');
  });

  it('eight processes racing for a directory whose holder died: exactly one wins, the others are told it is in use', async () => {
    const dir = directory();
    writeFileSync(join(dir, 'warden.lock'), `${deadPid()}\n`);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => contender(dir)));
    expect(outcomes.filter((outcome) => outcome === 'won')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'DataDirectoryInUseError')).toHaveLength(7);
  });
});
