import { linkSync, mkdirSync, readFileSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded database belongs to one process at a time: PGlite keeps its pages in memory and
 * writes them back on its own schedule, so a second process on the same directory (a second
 * `warden serve`, or `warden migrate` beside a live server) reads a stale store and corrupts it
 * when it writes. Whoever opens the directory takes this lock first; a lock left by a process that
 * died (kill -9, a crash) is taken over, since no live process holds it.
 */
export class DataDirectoryInUseError extends Error {
  constructor(
    readonly directory: string,
    readonly pid: number,
  ) {
    super(`the data directory ${directory} is in use by process ${pid}`);
    this.name = 'DataDirectoryInUseError';
  }
}

export interface DataDirectoryLock {
  /** Gives the directory up (only if this process still holds it). */
  release(): void;
}

const LOCK_FILE = 'warden.lock';
/** A takeover whose taker died is given up after this long. */
const ABANDONED_TAKEOVER_MS = 10_000;

export function lockDataDirectory(directory: string): DataDirectoryLock {
  const lockFile = join(directory, LOCK_FILE);
  const mine = `${process.pid}\n`;
  for (let attempt = 0; attempt < 50; attempt++) {
    // Written whole under a private name, then linked into place: link fails when the lock exists,
    // atomically, and nobody ever reads a lock file half written.
    const draft = `${lockFile}.${process.pid}.${attempt}`;
    writeFileSync(draft, mine, { mode: 0o600 });
    try {
      linkSync(draft, lockFile);
      return {
        release: () => {
          if (holderOf(lockFile) === process.pid) unlinkSync(lockFile);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
    const holder = holderOf(lockFile);
    if (holder !== undefined && isAlive(holder)) throw new DataDirectoryInUseError(directory, holder);
    takeOverDeadHolder(lockFile, holder);
  }
  throw new Error(`could not take the lock on ${directory}: it changed hands too often`);
}

/**
 * Removes a lock whose holder is dead. Two processes may find the same dead holder at once: only one
 * at a time may remove it (a directory made with mkdir is the mutex), and only if the file still
 * names that holder, so that a lock just taken by a live process is never removed.
 */
function takeOverDeadHolder(lockFile: string, deadHolder: number | undefined): void {
  const mutex = `${lockFile}.takeover`;
  try {
    mkdirSync(mutex);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const since = statSync(mutex, { throwIfNoEntry: false })?.mtimeMs;
    if (since !== undefined && Date.now() - since > ABANDONED_TAKEOVER_MS) ignoringMissing(() => rmdirSync(mutex));
    // Another process is taking over: wait a moment for it (start-up is synchronous here anyway).
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    return;
  }
  try {
    if (holderOf(lockFile) === deadHolder) ignoringMissing(() => unlinkSync(lockFile));
  } finally {
    rmdirSync(mutex);
  }
}

/** The process id a lock file names; undefined when there is none or it does not name one. */
function holderOf(lockFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    // Signal 0 checks that the process exists without touching it.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ignoringMissing(remove: () => void): void {
  try {
    remove();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
