import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * A private redis-server for tests that take Redis away (never the machine's shared one, which
 * other tests and developers use): started on a free port, keeping nothing on disk, and killed,
 * frozen or restarted on the same port as a test needs. Exported under `@warden/workers/testing`
 * so that the workers' tests and the end-to-end tests share one copy; nothing in Warden uses it.
 */
export interface ThrowawayRedis {
  readonly port: number;
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  /** SIGKILL: its connections drop at once, as when Redis crashes or its host goes away cleanly. */
  kill(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers, as when Redis or its network hangs. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** A new redis-server on the same port, empty (the killed one kept nothing). */
  restart(): Promise<void>;
  /** Kills it (a frozen one too) and waits for it to exit, for at most a few seconds. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const EXIT_TIMEOUT_MS = 3_000;

/** Whether a redis-server binary can be run here (developer machines may have none). */
export function redisServerAvailable(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore', timeout: EXIT_TIMEOUT_MS });
  return probe.error === undefined && probe.status === 0;
}

/** A port nothing listens on right now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}

function launch(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} was not ready within ${START_TIMEOUT_MS} ms: ${output}`));
    }, START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`redis-server on port ${port} exited (${code ?? signal}) before it was ready: ${output}`)));
  });
}

/** Resolves when the process has exited, or after EXIT_TIMEOUT_MS whatever happened. */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, EXIT_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** On `port` when given (a port a test already handed to a client), else on a free one. */
export async function startThrowawayRedis(wantedPort?: number): Promise<ThrowawayRedis> {
  const port = wantedPort ?? (await freePort());
  let child = await launch(port);
  const kill = async () => {
    child.kill('SIGKILL');
    await exited(child);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
    restart: async () => {
      await kill();
      child = await launch(port);
    },
    // SIGKILL ends a stopped process too; nothing it holds is worth a graceful shutdown.
    stop: kill,
  };
}
