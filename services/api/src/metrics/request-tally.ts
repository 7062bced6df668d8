import { Counter, type Registry } from 'prom-client';
import type { RequestPath } from './request-path.js';

const REQUEST_PATHS: readonly RequestPath[] = ['compiled', 'yoga', 'aws-query', 'sign-in', 'health', 'other'];

/** The `outcome` label: the answer's status class, 1xx to 5xx. */
const OUTCOMES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/**
 * Seconds. Warden's answers run from well under a millisecond (a cached authorize) to a second
 * or so (a password hash, a cold document compile).
 */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

const REQUESTS = 'warden_http_requests_total';
const DURATIONS = 'warden_http_request_duration_seconds';

/** One path's durations: a count per bucket (not cumulative; the last is past every bound), their sum and number. */
interface Durations {
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

/**
 * The request metrics, counted into plain numbers on the request path and handed to prom-client at
 * scrape: prom-client hashes a series' labels on every `inc` and `observe`, even through a child
 * bound to them, and these two are told of every request. The requests counter takes what was
 * counted since the last scrape in its `collect`; the duration histogram is exposed from the
 * counts themselves, in the exposition prom-client's own Histogram writes.
 */
export class RequestTally {
  /** Per path, per operation, a count per status class since the last scrape. */
  readonly #counts = new Map<RequestPath, Map<string, number[]>>();
  readonly #durations = new Map<RequestPath, Durations>();

  constructor(registry: Registry) {
    for (const path of REQUEST_PATHS) {
      this.#counts.set(path, new Map());
      this.#durations.set(path, { buckets: new Float64Array(DURATION_BUCKETS.length + 1), sum: 0, count: 0 });
    }
    const counts = this.#counts;
    new Counter({
      name: REQUESTS,
      help: 'HTTP requests answered, by what answered them, their operation and their status class.',
      labelNames: ['path', 'operation', 'outcome'],
      registers: [registry],
      collect() {
        for (const [path, byOperation] of counts)
          for (const [operation, byOutcome] of byOperation)
            byOutcome.forEach((count, index) => {
              if (count === 0) return;
              this.inc({ path, operation, outcome: OUTCOMES[index]! }, count);
              byOutcome[index] = 0;
            });
      },
    });
    registry.registerMetric(this.#durationHistogram() as never);
  }

  /** One answered request: `status` is the HTTP status sent, `seconds` how long since it was read. */
  answered(path: RequestPath, operation: string, status: number, seconds: number): void {
    const byOperation = this.#counts.get(path)!;
    let byOutcome = byOperation.get(operation);
    if (byOutcome === undefined) {
      byOutcome = [0, 0, 0, 0, 0];
      byOperation.set(operation, byOutcome);
    }
    const statusClass = Math.floor(status / 100);
    // A status outside 100–599 is not one Node sends; counted as a server error rather than lost.
    byOutcome[statusClass >= 1 && statusClass <= 5 ? statusClass - 1 : 4]! += 1;
    const durations = this.#durations.get(path)!;
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]!) bucket += 1;
    durations.buckets[bucket]! += 1;
    durations.sum += seconds;
    durations.count += 1;
  }

  /** The histogram as a metric of the registry: what prom-client asks of one (its name, help and type, and `get`). */
  #durationHistogram() {
    const durations = this.#durations;
    const help = 'Time from reading a request to its answer, by what answered it.';
    return {
      name: DURATIONS,
      help,
      type: 'histogram',
      aggregator: 'sum',
      reset() {
        for (const each of durations.values()) {
          each.buckets.fill(0);
          each.sum = 0;
          each.count = 0;
        }
      },
      get() {
        const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
        for (const [path, each] of durations) {
          // A path no request took has no series, as with prom-client's own histogram.
          if (each.count === 0) continue;
          let cumulative = 0;
          DURATION_BUCKETS.forEach((bound, index) => {
            cumulative += each.buckets[index]!;
            values.push({ labels: { le: bound, path }, value: cumulative, metricName: `${DURATIONS}_bucket` });
          });
          values.push({ labels: { le: '+Inf', path }, value: each.count, metricName: `${DURATIONS}_bucket` });
          values.push({ labels: { path }, value: each.sum, metricName: `${DURATIONS}_sum` });
          values.push({ labels: { path }, value: each.count, metricName: `${DURATIONS}_count` });
        }
        return { name: DURATIONS, help, type: 'histogram', values, aggregator: 'sum' };
      },
    };
  }
}
