import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, isAuditEvent } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

/**
 * The trial's second finding: warden:GetAuditEvents was granted by no AWS-managed policy an
 * auditor would be given. WardenAuditReadOnly grants the audit's reads; IAMReadOnlyAccess (IAM's
 * own reads) still does not, ReadOnlyAccess does through `*:Get*`.
 */
describe.each([...DRIVERS])("an auditor's managed policies on %s", (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  it.each([
    ['WardenAuditReadOnly', true],
    ['ReadOnlyAccess', true],
    ['IAMReadOnlyAccess', false],
  ])('%s: auditEvents allowed is %s', async (policyName, allowed) => {
    const { iam } = service;
    const root = await newAccount(service);
    const auditor = await iam.users.create(root, { userName: 'auditor' });
    await iam.users.attachPolicy(root, 'auditor', `arn:aws:iam::aws:policy/${policyName}`);
    const reading = iam.audit.events(userCaller(root.accountId, auditor), {}, { first: 5 });
    if (allowed) expect((await reading).filter(isAuditEvent).map((event) => event.type)).toContain('PolicyAttachedToUser');
    else await expect(reading).rejects.toThrow(AccessDeniedError);
  });

  it('WardenAuditReadOnly grants the audit reads and nothing else', async () => {
    const { iam } = service;
    const root = await newAccount(service);
    const auditor = await iam.users.create(root, { userName: 'auditor' });
    await iam.users.attachPolicy(root, 'auditor', 'arn:aws:iam::aws:policy/WardenAuditReadOnly');
    const decide = async (action: string) => (await iam.authorization.authorize(root, { principal: auditor.arn, action, resource: '*' })).decision;
    expect(await decide('warden:GetAuditEvents')).toBe('allow');
    expect(await decide('iam:GenerateCredentialReport')).toBe('allow');
    expect(await decide('iam:GetCredentialReport')).toBe('allow');
    expect(await decide('iam:GetUser')).not.toBe('allow');
    expect(await decide('warden:UpdateAccountSettings')).not.toBe('allow');
  });
});
