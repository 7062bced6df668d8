/**
 * `npm run bench`: evaluations per second and per-evaluation latency (p50, p99) of the compiled
 * evaluator on three policy-set sizes, the one-off compile cost, and, as the baseline measured in
 * the same run, a compile-per-request evaluator (what an engine that keeps no compiled form pays).
 * Timer overhead is measured in the same run and subtracted from the latency figures.
 *
 * Then the cold compile of (b), no cache: `compileStoredPolicySet` on the stored texts against the
 * validated path on the same texts (strict reader, validation, compile) and on parsed values, each
 * as the median time and the median bytes allocated per compile (heap growth from a collected heap;
 * run with --expose-gc, as `npm run bench` does, or the bytes are not shown). Matchers are built on
 * first use, so a last row adds the evaluation of 20 requests to the stored compile.
 */
import { compilePolicySet, compileStoredPolicySet, evaluate, type PolicySet, RequestContext } from '@warden/policy';
import { type BenchRequest, makeRequests, makeScenario, type Scenario } from './policy-fixtures.js';

const LATENCY_SAMPLES = 200_000;
const THROUGHPUT_MILLIS = 1_500;

function compileOrThrow(policies: readonly object[]): PolicySet {
  const compiled = compilePolicySet({ identityPolicies: policies });
  if (!compiled.ok) throw new Error(`fixture policy is invalid: ${JSON.stringify(compiled.errors[0])}`);
  return compiled.policySet;
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

function timerOverheadNanos(): number {
  const samples = new Float64Array(LATENCY_SAMPLES);
  for (let i = 0; i < samples.length; i++) {
    const start = process.hrtime.bigint();
    samples[i] = Number(process.hrtime.bigint() - start);
  }
  return percentile(samples.sort(), 0.5);
}

interface Measurement {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly allowShare: number;
}

function measure(run: (request: BenchRequest) => string, requests: readonly BenchRequest[], overhead: number, samples = LATENCY_SAMPLES): Measurement {
  for (let i = 0; i < 20_000; i++) run(requests[i % requests.length]!);
  let allows = 0;
  let count = 0;
  const deadline = performance.now() + THROUGHPUT_MILLIS;
  const started = performance.now();
  while (performance.now() < deadline) {
    for (let i = 0; i < 1000; i++) if (run(requests[(count + i) % requests.length]!) === 'allow') allows++;
    count += 1000;
  }
  const perSecond = count / ((performance.now() - started) / 1000);
  const latencies = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const request = requests[i % requests.length]!;
    const start = process.hrtime.bigint();
    run(request);
    latencies[i] = Math.max(0, Number(process.hrtime.bigint() - start) - overhead);
  }
  latencies.sort();
  return { perSecond, p50: percentile(latencies, 0.5) / 1000, p99: percentile(latencies, 0.99) / 1000, allowShare: allows / count };
}

