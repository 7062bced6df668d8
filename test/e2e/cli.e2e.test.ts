import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The `warden` command as an operator runs it: the first start writes the root credentials to a
 * file only its owner can read and logs only the path; `warden migrate` and `warden replay` work on
 * the embedded store; with DATABASE_URL and no master key the server refuses to start, saying why.
 */
const bin = join(import.meta.dirname, '..', '..', 'services', 'api', 'bin', 'warden.js');

function warden(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [bin, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('the warden command', () => {
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
      const warden = await startWarden(readConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' }), createLogger('info'));
      await warden.close();
    `,
      ],
      { env: { PATH: process.env['PATH'] ?? '', WARDEN_DATA_DIR: dataDir }, encoding: 'utf8', timeout: 60_000, input: '' },
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
});
