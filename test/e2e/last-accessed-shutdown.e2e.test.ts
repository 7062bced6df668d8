import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningWarden } from '@warden/api';
import type { Caller } from '@warden/iam';
import { afterEach, describe, expect, it } from 'vitest';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const rootOf = (accountId: string): Caller => ({ accountId, arn: `arn:aws:iam::${accountId}:root`, kind: 'root', requestContext: {} });
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

/**
 * The server's last-accessed counters: what is counted and not written yet goes in a last batch when
 * the server stops (before the database closes), and WARDEN_LAST_ACCESSED=false counts nothing.
 */
describe.each([...DRIVERS])('last-accessed counting in the server (%s)', (driver) => {
  const running: RunningWarden[] = [];
  afterEach(async () => {
    for (const warden of running.splice(0)) await warden.close();
  });

  /** A server on `dataDir` (the embedded store's directory; Postgres keeps its data anyway). */
  async function start(dataDir: string, env: Record<string, string> = {}): Promise<RunningWarden> {
    const warden = await startTestWarden(driver, undefined, { env: { WARDEN_DATA_DIR: dataDir, ...env } });
    running.push(warden);
    return warden;
  }

  /** A tenant whose user `app` may read s3, asked about once through authorize (an allow). */
  async function used(warden: RunningWarden): Promise<{ accountId: string; appArn: string }> {
    const tenant = await newTenant(warden);
    const root = rootOf(tenant.accountId);
    const app = await warden.iam.users.create(root, { userName: 'app' });
    await warden.iam.users.putInlinePolicy(root, 'app', 'reads', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }));
    const answer = await tenant.root.data<{ authorize: { data: { decision: string } } }>(
      `query ($input: AuthorizeInput!) { authorize(input: $input) { ... on AuthorizeSuccess { data { decision } } } }`,
      { input: { principal: app.arn, action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key' } },
    );
    expect(answer.authorize.data.decision).toBe('allow');
    return { accountId: tenant.accountId, appArn: app.arn };
  }

  async function s3Of(warden: RunningWarden, accountId: string, appArn: string) {
    const root = rootOf(accountId);
    const { jobId } = await warden.iam.accessAdvisor.generateServiceLastAccessedDetails(root, { arn: appArn });
    const details = await warden.iam.accessAdvisor.serviceLastAccessedDetails(root, jobId);
    return details.servicesLastAccessed.find((service) => service.serviceNamespace === 's3');
  }

  it('writes the pending counts when the server closes, before its database does', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'warden-last-accessed-'));
    const first = await start(dataDir);
    const { accountId, appArn } = await used(first);
    // Counted, not written: the batch waits for its interval, or for the close.
    expect(first.iam.core.usage.pendingKeys).toBeGreaterThan(0);
    await running.pop()!.close();
    const second = await start(dataDir);
    expect(await s3Of(second, accountId, appArn)).toMatchObject({ lastAuthenticatedEntity: appArn, totalAuthenticatedEntities: 1 });
  });

  it('counts nothing with WARDEN_LAST_ACCESSED=false', async () => {
    const warden = await start(mkdtempSync(join(tmpdir(), 'warden-last-accessed-')), { WARDEN_LAST_ACCESSED: 'false' });
    const { accountId, appArn } = await used(warden);
    expect(warden.iam.core.usage.pendingKeys).toBe(0);
    expect(await s3Of(warden, accountId, appArn)).toMatchObject({ lastAuthenticated: null, totalAuthenticatedEntities: null });
  });
});
