import { describe, expect, it } from 'vitest';
import { JOBS } from '@warden/workers';
import { WardenMetrics } from './warden-metrics.js';

/** One sample's value from the text exposition, or undefined when the series is absent. */
async function sample(metrics: WardenMetrics, series: string): Promise<number | undefined> {
  const { body } = await metrics.exposition();
  const line = body.split('\n').find((each) => each.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('WardenMetrics', () => {
  it('counts each answered request by path, operation and status class, and times it by path', async () => {
    const metrics = new WardenMetrics();
    metrics.requestAnswered('compiled', 'authorize', 200, 0.002);
    metrics.requestAnswered('compiled', 'authorize', 200, 0.003);
    metrics.requestAnswered('yoga', 'authorize', 401, 0.001);
    metrics.requestAnswered('aws-query', 'GetUser', 503, 0.2);
    expect(await sample(metrics, 'warden_http_requests_total{path="compiled",operation="authorize",outcome="2xx"}')).toBe(2);
    expect(await sample(metrics, 'warden_http_requests_total{path="yoga",operation="authorize",outcome="4xx"}')).toBe(1);
    expect(await sample(metrics, 'warden_http_requests_total{path="aws-query",operation="GetUser",outcome="5xx"}')).toBe(1);
    expect(await sample(metrics, 'warden_http_request_duration_seconds_count{path="compiled"}')).toBe(2);
    expect(await sample(metrics, 'warden_http_request_duration_seconds_bucket{le="0.0025",path="compiled"}')).toBe(1);
    expect(await sample(metrics, 'warden_http_request_duration_seconds_sum{path="aws-query"}')).toBeCloseTo(0.2);
  });

  it('keeps a registry per instance, so two servers in one process count apart', async () => {
    const one = new WardenMetrics();
    const other = new WardenMetrics();
    one.requestAnswered('health', 'other', 200, 0);
    expect(await sample(one, 'warden_http_requests_total{path="health",operation="other",outcome="2xx"}')).toBe(1);
    expect(await sample(other, 'warden_http_requests_total{path="health",operation="other",outcome="2xx"}')).toBeUndefined();
  });

  it('reads the database pool at each scrape, and has no pool series without a pool', async () => {
    let use = { total: 4, idle: 3, waiting: 0 };
    const metrics = new WardenMetrics();
    metrics.watchPool(() => use);
    expect(await sample(metrics, 'warden_db_pool_connections{state="total"}')).toBe(4);
    use = { total: 10, idle: 0, waiting: 7 };
    expect(await sample(metrics, 'warden_db_pool_connections{state="idle"}')).toBe(0);
    expect(await sample(metrics, 'warden_db_pool_connections{state="waiting"}')).toBe(7);
    expect((await new WardenMetrics().exposition()).body).not.toContain('warden_db_pool_connections');
  });

  it('counts what the IAM service tells: decisions, cache lookups, appended events', async () => {
    const metrics = new WardenMetrics();
    const observer = metrics.iamObserver;
    observer.authorized('allow');
    observer.authorized('deny');
    observer.authorized('deny');
    observer.cache('credentials', 'hit');
    observer.cache('compiled-principals', 'miss');
    observer.eventsAppended(3);
    observer.eventsAppended(0);
    expect(await sample(metrics, 'warden_authorize_decisions_total{decision="allow"}')).toBe(1);
    expect(await sample(metrics, 'warden_authorize_decisions_total{decision="deny"}')).toBe(2);
    expect(await sample(metrics, 'warden_cache_requests_total{cache="credentials",result="hit"}')).toBe(1);
    expect(await sample(metrics, 'warden_cache_requests_total{cache="credentials",result="miss"}')).toBeUndefined();
    expect(await sample(metrics, 'warden_cache_requests_total{cache="compiled-principals",result="miss"}')).toBe(1);
    expect(await sample(metrics, 'warden_events_appended_total')).toBe(3);
  });

  it('counts the call records written and dropped', async () => {
    const metrics = new WardenMetrics();
    metrics.iamObserver.callRecords('written', 5);
    metrics.iamObserver.callRecords('written', 2);
    metrics.iamObserver.callRecords('dropped', 1);
    expect(await sample(metrics, 'warden_audit_call_records_written_total')).toBe(7);
    expect(await sample(metrics, 'warden_audit_call_records_dropped_total')).toBe(1);
  });

  it('counts the last-accessed counts lost, by reason', async () => {
    const metrics = new WardenMetrics();
    metrics.iamObserver.lastAccessedLost(4, 'flush-failed');
    metrics.iamObserver.lastAccessedLost(1, 'full');
    metrics.iamObserver.lastAccessedLost(2, 'flush-failed');
    expect(await sample(metrics, 'warden_last_accessed_lost_total{reason="flush-failed"}')).toBe(6);
    expect(await sample(metrics, 'warden_last_accessed_lost_total{reason="full"}')).toBe(1);
  });

  it('counts job runs by job and outcome', async () => {
    const metrics = new WardenMetrics();
    metrics.jobObserver.jobRan(JOBS.sweepExpiredSessions, 'completed');
    metrics.jobObserver.jobRan(JOBS.rotateKeyring, 'failed');
    expect(await sample(metrics, 'warden_jobs_total{job="sweep-expired-sessions",outcome="completed"}')).toBe(1);
    expect(await sample(metrics, 'warden_jobs_total{job="rotate-keyring",outcome="failed"}')).toBe(1);
    expect(await sample(metrics, 'warden_jobs_total{job="rotate-keyring",outcome="completed"}')).toBeUndefined();
  });

  it('exposes the process metrics', async () => {
    const { body, contentType } = await new WardenMetrics().exposition();
    expect(contentType).toContain('text/plain');
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('nodejs_eventloop_lag_seconds');
  });
});
