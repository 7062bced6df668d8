import { fileURLToPath } from 'node:url';
import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, toolMissing } from './support/external-tool.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/**
 * The AWS CLI and boto3 against the Query front, each running an administrator's script end to end
 * (test/aws-cli/): a fresh account's root key is the administrator. The tools are the machine's:
 * `aws` on PATH (Debian's awscli in CI) and a Python with boto3 and pytest (WARDEN_PYTHON, the
 * venv .ci/run makes). Outside CI a missing tool skips its test with a warning; in CI it fails.
 */
const ADMIN_SCRIPT = fileURLToPath(new URL('../aws-cli/admin-script.sh', import.meta.url));
const BOTO3_SUITE = fileURLToPath(new URL('../aws-cli/test_boto3_admin.py', import.meta.url));
const PYTHON = process.env['WARDEN_PYTHON'] ?? 'python3';

const noCli = await toolMissing('the AWS CLI', 'aws', ['--version']);
const noBoto3 = await toolMissing('a Python with boto3 and pytest', PYTHON, ['-c', 'import boto3, pytest']);

describe.each([...DRIVERS])('the AWS CLI and boto3 against the Query front (%s)', (driver) => {
  let warden: RunningWarden;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    const { credentials } = await newTenant(warden);
    // Only this account's root key: none of the machine's AWS configuration may reach the tools.
    const { AWS_SESSION_TOKEN: _token, AWS_PROFILE: _profile, ...rest } = process.env;
    env = {
      ...rest,
      WARDEN_ENDPOINT: new URL('/', warden.url).href.replace(/\/$/, ''),
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
  });
  afterAll(async () => {
    await warden.close();
  });

  // About fifty CLI processes, each a Python start-up: 23–26 s on an idle machine, past 170 s on
  // a loaded one, so both limits are far above the suite's default.
  it.skipIf(noCli)(
    'the AWS CLI runs the administrator script (admin-script.sh) to its end',
    async () => {
      const { code, output } = await run('bash', [ADMIN_SCRIPT], env, 590_000);
      expect(code, output).toBe(0);
      expect(output).toContain('admin-script: ok');
    },
    600_000,
  );

  it.skipIf(noBoto3)(
    'boto3 runs the administrator suite (test_boto3_admin.py)',
    async () => {
      const { code, output } = await run(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', BOTO3_SUITE], env, 290_000);
      expect(code, output).toBe(0);
      expect(output).toMatch(/\b5 passed\b/);
    },
    300_000,
  );
});
