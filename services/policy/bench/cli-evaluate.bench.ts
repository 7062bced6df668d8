/**
 * `warden-policy evaluate` over 3,000 generated SaaS-shaped cases (`saas-cases.ts`), whole process
 * (start-up, reading, compiling, evaluating, writing), this build against a baseline build of the
 * policy package, alternated, each run's wall-clock time kept; the medians are compared.
 *
 * The baseline is another checkout's built policy package: BENCH_POLICY_BASELINE=<its
 * services/policy directory>, or BENCH_POLICY_BASELINE_REF=<a git ref> to have this script check
 * the ref out in a temporary worktree and build it. With neither, only this build is timed.
 * BENCH_CLI_RUNS (default 5) runs per build; BENCH_CLI_UNSHARED=1 gives every principal policies
 * of its own, so that no document repeats.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeSaasCases } from './saas-cases.js';

const CASES = 3000;
const runs = Number(process.env['BENCH_CLI_RUNS'] ?? 5);
const unshared = process.env['BENCH_CLI_UNSHARED'] === '1';
const here = resolve(import.meta.dirname, '..');

/** The baseline's built policy package, and how to clean up after it. */
function baselineDirectory(): { readonly directory: string; readonly cleanUp: () => void } | undefined {
  const given = process.env['BENCH_POLICY_BASELINE'];
  if (given) return { directory: resolve(given), cleanUp: () => undefined };
  const ref = process.env['BENCH_POLICY_BASELINE_REF'];
  if (!ref) return undefined;
  const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: here, encoding: 'utf8' }).trim();
  const worktree = mkdtempSync(join(tmpdir(), 'policy-baseline-'));
  execFileSync('git', ['worktree', 'add', '--detach', worktree, ref], { cwd: root, stdio: 'ignore' });
  const cleanUp = () => execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: root, stdio: 'ignore' });
  try {
    // The checkout compiles with this one's TypeScript and type definitions.
    symlinkSync(join(root, 'node_modules'), join(worktree, 'node_modules'), 'dir');
    const policy = join(worktree, 'services', 'policy');
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(policy, 'tsconfig.build.json')], { cwd: policy, stdio: 'inherit' });
    return { directory: policy, cleanUp };
  } catch (error) {
    cleanUp();
    throw error;
  }
}

/** One whole-process run, in milliseconds: stdin from the cases file, stdout to a file. */
function runOnce(packageDirectory: string, input: string, output: string): Promise<number> {
  return new Promise((done, fail) => {
    const stdin = openSync(input, 'r');
    const stdout = openSync(output, 'w');
    const started = performance.now();
    const child = spawn(process.execPath, [join(packageDirectory, 'bin', 'warden-policy.js'), 'evaluate'], { stdio: [stdin, stdout, 'inherit'] });
    child.on('error', fail);
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      closeSync(stdin);
      closeSync(stdout);
      if (code !== 0) return fail(new Error(`warden-policy evaluate exited ${code}`));
      done(wallMs);
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const directory = mkdtempSync(join(tmpdir(), 'cli-evaluate-bench-'));
const input = join(directory, 'cases.json');
const cases = makeSaasCases(CASES, 17, { unshared });
writeFileSync(input, JSON.stringify(cases));
const documents = cases.flatMap((entry) => (entry as { identityPolicies: object[] }).identityPolicies);
const distinct = new Set(documents.map((document) => JSON.stringify(document))).size;
console.log(`${CASES} cases, ${(readFileSync(input).length / 1e6).toFixed(1)} MB; ${documents.length} identity policies, ${distinct} distinct${unshared ? ' (BENCH_CLI_UNSHARED)' : ''}`);

const baselineBuild = baselineDirectory();
const baseline = baselineBuild?.directory;
if (baseline && !existsSync(join(baseline, 'dist', 'cli', 'main.js'))) throw new Error(`${baseline} has no built CLI (dist/cli/main.js)`);
const builds = baseline
  ? [
      { name: 'this build', directory: here },
      { name: 'baseline', directory: baseline },
    ]
  : [{ name: 'this build', directory: here }];
const timings = new Map<string, number[]>(builds.map((build) => [build.name, []]));
try {
  for (let run = 0; run < runs; run++) {
    // Alternate which build goes first, so that neither always runs on a warmer (or busier) machine.
    const order = run % 2 === 0 ? builds : [...builds].reverse();
    for (const build of order) timings.get(build.name)!.push(await runOnce(build.directory, input, join(directory, `${build.name}.json`)));
  }
} finally {
  baselineBuild?.cleanUp();
}
const answersDiffer = baseline !== undefined && readFileSync(join(directory, 'this build.json'), 'utf8') !== readFileSync(join(directory, 'baseline.json'), 'utf8');
rmSync(directory, { recursive: true, force: true });
if (answersDiffer) {
  console.log('WARNING: the two builds answered differently');
}
console.log('build | ms per run | median ms');
for (const build of builds) {
  const list = timings.get(build.name)!;
  console.log(`${build.name} | ${list.map((ms) => ms.toFixed(0)).join(', ')} | ${median(list).toFixed(0)}`);
}
if (baseline) {
  const ratio = median(timings.get('baseline')!) / median(timings.get('this build')!);
  console.log(`baseline over this build, median whole-process time: ${ratio.toFixed(2)}x`);
} else {
  console.log('No baseline: set BENCH_POLICY_BASELINE=<a built services/policy> or BENCH_POLICY_BASELINE_REF=<git ref> to compare (see the top of cli-evaluate.bench.ts).');
}
