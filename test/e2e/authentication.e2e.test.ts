import { request as httpRequest } from 'node:http';
import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const WHO_AM_I = '{ callerIdentity { account arn userId } }';

describe.each([...DRIVERS])('SigV4 authentication over HTTP (%s)', (driver) => {
  let warden: RunningWarden;
  beforeAll(async () => {
    warden = await startTestWarden(driver);
  });
  afterAll(async () => {
    await warden.close();
  });

  const unauthenticated = (response: { status: number; body: { errors?: { extensions?: Record<string, unknown>; message: string }[] } }, reason: string) => {
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
  };

  it('accepts a request signed by the AWS SDK signer and knows who sent it', async () => {
    const tenant = await newTenant(warden);
    const data = await tenant.root.data<{ callerIdentity: { account: string; arn: string } }>(WHO_AM_I);
    expect(data.callerIdentity).toMatchObject({ account: tenant.accountId, arn: `arn:aws:iam::${tenant.accountId}:root` });
  });

  it('refuses a missing signature, an unknown key, a wrong secret, a skewed date and a tampered body', async () => {
    const tenant = await newTenant(warden);
    const plain = await fetch(warden.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: WHO_AM_I }) });
    unauthenticated({ status: plain.status, body: (await plain.json()) as never }, 'MISSING_AUTHENTICATION');
    unauthenticated(await new SignedClient(warden.url, { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x'.repeat(40) }).request(WHO_AM_I), 'UNKNOWN_ACCESS_KEY');
    const wrongSecret = await new SignedClient(warden.url, { ...tenant.credentials, secretAccessKey: 'y'.repeat(40) }).request(WHO_AM_I);
    unauthenticated(wrongSecret, 'SIGNATURE_MISMATCH');
    expect(JSON.stringify(wrongSecret.body)).not.toContain(tenant.credentials.secretAccessKey);
    unauthenticated(await tenant.root.request(WHO_AM_I, {}, { signingDate: new Date(Date.now() - 6 * 60_000) }), 'REQUEST_TIME_TOO_SKEWED');
    // The SDK signs the body's hash (x-amz-content-sha256); a body changed in flight no longer matches it.
    unauthenticated(await tenant.root.request(WHO_AM_I, {}, { tamper: (body) => body.replace('callerIdentity', 'callerIdentity ') }), 'BODY_HASH_MISMATCH');
    unauthenticated(await tenant.root.request(WHO_AM_I, {}, { region: 'eu-west-1' }), 'INVALID_CREDENTIAL_SCOPE');
  });

  it('refuses an inactive key and accepts it again once reactivated', async () => {
    const tenant = await newTenant(warden);
    const created = await tenant.root.data<{ createUser: { __typename: string } }>('mutation { createUser(input: { userName: "keyholder" }) { __typename } }');
    expect(created.createUser.__typename).toBe('CreateUserSuccess');
    const key = await tenant.root.data<{ createAccessKey: { data: { accessKeyId: string; secretAccessKey: string } } }>(
      'mutation { createAccessKey(input: { userName: "keyholder" }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
    );
    const user = new SignedClient(warden.url, key.createAccessKey.data);
    expect((await user.data<{ callerIdentity: { arn: string } }>(WHO_AM_I)).callerIdentity.arn).toBe(`arn:aws:iam::${tenant.accountId}:user/keyholder`);
    await tenant.root.data('mutation($id: String!) { updateAccessKey(input: { accessKeyId: $id, status: Inactive }) { __typename } }', { id: key.createAccessKey.data.accessKeyId });
    unauthenticated(await user.request(WHO_AM_I), 'INACTIVE_ACCESS_KEY');
    await tenant.root.data('mutation($id: String!) { updateAccessKey(input: { accessKeyId: $id, status: Active }) { __typename } }', { id: key.createAccessKey.data.accessKeyId });
    expect((await user.request(WHO_AM_I)).status).toBe(200);
  });

  it('rejects an oversized body before authenticating it', async () => {
    const response = await fetch(warden.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ callerIdentity { arn } } # ${'x'.repeat(2 * 1024 * 1024)}` }),
    });
    expect(response.status).toBe(413);
  });

  it('answers 400 where a URL is needed and the Host header cannot make one', async () => {
    const url = new URL(warden.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'GET', headers: { host: 'not a host', accept: 'text/html' } }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject);
      request.end();
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('answers 413 to an oversized body sent in chunks, with no length declared', async () => {
    const url = new URL(warden.url);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 2 * 1024 * 1024) {
          sent += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', pump);
        }
        request.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });
});
