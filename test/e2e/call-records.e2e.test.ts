import { DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import type { RunningWarden } from '@warden/api';
import { type ApiCallRow, inAccountTransaction } from '@warden/db';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXECUTION_PATH_NAMES, signAlong } from './support/execution-paths.js';
import type { Credentials, SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/** One client's name for itself on every front, so that the records differ only where the request does. */
const USER_AGENT = 'call-records-e2e/1.0';

/** What a record says apart from what is the request's own (its id, its time) and the row's keys. */
function comparable(row: ApiCallRow): Omit<ApiCallRow, 'record_id' | 'transaction_id' | 'request_id' | 'occurred_at'> {
  const { record_id: _record, transaction_id: _transaction, request_id: _request, occurred_at: _at, ...rest } = row;
  return rest;
}

/**
 * Every front's call ends in one place that records it (the IamService operations boundary): the
 * same denied call sent over GraphQL (on each execution path) and over AWS's Query protocol with
 * the SDK v3 leaves the same record, once per call. Records are written in batches shortly after
 * the call: the tests wait for them to appear.
 */
describe.each([...DRIVERS])('call records from every front (%s)', (driver) => {
  let warden: RunningWarden;
  let accountId: string;
  let root: SignedClient;
  let mallory: Credentials;
  let endpoint: string;

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    endpoint = new URL('/', warden.url).href;
    ({ accountId, root } = await newTenant(warden));
    await root.data('mutation { createUser(input: { userName: "mallory" }) { __typename } }');
    await root.data('mutation { createUser(input: { userName: "target" }) { __typename } }');
    const key = await root.data<{ createAccessKey: { data: Credentials } }>(
      'mutation { createAccessKey(input: { userName: "mallory" }) { ... on CreateAccessKeySuccess { data { accessKeyId secretAccessKey } } } }',
    );
    mallory = key.createAccessKey.data;
  });
  afterAll(async () => {
    await warden?.close();
  });

  function records(): Promise<ApiCallRow[]> {
    return inAccountTransaction(warden.wardenDb.db, accountId, (trx) => trx.selectFrom('api_calls').selectAll().orderBy('record_id').execute());
  }

  /** The records of the requests given, once all of them are written. */
  async function recordsOf(requestIds: readonly string[]): Promise<ApiCallRow[]> {
    return vi.waitFor(
      async () => {
        const rows = (await records()).filter((row) => requestIds.includes(row.request_id ?? ''));
        if (rows.length < requestIds.length) throw new Error(`${rows.length} of ${requestIds.length} records written`);
        return rows;
      },
      { timeout: 5_000, interval: 50 },
    );
  }

  function withUserAgent<T extends IAMClient | OrganizationsClient>(client: T): T {
    // After the SDK's own user agent middleware; user-agent is not part of the SigV4 signature.
    client.middlewareStack.add(
      (next) => (args) => {
        const request = args.request as { headers: Record<string, string> };
        request.headers['user-agent'] = USER_AGENT;
        delete request.headers['x-amz-user-agent'];
        return next(args);
      },
      { step: 'build', priority: 'low' },
    );
    return client;
  }

  it('records the same denied GetUser once per call, alike from GraphQL (every path) and the Query protocol', async () => {
    const requestIds: string[] = [];
    for (const path of EXECUTION_PATH_NAMES) {
      const signed = await signAlong(path, warden.url, mallory, '{ user(userName: "target") { __typename ... on AccessDeniedError { code } } }', {}, { 'user-agent': USER_AGENT });
      const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body });
      const body = (await response.json()) as { data: { user: { __typename: string } } };
      expect(body.data.user.__typename).toBe('AccessDeniedError');
      requestIds.push(response.headers.get('x-amzn-requestid')!);
    }
    const iam = withUserAgent(new IAMClient({ endpoint, region: 'us-east-1', credentials: mallory, maxAttempts: 1 }));
    const refused = await iam.send(new GetUserCommand({ UserName: 'target' })).catch((error: unknown) => error as { name: string; $metadata: { requestId?: string } });
    expect((refused as { name: string }).name).toBe('AccessDenied');
    requestIds.push((refused as { $metadata: { requestId: string } }).$metadata.requestId);
    expect(new Set(requestIds).size).toBe(4);

    const rows = await recordsOf(requestIds);
    expect(rows.map((row) => row.request_id).sort()).toEqual([...requestIds].sort());
    const [first, ...others] = rows.map(comparable);
    for (const other of others) expect(other).toEqual(first);
    const malloryArn = `arn:aws:iam::${accountId}:user/mallory`;
    const targetArn = `arn:aws:iam::${accountId}:user/target`;
    expect(first).toEqual({
      account_id: accountId,
      operation: 'iam:GetUser',
      read_only: true,
      outcome: 'denied',
      error_code: 'AccessDenied',
      error_message: `User: ${malloryArn} is not authorized to perform: iam:GetUser on resource: ${targetArn} because no identity-based policy allows the iam:GetUser action`,
      decision: { action: 'iam:GetUser', resource: targetArn, kind: 'implicit_deny', policyType: 'identity', statements: [] },
      caller_arn: malloryArn,
      principal_arn: malloryArn,
      access_key_id: mallory.accessKeyId,
      session_id: null,
      source_identity: null,
      source_ip: '127.0.0.1',
      user_agent: USER_AGENT,
      resource_arns: [targetArn],
    });
    for (const row of rows) expect(row.occurred_at).toBeInstanceOf(Date);
  });

  it('records a denied call to the Organizations JSON front', async () => {
    const organizations = withUserAgent(new OrganizationsClient({ endpoint, region: 'us-east-1', credentials: mallory, maxAttempts: 1 }));
    const refused = (await organizations.send(new DescribeAccountCommand({ AccountId: accountId })).catch((error: unknown) => error)) as { name: string; $metadata: { requestId: string } };
    expect(refused.name).toBe('AccessDeniedException');
    const [row] = await recordsOf([refused.$metadata.requestId]);
    expect(row).toMatchObject({ operation: 'organizations:DescribeAccount', outcome: 'denied', error_code: 'AccessDenied', caller_arn: `arn:aws:iam::${accountId}:user/mallory` });
    // Refused by rule (a tenant's principal), before any policy was asked.
    expect(row!.decision).toMatchObject({ action: 'organizations:DescribeAccount', kind: 'refused_by_rule', statements: [] });
  });

  it('records a failed call with its error, and not a successful change', async () => {
    const created = await root.request('mutation { createUser(input: { userName: "quiet" }) { __typename } }');
    const failed = await root.request('{ user(userName: "ghost") { __typename ... on NoSuchEntityError { code } } }');
    expect((failed.body.data as { user: { __typename: string } }).user.__typename).toBe('NoSuchEntityError');
    const createdId = created.headers.get('x-amzn-requestid')!;
    const failedId = failed.headers.get('x-amzn-requestid')!;
    const [row] = await recordsOf([failedId]);
    expect(row).toMatchObject({
      operation: 'iam:GetUser',
      outcome: 'failed',
      error_code: 'NoSuchEntity',
      caller_arn: `arn:aws:iam::${accountId}:root`,
      principal_arn: `arn:aws:iam::${accountId}:root`,
    });
    // The failure was written after the change's call: had the change been recorded, it would be there by now.
    expect((await records()).filter((each) => each.request_id === createdId)).toEqual([]);
  });

  it('records successful reads once the account opts in over GraphQL', async () => {
    const before = await root.request('{ users(first: 1) { __typename } }');
    const settings = await root.data<{ updateAuditSettings: { data: { recordReadCalls: boolean } } }>(
      'mutation { updateAuditSettings(input: { recordReadCalls: true }) { ... on UpdateAuditSettingsSuccess { data { recordReadCalls } } } }',
    );
    expect(settings.updateAuditSettings.data.recordReadCalls).toBe(true);
    const read = await root.data<{ auditSettings: { data: { recordReadCalls: boolean } } }>('{ auditSettings { ... on AuditSettingsSuccess { data { recordReadCalls } } } }');
    expect(read.auditSettings.data.recordReadCalls).toBe(true);
    const after = await root.request('{ users(first: 1) { __typename } }');
    const [row] = await recordsOf([after.headers.get('x-amzn-requestid')!]);
    expect(row).toMatchObject({ operation: 'iam:ListUsers', outcome: 'success', read_only: true, error_code: null });
    expect((await records()).filter((each) => each.request_id === before.headers.get('x-amzn-requestid'))).toEqual([]);
    await root.data('mutation { updateAuditSettings(input: { recordReadCalls: false }) { __typename } }');
  });
});
