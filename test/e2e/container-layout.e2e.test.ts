import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Docker does not run where Warden is developed, so the image itself is not built here. What can be
 * checked is the Dockerfile's runtime stage: that the files it copies from the build stage are all
 * that `warden serve` and `warden-policy` need. The test lays out exactly those files (the built
 * checkout standing in for the build stage; third-party packages linked, Warden's own copied),
 * starts the server from there with the image's environment, and asks it the image's HEALTHCHECK.
 */
const root = join(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

/** The runtime stage's `COPY --from=build /app/SOURCE TARGET` lines. */
function runtimeCopies(): { source: string; target: string }[] {
  const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
  return [...runtime.matchAll(/^COPY --from=build \/app\/(\S+) (\S+)$/gm)].map(([, source, target]) => ({ source: source!, target: target! }));
}

function layOut(): string {
  const image = mkdtempSync(join(tmpdir(), 'warden-image-'));
  for (const { source, target } of runtimeCopies()) {
    const destination = join(image, target.endsWith('/') ? join(target, source.split('/').pop()!) : target);
    mkdirSync(dirname(destination), { recursive: true });
    if (source === 'node_modules') {
      // Third-party packages by link (they never import Warden's); Warden's own as the relative links
      // npm made, so that they resolve inside this layout and nowhere else.
      mkdirSync(destination);
      for (const entry of readdirSync(join(root, 'node_modules'))) {
        if (entry === '@warden') cpSync(join(root, 'node_modules', entry), join(destination, entry), { recursive: true, verbatimSymlinks: true });
        else symlinkSync(join(root, 'node_modules', entry), join(destination, entry));
      }
    } else {
      cpSync(join(root, source), destination, { recursive: true });
    }
  }
  return image;
}

describe("the container image's runtime stage", () => {
  it('copies every workspace package the server loads, and its bins', () => {
    const copied = runtimeCopies().map(({ source }) => source);
    const runtimePackages = ['db', 'schema', 'workers', 'services/policy', 'services/iam', 'services/api'];
    for (const name of runtimePackages) expect(copied, name).toEqual(expect.arrayContaining([`${name}/package.json`, `${name}/dist`]));
    expect(copied).toEqual(expect.arrayContaining(['services/api/bin', 'services/policy/bin', 'node_modules', 'package.json']));
    // A workspace with node_modules of its own (a dependency at another version than the root's)
    // would need copying too (vitest's own .vite cache there is not a package).
    for (const name of runtimePackages) {
      const own = join(root, name, 'node_modules');
      const nested = existsSync(own) ? readdirSync(own).filter((entry) => !entry.startsWith('.')) : [];
      expect(nested, name).toEqual([]);
    }
  });

  it('runs warden serve from those files alone, healthy by its HEALTHCHECK, and warden-policy', async () => {
    const image = layOut();
    const dataDir = mkdtempSync(join(tmpdir(), 'warden-image-data-'));
    const env = { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', WARDEN_METRICS_PORT: '0', WARDEN_DATA_DIR: dataDir };
    const policy = spawnSync(process.execPath, [join(image, 'services/policy/bin/warden-policy.js'), '--help'], { env, encoding: 'utf8' });
    expect(policy.status, policy.stderr).toBe(0);
    const server = spawn(process.execPath, [join(image, 'services/api/bin/warden.js'), 'serve'], { cwd: image, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    server.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      const port = await new Promise<string>((resolve, reject) => {
        server.stdout.on('data', (chunk: Buffer) => {
          log += chunk.toString();
          const listening = /"url":"http:\/\/127\.0\.0\.1:(\d+)\/graphql"/.exec(log);
          if (listening) resolve(listening[1]!);
        });
        server.once('exit', (code) => reject(new Error(`warden exited (${code}): ${log}`)));
      });
      // The image's HEALTHCHECK command, as Docker runs it inside the container.
      const healthcheck = /CMD \["node", "-e", "(.+)"\]$/m.exec(dockerfile)?.[1];
      expect(healthcheck).toBeDefined();
      const check = spawnSync(process.execPath, ['-e', JSON.parse(`"${healthcheck!}"`) as string], { env: { ...env, PORT: port }, encoding: 'utf8', timeout: 10_000 });
      expect(check.status, check.stderr).toBe(0);
      // Warden's own packages resolve inside the layout, not to the checkout that stood in for the build.
      const resolved = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', "for (const name of ['@warden/iam', '@warden/db', '@warden/schema', '@warden/workers', '@warden/policy']) console.log(import.meta.resolve(name))"],
        { cwd: join(image, 'services/api'), encoding: 'utf8' },
      );
      expect(resolved.stdout.trim().split('\n')).toEqual(['services/iam', 'db', 'schema', 'workers', 'services/policy'].map((name) => `file://${image}/${name}/dist/index.js`));
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    // A first start on an empty store (PGlite's start, the migrations, the bootstrap) and three more
    // node processes: 8 s idle, near 30 s on a loaded machine.
  }, 180_000);
});
