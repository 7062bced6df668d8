import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, ThrowawayPostgres, throwawayPostgresUnavailable } from './support/throwaway-postgres.js';
import { TEST_MASTER_KEY } from './support/warden-under-test.js';

/**
 * `warden worker` (a child process, as it is run) serves its own Prometheus listener: job runs by
 * job and outcome, the events its jobs commit, its pool and process, and no HTTP request series.
 * A worker needs Postgres: DATABASE_URL when it is set, otherwise a throwaway cluster of the test's own.
 */
const databaseUrl = process.env['DATABASE_URL'] || undefined;
const unavailable = databaseUrl ? undefined : throwawayPostgresUnavailable();
if (unavailable && process.env['WARDEN_REQUIRE_SERVICES'] === '1') throw new Error(`WARDEN_REQUIRE_SERVICES=1 but a throwaway Postgres cannot be made: ${unavailable}`);
if (unavailable) console.warn(`The worker metrics test is skipped: no DATABASE_URL, and ${unavailable}.`);

const bin = join(import.meta.dirname, '..', '..', 'services', 'api', 'bin', 'warden.js');

/** A counter's value in a scrape; 0 when the series is not there yet. */
function counterIn(scraped: string, series: string): number {
  const line = scraped.split('\n').find((each) => each.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe.skipIf(unavailable !== undefined)('warden worker metrics', () => {
  let postgres: ThrowawayPostgres | undefined;
  let worker: ChildProcess;
  let output = '';
  let metricsUrl: string;
  let metricsPort: number;
  let exited: Promise<number | null>;

  function spawnWorker(): ChildProcess {
    return spawn(process.execPath, [bin, 'worker'], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl ?? postgres!.url,
        // The in-process runner runs the sweep at start, so a job has run by the first scrapes.
        REDIS_URL: '',
        WARDEN_METRICS_PORT: String(metricsPort),
        WARDEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'warden-worker-')),
        WARDEN_MASTER_KEY: TEST_MASTER_KEY,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  beforeAll(async () => {
    if (!databaseUrl) postgres = await ThrowawayPostgres.start();
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    metricsPort = port;
    worker = spawnWorker();
    worker.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => worker.once('exit', (code) => resolve(code)));
    await vi.waitFor(() => expect(output).toContain('Warden worker is running'), { timeout: 60_000, interval: 100 });
  }, 120_000);

  afterAll(async () => {
    if (worker.exitCode === null) {
      worker.kill('SIGTERM');
      await exited;
    }
    postgres?.destroy();
  });

  it('names its listener in its start line, and answers GET /metrics with job runs by job and outcome, its pool and process, and no request series', async () => {
    const started = output.split('\n').find((line) => line.includes('Warden worker is running'))!;
    expect(JSON.parse(started)).toMatchObject({ jobs: 'in-process', metricsUrl });
    let scraped = '';
    await vi.waitFor(
      async () => {
        const response = await fetch(metricsUrl);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toContain('text/plain');
        scraped = await response.text();
        expect(counterIn(scraped, 'warden_jobs_total{job="sweep-expired-sessions",outcome="completed"}')).toBeGreaterThanOrEqual(1);
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(counterIn(scraped, 'warden_jobs_total{job="rotate-keyring",outcome="failed"}')).toBe(0);
    expect(scraped).toContain('# TYPE warden_events_appended_total counter');
    expect(scraped).toMatch(/^warden_db_pool_connections\{state="total"\} \d+$/m);
    expect(scraped).toContain('process_cpu_user_seconds_total');
    expect(scraped).not.toContain('warden_http_requests_total');
    expect((await fetch(new URL('/graphql', metricsUrl))).status).toBe(404);
  });

  it('refuses to start a second worker on the same metrics port, in one line naming that address, and exits 1', async () => {
    const second = spawnWorker();
    let lines = '';
    second.stdout!.on('data', (chunk: Buffer) => (lines += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).toBe(1);
    const fatal = lines
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((entry) => entry.level === 60);
    expect(fatal.map((entry) => entry.msg)).toEqual([`cannot listen on 127.0.0.1:${metricsPort}: the address is in use`]);
    // The first one still answers.
    expect((await fetch(metricsUrl)).status).toBe(200);
  });

  it('closes its listener on SIGTERM and exits 0', async () => {
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(metricsUrl)).rejects.toThrow();
  });
});
