import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedPGliteTemplate } from '@warden/db/testing';
import { DRIVERS } from './support/warden-under-test.js';

/**
 * The `warden` command as an operator runs it: the first start writes the root credentials to a
 * file only its owner can read and logs only the path; `warden migrate` and `warden replay` work on
 * the embedded store; with DATABASE_URL and no master key the server refuses to start, saying why.
 */
const bin = join(import.meta.dirname, '..', '..', 'services', 'api', 'bin', 'warden.js');

/**
 * Each child a node start-up at least, run synchronously one after another: on a loaded two-core
 * machine a test's children took up to 92 s in all (10.6 s idle), past the suite's 60 s default.
 */
const CHILD_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 300_000;

function warden(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [bin, ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', WARDEN_METRICS_PORT: '0', ...env },
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
  });
}

// The command runs on the embedded store (its own data directories), whatever the suite's stores: CI's pass
// against Postgres alone leaves it to the embedded pass, as it does every PGlite variant.
describe.skipIf(!DRIVERS.includes('pglite'))('the warden command', { timeout: TEST_TIMEOUT_MS }, () => {
  // Servers whose subject is not a first start begin from the run's migrated store (the first test
  // bootstraps from nothing, as an operator's first start does).
  let template: string;
  beforeAll(async () => {
    template = await migratedPGliteTemplate();
  });

  it('bootstraps with a 0600 credentials file whose secret never reaches the log, then replays to equal read models', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'warden-cli-'));
    const migrate = warden(['migrate'], { WARDEN_DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    expect(migrate.status).toBe(0);
    // The server's start-up (which bootstraps the empty store) in a child process that stops at once.
    const serve = spawnSync(
      process.execPath,
      [
        '-e',
        `
      const { startWarden, readConfig, createLogger } = await import(${JSON.stringify(join(import.meta.dirname, '..', '..', 'services', 'api', 'dist', 'index.js'))});
      const warden = await startWarden(readConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', WARDEN_METRICS_PORT: '0' }), createLogger('info'));
      await warden.close();
    `,
      ],
      { env: { PATH: process.env['PATH'] ?? '', WARDEN_DATA_DIR: dataDir }, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, input: '' },
    );
    expect(serve.status, serve.stderr).toBe(0);
    const file = join(dataDir, 'root-credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const credentials = JSON.parse(readFileSync(file, 'utf8')) as { accessKeyId: string; secretAccessKey: string; accountId: string };
    expect(credentials.secretAccessKey).toHaveLength(40);
    expect(serve.stdout).toContain(file);
    expect(serve.stdout + serve.stderr).not.toContain(credentials.secretAccessKey);
    const replay = warden(['replay'], { WARDEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    expect(replay.status, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ equal: true });
  });

  it('refuses to start on Postgres without a master key, and says why', () => {
    const result = warden(['serve'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', WARDEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'warden-cli-')), PORT: '0' });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/WARDEN_MASTER_KEY/);
  });

  describe('its command line', () => {
    /** The one line a refused command line prints, and its exit status. */
    const refused = (args: string[]) => {
      const result = warden(args, { WARDEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'warden-cli-')) });
      return { status: result.status, stdout: result.stdout, lines: result.stderr.trimEnd().split('\n') };
    };

    it('answers --help and -h for warden and for each command, on stdout with status 0', () => {
      for (const args of [['--help'], ['-h'], ['help']]) {
        const result = warden(args, {});
        expect(result.status, args.join(' ')).toBe(0);
        expect(result.stdout).toMatch(/^Usage: warden \[COMMAND\]/);
        expect(result.stdout).toMatch(/^ {2}migrate /m);
      }
      for (const command of ['serve', 'worker', 'migrate', 'replay']) {
        const result = warden([command, '--help'], {});
        expect(result.status, command).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`^Usage: warden ${command} \\[FLAGS\\]`));
      }
      expect(warden(['serve', '-h'], {}).stdout).toMatch(/--port PORT +the port to listen on .*\(PORT\)/);
      expect(warden(['migrate', '--help'], {}).stdout).toMatch(/--data-dir DIR/);
    });

    it('refuses an unknown command, an unknown flag, a stray argument and a bad port with one line and status 2', () => {
      expect(refused(['frobnicate'])).toEqual({ status: 2, stdout: '', lines: ['warden: unknown command "frobnicate"; the commands are serve, worker, migrate, replay, help'] });
      expect(refused(['serve', '--prot', '5000'])).toEqual({ status: 2, stdout: '', lines: ['warden: serve takes no flag --prot; see warden serve --help'] });
      expect(refused(['--prot', '5000'])).toEqual({ status: 2, stdout: '', lines: ['warden: serve takes no flag --prot; see warden serve --help'] });
      expect(refused(['migrate', '--port', '5000'])).toEqual({ status: 2, stdout: '', lines: ['warden: migrate takes no flag --port; see warden migrate --help'] });
      expect(refused(['replay', 'now'])).toEqual({ status: 2, stdout: '', lines: ['warden: replay takes no argument now; see warden replay --help'] });
      expect(refused(['serve', '--port', 'http'])).toEqual({ status: 2, stdout: '', lines: ['warden: --port must be a port number, not "http"'] });
      expect(refused(['serve', '--port'])).toMatchObject({ status: 2, lines: [expect.stringMatching(/^warden: .*--port.*; see warden serve --help$/)] });
    });

    describe('with a server running', () => {
      let server: ChildProcess;
      let dataDir: string;
      let port: number;
      let log = '';

      beforeAll(async () => {
        dataDir = mkdtempSync(join(tmpdir(), 'warden-cli-'));
        // PORT and WARDEN_DATA_DIR say one thing, the flags another: the flags win.
        server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], {
          env: { PATH: process.env['PATH'] ?? '', PORT: '1', WARDEN_METRICS_PORT: '0', WARDEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'warden-cli-unused-')), WARDEN_PGLITE_TEMPLATE: template },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        server.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
        port = await new Promise<number>((resolve, reject) => {
          server.stdout!.on('data', (chunk: Buffer) => {
            log += chunk.toString();
            const listening = /"url":"http:\/\/127\.0\.0\.1:(\d+)\/graphql"/.exec(log);
            if (listening) resolve(Number(listening[1]));
          });
          server.once('exit', (code) => reject(new Error(`the server exited (${code}): ${log}`)));
        });
      });

      afterAll(async () => {
        if (server.exitCode === null) {
          server.kill('SIGTERM');
          await new Promise((resolve) => server.once('exit', resolve));
        }
      });

      it('listened where its flags said, not where PORT and WARDEN_DATA_DIR said', async () => {
        expect(port).toBeGreaterThan(1);
        expect(existsSync(join(dataDir, 'root-credentials.json'))).toBe(true);
        const live = await fetch(`http://127.0.0.1:${port}/health/live`);
        expect(live.status).toBe(200);
        // Embedded and without Redis: readiness asks the database, its migrations and the keyring.
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
        expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok', migrations: 'ok', keyring: 'ok' } } });
      });

      it('a second serve, a migrate or a replay on its data directory exits 1 with one line naming the process that holds it', () => {
        for (const args of [['serve', '--port', '0'], ['migrate'], ['replay']]) {
          const result = warden([...args, '--data-dir', dataDir], { LOG_LEVEL: 'info' });
          expect(result.status, args[0]).toBe(1);
          const lines = (result.stdout + result.stderr).trimEnd().split('\n');
          expect(lines, args[0]).toHaveLength(1);
          expect(JSON.parse(lines[0]!)).toMatchObject({ level: 60, msg: `the data directory ${dataDir} is in use by process ${server.pid}` });
        }
      });

      it('a second server on its port exits 1 with one line', () => {
        const result = warden(['serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', mkdtempSync(join(tmpdir(), 'warden-cli-'))], {
          LOG_LEVEL: 'fatal',
          WARDEN_PGLITE_TEMPLATE: template,
        });
        expect(result.status).toBe(1);
        expect(JSON.parse(result.stdout.trim())).toMatchObject({ level: 60, msg: `cannot listen on 127.0.0.1:${port}: the address is in use` });
      });

      it('gives its data directory up when it stops, so that migrate then runs on it', async () => {
        server.kill('SIGTERM');
        expect(await new Promise((resolve) => server.once('exit', resolve))).toBe(0);
        expect(existsSync(join(dataDir, 'warden.lock'))).toBe(false);
        const migrate = warden(['migrate', '--data-dir', dataDir], { LOG_LEVEL: 'warn' });
        expect(migrate.status, migrate.stdout + migrate.stderr).toBe(0);
      });
    });
  });

  it('a port taken by another program is one line, not a stack', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const result = warden(['serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', mkdtempSync(join(tmpdir(), 'warden-cli-'))], {
        LOG_LEVEL: 'fatal',
        WARDEN_PGLITE_TEMPLATE: template,
      });
      expect(result.status).toBe(1);
      expect(result.stdout.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toBe('');
    } finally {
      blocker.close();
    }
  });
});
