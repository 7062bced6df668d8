import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Postgres cluster of the test's own, made with initdb and run with pg_ctl on a free port, so a
 * test may stop, kill, freeze and restart it without touching the machine's shared server. As
 * root, the tools run as the `postgres` user (Postgres refuses to run as root).
 */
function binDir(): string | undefined {
  const fromPath = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = [
    fromPath.status === 0 ? fromPath.stdout.trim() : '',
    ...(existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort()
          .reverse()
          .map((version) => `/usr/lib/postgresql/${version}/bin`)
      : []),
  ];
  return candidates.find((dir) => dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

const runAsRoot = process.getuid?.() === 0;

/** Why a throwaway cluster cannot be made here, or undefined when it can. */
export function throwawayPostgresUnavailable(): string | undefined {
  if (binDir() === undefined) return "initdb and pg_ctl were not found (install PostgreSQL's server package)";
  if (runAsRoot && spawnSync('id', ['postgres']).status !== 0) return 'running as root, and there is no postgres user to run the server as';
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class ThrowawayPostgres {
  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  /** A new cluster, started, with a `warden` database; `url` reaches it as the superuser. */
  static async start(): Promise<ThrowawayPostgres> {
    const bin = binDir();
    if (bin === undefined) throw new Error(throwawayPostgresUnavailable());
    const dataDir = mkdtempSync(join(tmpdir(), 'warden-pg-'));
    if (runAsRoot) chownSync(dataDir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
    const cluster = new ThrowawayPostgres(dataDir, await freePort(), bin);
    cluster.run('initdb', ['-D', join(dataDir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    cluster.startServer();
    cluster.run('createdb', ['-h', '127.0.0.1', '-p', String(cluster.port), '-U', 'postgres', 'warden']);
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/warden`;
  }

  private run(tool: string, args: readonly string[]): string {
    const command = join(this.bin, tool);
    const result = runAsRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8', cwd: this.dataDir, timeout: 60_000 })
      : spawnSync(command, args, { encoding: 'utf8', cwd: this.dataDir, timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}`);
    return result.stdout;
  }

  /** Starts the server and waits until it accepts connections. */
  startServer(): void {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dataDir}`;
    this.run('pg_ctl', ['-D', join(this.dataDir, 'data'), '-o', options, '-l', join(this.dataDir, 'server.log'), '-w', '-t', '60', 'start']);
  }

  /** `pg_ctl stop -m fast` (sessions ended cleanly) or `-m immediate` (no shutdown checkpoint: recovery at the next start). */
  stopServer(mode: 'fast' | 'immediate'): void {
    this.run('pg_ctl', ['-D', join(this.dataDir, 'data'), '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** The postmaster and every backend and helper it started. */
  private pids(): number[] {
    const postmaster = Number(readFileSync(join(this.dataDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = spawnSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((line) => line !== '')
      .map(Number);
    return [postmaster, ...children];
  }

  /** Freezes the whole server (SIGSTOP): connections stay open and nothing answers, as in a hung host. */
  freeze(): void {
    for (const pid of this.pids()) process.kill(pid, 'SIGSTOP');
  }

  thaw(): void {
    for (const pid of this.pids()) process.kill(pid, 'SIGCONT');
  }

  /** Stops the server if it runs and removes its files. */
  destroy(): void {
    try {
      this.thaw();
    } catch {
      // Not running.
    }
    try {
      this.stopServer('immediate');
    } catch {
      // Not running.
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
