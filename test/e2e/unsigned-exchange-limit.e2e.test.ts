import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, startTestWarden } from './support/warden-under-test.js';

const ASSUME = `mutation W($input: AssumeRoleWithWebIdentityInput!) { assumeRoleWithWebIdentity(input: $input) {
  __typename
  ... on ThrottlingError { retryAfterSeconds }
  ... on Error { code message }
} }`;

/**
 * The unsigned exchanges' ceiling over HTTP (WARDEN_UNSIGNED_EXCHANGES_PER_MINUTE): the client
 * address is the one `client-address.ts` decides (here the X-Forwarded-For hop a trusted proxy on
 * loopback names), so a flood from one client is throttled while another client is still answered.
 */
describe.each([...DRIVERS])('unsigned exchanges per client address over HTTP (%s)', (driver) => {
  let warden: RunningWarden;
  beforeAll(async () => {
    warden = await startTestWarden(driver, undefined, { env: { WARDEN_UNSIGNED_EXCHANGES_PER_MINUTE: '3', WARDEN_TRUSTED_PROXIES: '127.0.0.1' } });
  });
  afterAll(async () => {
    await warden.close();
  });

  async function exchangeFrom(client: string): Promise<{ __typename: string; code?: string; retryAfterSeconds?: number }> {
    const input = { roleArn: `arn:aws:iam::${warden.managementAccountId}:role/none`, roleSessionName: 'flood', webIdentityToken: 'not-a-token' };
    const response = await fetch(warden.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      body: JSON.stringify({ query: ASSUME, variables: { input } }),
    });
    const body = (await response.json()) as { data: { assumeRoleWithWebIdentity: { __typename: string; code?: string; retryAfterSeconds?: number } } };
    return body.data.assumeRoleWithWebIdentity;
  }

  it('throttles the fourth exchange of a minute from one client and answers another client', async () => {
    // The ceiling counts in calendar minutes on the server's clock: four exchanges that straddle
    // a minute's turn would be counted in two. So none starts in a minute's last 15 s.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
    for (let i = 0; i < 3; i++) expect((await exchangeFrom('203.0.113.5')).code).toBe('InvalidIdentityToken');
    const throttled = await exchangeFrom('203.0.113.5');
    expect(throttled).toMatchObject({ __typename: 'ThrottlingError', code: 'Throttling' });
    expect(throttled.retryAfterSeconds).toBeGreaterThan(0);
    expect((await exchangeFrom('203.0.113.6')).code).toBe('InvalidIdentityToken');
  });
});
