import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../bench/bench-support.js';
import { signAlong } from './support/execution-paths.js';
import type { Credentials, SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, ONE_DRIVER, startTestWarden } from './support/warden-under-test.js';

async function scrape(warden: RunningWarden): Promise<string> {
  const response = await fetch(warden.metricsUrl!);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

/** A counter's value in a scrape; 0 when the series is not there yet. */
function counterIn(scraped: string, series: string): number {
  const line = scraped.split('\n').find((each) => each.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

const GET_USER = 'query($n: String!) { user(userName: $n) { __typename } }';

describe.each([...DRIVERS])('Prometheus metrics on their own listener (%s)', (driver) => {
  let warden: RunningWarden;
  let credentials: Credentials;
  let accountId: string;
  let root: SignedClient;
  beforeAll(async () => {
    warden = await startTestWarden(driver, undefined, { env: { WARDEN_METRICS_PORT: String(await freePort()) } });
    ({ credentials, accountId, root } = await newTenant(warden));
  });
  afterAll(async () => {
    await warden.close();
  });

  it('counts the same operation alike on the compiled path and on yoga, each under its own path', async () => {
    const series = (path: string) => `warden_http_requests_total{path="${path}",operation="user",outcome="2xx"}`;
    const before = await scrape(warden);
    for (const path of ['compiled operations', 'yoga behind the fast path'] as const) {
      const signed = await signAlong(path, warden.url, credentials, GET_USER, { n: 'nobody-here' });
      const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body });
      expect(response.status).toBe(200);
    }
    const after = await scrape(warden);
    expect(counterIn(after, series('compiled')) - counterIn(before, series('compiled'))).toBe(1);
    expect(counterIn(after, series('yoga')) - counterIn(before, series('yoga'))).toBe(1);
    expect(counterIn(after, 'warden_http_request_duration_seconds_count{path="compiled"}')).toBeGreaterThanOrEqual(1);
  });

  it('counts an unsigned GraphQL request refused before any engine ran it as other, 4xx', async () => {
    const series = 'warden_http_requests_total{path="other",operation="user",outcome="4xx"}';
    const before = counterIn(await scrape(warden), series);
    const response = await fetch(warden.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: GET_USER, variables: { n: 'x' } }) });
    expect(response.status).toBe(401);
    expect(counterIn(await scrape(warden), series) - before).toBe(1);
  });

  it('counts a Query request by its Action, and an action it does not know as other', async () => {
    const endpoint = new URL('/', warden.url).href;
    const known = 'warden_http_requests_total{path="aws-query",operation="ListUsers",outcome="2xx"}';
    const unknown = 'warden_http_requests_total{path="aws-query",operation="other",outcome="4xx"}';
    const before = await scrape(warden);
    await new IAMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 }).send(new ListUsersCommand({}));
    const invented = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=MadeUpAction123&Version=2010-05-08' });
    expect(invented.status).toBeGreaterThanOrEqual(400);
    const after = await scrape(warden);
    expect(counterIn(after, known) - counterIn(before, known)).toBe(1);
    expect(counterIn(after, unknown) - counterIn(before, unknown)).toBe(1);
    expect(after).not.toContain('MadeUpAction123');
  });

  it('counts authorize decisions by decision, each of a batch, and the events a write commits', async () => {
    const before = await scrape(warden);
    const created = await root.data<{ createUser: { __typename: string } }>('mutation { createUser(input: { userName: "metered" }) { __typename } }');
    expect(created.createUser.__typename).toBe('CreateUserSuccess');
    const afterWrite = await scrape(warden);
    expect(counterIn(afterWrite, 'warden_events_appended_total') - counterIn(before, 'warden_events_appended_total')).toBeGreaterThanOrEqual(1);
    await root.data('mutation { attachUserPolicy(input: { userName: "metered", policyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess" }) { __typename } }');
    const principal = `arn:aws:iam::${accountId}:user/metered`;
    const ask = (action: string) => ({ principal, action, resource: '*' });
    const one = await root.data<{ authorize: { data: { decision: string } } }>('query($i: AuthorizeInput!) { authorize(input: $i) { ... on AuthorizeSuccess { data { decision } } } }', {
      i: ask('iam:GetUser'),
    });
    expect(one.authorize.data.decision).toBe('allow');
    await root.data('query($r: [AuthorizeInput!]!) { authorizeBatch(input: { requests: $r }) { __typename } }', { r: [ask('s3:GetObject'), ask('iam:CreateUser'), ask('iam:ListUsers')] });
    const after = await scrape(warden);
    const decided = (decision: string) => counterIn(after, `warden_authorize_decisions_total{decision="${decision}"}`) - counterIn(before, `warden_authorize_decisions_total{decision="${decision}"}`);
    expect(decided('allow')).toBe(2);
    expect(decided('deny')).toBe(2);
    // The tenant root signed every request with one key: resolved once, then from the cache.
    expect(counterIn(after, 'warden_cache_requests_total{cache="credentials",result="hit"}')).toBeGreaterThan(counterIn(before, 'warden_cache_requests_total{cache="credentials",result="hit"}'));
    expect(counterIn(after, 'warden_cache_requests_total{cache="compiled-principals",result="miss"}')).toBeGreaterThan(
      counterIn(before, 'warden_cache_requests_total{cache="compiled-principals",result="miss"}'),
    );
  });

  it('labels nothing with a tenant’s data', async () => {
    const scraped = await scrape(warden);
    expect(scraped).not.toContain(credentials.accessKeyId);
    expect(scraped).not.toContain(accountId);
    expect(scraped).not.toContain('metered');
    expect(scraped).not.toContain('arn:');
  });

  it('counts the health probes, and has the process metrics and, on Postgres, the pool', async () => {
    const series = 'warden_http_requests_total{path="health",operation="other",outcome="2xx"}';
    const before = counterIn(await scrape(warden), series);
    expect((await fetch(new URL('/health/live', warden.url))).status).toBe(200);
    const scraped = await scrape(warden);
    expect(counterIn(scraped, series) - before).toBe(1);
    expect(scraped).toContain('process_resident_memory_bytes');
    if (driver === 'postgres') expect(counterIn(scraped, 'warden_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    else expect(scraped).not.toContain('warden_db_pool_connections');
  });

  it('answers nothing but GET /metrics on its listener, and nothing at /metrics on the API’s port', async () => {
    expect((await fetch(new URL('/other', warden.metricsUrl))).status).toBe(404);
    expect((await fetch(warden.metricsUrl!, { method: 'POST' })).status).toBe(404);
    expect((await fetch(new URL('/metrics', warden.url))).status).toBe(404);
    expect(new URL(warden.metricsUrl!).hostname).toBe('127.0.0.1');
  });
});

describe('WARDEN_METRICS_PORT=0', () => {
  it('starts no metrics listener', async () => {
    const warden = await startTestWarden(ONE_DRIVER);
    try {
      expect(warden.metricsUrl).toBeUndefined();
      expect((await fetch(new URL('/health/live', warden.url))).status).toBe(200);
    } finally {
      await warden.close();
    }
  });
});
