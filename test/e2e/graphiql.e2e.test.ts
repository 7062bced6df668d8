import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningWarden } from '@warden/api';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedClient } from './support/signed-client.js';
import { newTenant, ONE_DRIVER, startTestWarden } from './support/warden-under-test.js';

/**
 * GraphiQL in a real browser (Debian's Chromium, driven by Playwright): the page Warden serves
 * renders with every request to another host refused (as on a machine without internet) and no
 * Content-Security-Policy violation; a user signed in on the sign-in page runs a query with the
 * session cookie; the docs pane shows the schema; a key pasted in the headers pane signs requests
 * in the page. A screenshot goes to test/artifacts/ for CI to keep.
 */
const CHROMIUM = process.env['WARDEN_CHROMIUM'] ?? '/usr/bin/chromium';
const canRun = existsSync(CHROMIUM);
if (!canRun && process.env['WARDEN_REQUIRE_SERVICES'] === '1') throw new Error(`WARDEN_REQUIRE_SERVICES=1 but there is no Chromium at ${CHROMIUM}`);
if (!canRun) console.warn(`No Chromium at ${CHROMIUM} (apt-get install chromium): the GraphiQL browser test is skipped.`);

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');

describe.skipIf(!canRun)('GraphiQL in a browser', () => {
  let warden: RunningWarden;
  let browser: Browser;
  let root: SignedClient;
  let accountId: string;
  let origin: string;

  beforeAll(async () => {
    warden = await startTestWarden(ONE_DRIVER);
    origin = new URL(warden.url).origin;
    ({ root, accountId } = await newTenant(warden));
    await root.data('mutation { createUser(input: { userName: "dana" }) { __typename } }');
    const profile = await root.data<{ createLoginProfile: { __typename: string } }>('mutation { createLoginProfile(input: { userName: "dana", password: "Correct-Horse-9!" }) { __typename } }');
    expect(profile.createLoginProfile.__typename).toBe('CreateLoginProfileSuccess');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await warden?.close();
  });

  /** A fresh page that may reach this server only, and records what else it tried and every CSP report. */
  async function offlinePage(): Promise<{ page: Page; elsewhere: string[]; violations: string[]; errors: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const elsewhere: string[] = [];
    const violations: string[] = [];
    const errors: string[] = [];
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) await route.continue();
      else {
        elsewhere.push(url);
        await route.abort();
      }
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    return { page, elsewhere, violations, errors };
  }

  async function runQuery(page: Page): Promise<void> {
    await page.locator('.graphiql-execute-button').click();
  }

  it('renders offline, runs a query as the user signed in with the session cookie, and shows the schema in the docs pane', async () => {
    const { page, elsewhere, violations, errors } = await offlinePage();
    await page.goto(`${origin}/signin/${accountId}`);
    await page.fill('input[name="userName"]', 'dana');
    await page.fill('input[name="password"]', 'Correct-Horse-9!');
    await Promise.all([page.waitForLoadState('load'), page.locator('form button, form input[type="submit"]').first().click()]);

    const response = await page.goto(`${origin}/graphql`);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    await page.locator('.graphiql-container').waitFor();
    await runQuery(page);
    await expect.poll(() => page.locator('.result-window').innerText(), { timeout: 15_000 }).toContain(`arn:aws:iam::${accountId}:user/dana`);

    await page.getByRole('button', { name: /documentation explorer/i }).click();
    await expect.poll(() => page.locator('.graphiql-doc-explorer').innerText(), { timeout: 15_000 }).toMatch(/Query/);
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().click();
    await expect.poll(() => page.locator('.graphiql-doc-explorer').innerText(), { timeout: 15_000 }).toContain('callerIdentity');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'graphiql.png'), fullPage: true });
    expect(elsewhere).toEqual([]);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('signs requests in the page with a key pasted in the headers pane, sending the signature and never the secret', async () => {
    const key = await root.data<{ createAccessKey: { data: { accessKeyId: string; secretAccessKey: string } } }>(
      'mutation { createAccessKey(input: { userName: "dana" }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
    );
    const { accessKeyId, secretAccessKey } = key.createAccessKey.data;
    const { page, elsewhere } = await offlinePage();
    const sent: { authorization: string | undefined; secret: boolean }[] = [];
    page.on('request', (request) => {
      if (request.url() === `${origin}/graphql` && request.method() === 'POST') {
        const headers = request.headers();
        sent.push({ authorization: headers['authorization'], secret: JSON.stringify(headers).includes(secretAccessKey) || (request.postData() ?? '').includes(secretAccessKey) });
      }
    });
    await page.goto(`${origin}/graphql`);
    await page.locator('.graphiql-container').waitFor();
    await page.getByText('Headers', { exact: true }).click();
    // The headers editor is CodeMirror 5, which keeps its instance on its element.
    await page.evaluate(
      (headers) => {
        const editors = [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')] as (Element & { CodeMirror: { setValue(value: string): void } })[];
        editors.at(-1)!.CodeMirror.setValue(headers);
      },
      JSON.stringify({ 'X-Warden-Access-Key-Id': accessKeyId, 'X-Warden-Secret-Access-Key': secretAccessKey }),
    );
    await runQuery(page);
    await expect.poll(() => page.locator('.result-window').innerText(), { timeout: 15_000 }).toContain(`arn:aws:iam::${accountId}:user/dana`);
    const signed = sent.at(-1)!;
    expect(signed.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${accessKeyId}/\\d{8}/[a-z0-9-]+/warden/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`));
    expect(sent.some((request) => request.secret)).toBe(false);
    expect(elsewhere).toEqual([]);
  });
});
