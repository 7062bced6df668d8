import { CreateAccessKeyCommand, CreateUserCommand, GetAccessKeyLastUsedCommand, IAMClient, ListUsersCommand, NoSuchEntityException, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from './support/rejection.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/**
 * AWS's GetAccessKeyLastUsed through the SDK v3: N/A for a key never used, then the service of its
 * last use and when; authorized on the key's owner, and a key the account lacks told only to a
 * caller allowed on every user.
 */
describe.each([...DRIVERS])('AWS SDK v3: GetAccessKeyLastUsed (%s)', (driver) => {
  let warden: RunningWarden;
  let endpoint: string;
  let root: IAMClient;
  const clients: IAMClient[] = [];
  const client = (key: { AccessKeyId?: string | undefined; SecretAccessKey?: string | undefined }) => {
    const made = new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, maxAttempts: 1 });
    clients.push(made);
    return made;
  };

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    endpoint = new URL('/', warden.url).href;
    const tenant = await newTenant(warden);
    root = new IAMClient({ endpoint, region: 'us-east-1', credentials: tenant.credentials, maxAttempts: 1 });
  });
  afterAll(async () => {
    for (const made of [root, ...clients]) made.destroy();
    await warden.close();
  });

  it('answers N/A for a key never used, then the service and time of its last use', async () => {
    await root.send(new CreateUserCommand({ UserName: 'worker' }));
    await root.send(
      new PutUserPolicyCommand({
        UserName: 'worker',
        PolicyName: 'list',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] }),
      }),
    );
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: 'worker' }))).AccessKey!;
    const before = await root.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }));
    expect(before.UserName).toBe('worker');
    expect(before.AccessKeyLastUsed).toEqual({ ServiceName: 'N/A', Region: 'N/A' });

    const used = Date.now();
    await client(key).send(new ListUsersCommand({}));
    await expect.poll(async () => (await root.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }))).AccessKeyLastUsed?.ServiceName, { timeout: 10_000, interval: 200 }).toBe('iam');
    const after = await root.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }));
    expect(Math.abs(after.AccessKeyLastUsed!.LastUsedDate!.getTime() - used)).toBeLessThan(120_000);
  });

  it("is authorized on the key's owner; an unknown key is NoSuchEntity only to a caller allowed on every user", async () => {
    await root.send(new CreateUserCommand({ UserName: 'auditor' }));
    await root.send(new CreateUserCommand({ UserName: 'other' }));
    const otherKey = (await root.send(new CreateAccessKeyCommand({ UserName: 'other' }))).AccessKey!;
    const auditorKey = (await root.send(new CreateAccessKeyCommand({ UserName: 'auditor' }))).AccessKey!;
    const auditor = client(auditorKey);
    expect((await rejection(auditor.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: otherKey.AccessKeyId })))).name).toBe('AccessDenied');
    expect((await rejection(auditor.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAUNKNOWNUNKNOWN00' })))).name).toBe('AccessDenied');
    await root.send(
      new PutUserPolicyCommand({
        UserName: 'auditor',
        PolicyName: 'last-used',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetAccessKeyLastUsed', Resource: '*' }] }),
      }),
    );
    await expect.poll(async () => (await auditor.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: otherKey.AccessKeyId }))).UserName, { timeout: 10_000 }).toBe('other');
    const unknown = await rejection(auditor.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAUNKNOWNUNKNOWN00' })));
    expect(unknown).toBeInstanceOf(NoSuchEntityException);
    expect(unknown.$metadata.httpStatusCode).toBe(404);
  });
});
