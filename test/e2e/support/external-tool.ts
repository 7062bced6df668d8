import { execFile } from 'node:child_process';

/** In CI a missing tool fails its suite; elsewhere it skips its test with a warning. */
const REQUIRED = process.env['CI'] === 'true';

export interface Outcome {
  readonly code: number;
  readonly output: string;
}

/**
 * Runs a program without blocking the event loop: the server under test answers it from this
 * process. Killed after `timeoutMs`, and then its output says so, so that a slow machine is not
 * mistaken for a failed check.
 */
export function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 170_000): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      const killed = error?.killed ? `\n(killed after ${timeoutMs} ms: the machine may be too slow, not the check failed)` : '';
      resolve({ code, output: `${stdout}${stderr}${killed}` });
    });
  });
}

export async function toolMissing(description: string, file: string, args: readonly string[]): Promise<boolean> {
  const { code, output } = await run(file, args);
  if (code === 0) return false;
  if (REQUIRED) throw new Error(`CI needs ${description}: \`${file} ${args.join(' ')}\` failed: ${output}`);
  console.warn(`${description} is not available here (\`${file} ${args.join(' ')}\` failed): its test is skipped.`);
  return true;
}