/** The median of 200 compiles after 50 unmeasured ones: a mean would be a garbage collection's pause. */
function compileMicros(scenario: Scenario): number {
  for (let i = 0; i < 50; i++) compileOrThrow(scenario.policies);
  const samples = new Float64Array(200);
  for (let i = 0; i < samples.length; i++) {
    const start = process.hrtime.bigint();
    compileOrThrow(scenario.policies);
    samples[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  return percentile(samples.sort(), 0.5);
}

const format = (value: number, digits = 2): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const requests = makeRequests(4096, 7);
const scenarios = [
  makeScenario('(a) 1 policy x 2 statements', 1, 2, 0, 1),
  makeScenario('(b) 10 policies x 10 statements, 1/3 with conditions', 10, 10, 1 / 3, 2),
  makeScenario('(c) 20 policies x 10 statements, 1/3 with conditions', 20, 10, 1 / 3, 3),
];

const overhead = timerOverheadNanos();
console.log(`Node ${process.version}; timer overhead ${overhead} ns per sample (subtracted).`);
console.log('scenario | evaluations/s | p50 µs | p99 µs | allowed | compile µs (median)');
const results = new Map<string, Measurement>();
for (const scenario of scenarios) {
  const policySet = compileOrThrow(scenario.policies);
  const measurement = measure((request) => evaluate(policySet, { ...request, context: RequestContext.from(request.context) }).decision, requests, overhead);
  results.set(scenario.name, measurement);
  console.log(
    `${scenario.name} | ${format(measurement.perSecond, 0)} | ${format(measurement.p50)} | ${format(measurement.p99)} | ${format(measurement.allowShare * 100, 1)}% | ${format(compileMicros(scenario), 1)}`,
  );
}

// Baseline, same run: validate and compile the policies for every request, as an engine without a
// compiled, cached form must.
const baselineScenario = scenarios[1]!;
const baseline = measure((request) => evaluate(compileOrThrow(baselineScenario.policies), { ...request, context: RequestContext.from(request.context) }).decision, requests, overhead, 5_000);
const compiled = results.get(baselineScenario.name)!;
console.log(`baseline: (b) compiled per request | ${format(baseline.perSecond, 0)} | ${format(baseline.p50)} | ${format(baseline.p99)} | ${format(baseline.allowShare * 100, 1)}% | —`);
console.log(`compiled and cached vs compiled per request, (b): ${format(compiled.perSecond / baseline.perSecond, 0)}x the evaluations per second`);

// Cold compile of (b), measured in the same run: the stored path against the validated one.
const COMPILE_SAMPLES = 400;
const gc = (globalThis as { gc?: () => void }).gc;
const storedTexts = baselineScenario.policies.map((policy) => JSON.stringify(policy));

interface CompileMeasurement {
  readonly medianMicros: number;
  readonly medianBytes: number | undefined;
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}

function measureCompile(compile: () => unknown): CompileMeasurement {
  for (let i = 0; i < 200; i++) compile();
  const micros: number[] = [];
  for (let i = 0; i < COMPILE_SAMPLES; i++) {
    const start = process.hrtime.bigint();
    compile();
    micros.push(Math.max(0, Number(process.hrtime.bigint() - start) - overhead) / 1000);
  }
  let medianBytes: number | undefined;
  if (gc) {
    // One compile allocates far less than the young generation holds, so no collection runs inside it.
    const bytes: number[] = [];
    for (let i = 0; i < 50; i++) {
      gc();
      const before = process.memoryUsage().heapUsed;
      compile();
      bytes.push(process.memoryUsage().heapUsed - before);
    }
    medianBytes = median(bytes);
  }
  return { medianMicros: median(micros), medianBytes };
}

const firstRequests = requests.slice(0, 20).map((request) => ({ ...request, context: RequestContext.from(request.context) }));
const compileRows: [string, CompileMeasurement][] = [
  ['compileStoredPolicySet, stored text (JSON.parse, no validation)', measureCompile(() => compileStoredPolicySet({ identityPolicies: storedTexts }))],
  ['compilePolicySet, the same text (strict reader, validation)', measureCompile(() => compilePolicySet({ identityPolicies: storedTexts }))],
  ['compilePolicySet, parsed values (validation)', measureCompile(() => compilePolicySet({ identityPolicies: baselineScenario.policies }))],
  [
    'compileStoredPolicySet, then 20 evaluations',
    measureCompile(() => {
      const compiled = compileStoredPolicySet({ identityPolicies: storedTexts });
      if (compiled.ok) for (const request of firstRequests) evaluate(compiled.policySet, request);
    }),
  ],
];
const storedRow = compileRows[0]![1];
const validatedRow = compileRows[1]![1];
const kilobytes = (bytes: number | undefined): string => (bytes === undefined ? 'run with --expose-gc' : format(bytes / 1024, 1));
console.log(`\ncold compile of (b), ${storedTexts.reduce((sum, text) => sum + text.length, 0).toLocaleString('en-US')} characters of policy text, no cache:`);
console.log('path | median µs | median KB allocated');
for (const [name, row] of compileRows) console.log(`${name} | ${format(row.medianMicros, 1)} | ${kilobytes(row.medianBytes)}`);
const byteRatio = storedRow.medianBytes && validatedRow.medianBytes ? `, ${format(validatedRow.medianBytes / storedRow.medianBytes, 1)}x fewer bytes` : '';
console.log(`stored vs validated text: ${format(validatedRow.medianMicros / storedRow.medianMicros, 1)}x faster${byteRatio}`);
