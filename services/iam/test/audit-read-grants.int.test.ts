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

  it("IAMReadOnlyAccess grants IAM's reads as AWS's version v4 does: Access Advisor's report included, Warden's audit log not", async () => {
    const { iam } = service;
    const root = await newAccount(service);
    const reader = await iam.users.create(root, { userName: 'reader' });
    await iam.users.attachPolicy(root, 'reader', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess');
    const decide = async (action: string, resource = '*') => (await iam.authorization.authorize(root, { principal: reader.arn, action, resource })).decision;
    for (const action of ['iam:GenerateCredentialReport', 'iam:GenerateServiceLastAccessedDetails', 'iam:GetServiceLastAccessedDetails', 'iam:ListUsers', 'iam:SimulatePrincipalPolicy'])
      expect(await decide(action, `arn:aws:iam::${root.accountId}:user/someone`), action).toBe('allow');
    for (const action of ['warden:GetAuditEvents', 'iam:CreateUser', 'iam:UpdateAccessKey']) expect(await decide(action), action).not.toBe('allow');
    const { jobId } = await iam.accessAdvisor.generateServiceLastAccessedDetails(userCaller(root.accountId, reader), { arn: reader.arn });
    expect((await iam.accessAdvisor.serviceLastAccessedDetails(userCaller(root.accountId, reader), jobId)).jobStatus).toBe('COMPLETED');
  });

  it('WardenAuditReadOnly grants the audit reads and nothing else', async () => {
    const { iam } = service;
    const root = await newAccount(service);
    const auditor = await iam.users.create(root, { userName: 'auditor' });
    await iam.users.attachPolicy(root, 'auditor', 'arn:aws:iam::aws:policy/WardenAuditReadOnly');
    const roleArn = `arn:aws:iam::${root.accountId}:role/someone`;
    const decide = async (action: string, resource = '*') => (await iam.authorization.authorize(root, { principal: auditor.arn, action, resource })).decision;
    for (const action of [
      'warden:GetAuditEvents',
      'warden:GetAuditSettings',
      'iam:GenerateCredentialReport',
      'iam:GetCredentialReport',
      'iam:GetServiceLastAccessedDetails',
      'iam:GetServiceLastAccessedDetailsWithEntities',
    ])
      expect(await decide(action), action).toBe('allow');
    // On the entity they are asked about, as the operations authorize them.
    expect(await decide('iam:GenerateServiceLastAccessedDetails', roleArn)).toBe('allow');
    expect(await decide('warden:GetPolicySuggestion', roleArn)).toBe('allow');
    for (const action of ['iam:GetUser', 'warden:UpdateAccountSettings', 'warden:UpdateAuditSettings', 'iam:CreateUser', 'iam:PutRolePolicy']) expect(await decide(action), action).not.toBe('allow');
  });

  it("WardenAuditReadOnly lets an auditor run each of them: the audit settings, Access Advisor's report and a policy suggestion", async () => {
    const { iam } = service;
    const root = await newAccount(service);
    const user = await iam.users.create(root, { userName: 'auditor' });
    await iam.users.attachPolicy(root, 'auditor', 'arn:aws:iam::aws:policy/WardenAuditReadOnly');
    const auditor = userCaller(root.accountId, user);
    expect(await iam.accounts.auditSettings(auditor)).toMatchObject({ recordReadCalls: false });
    const { jobId } = await iam.accessAdvisor.generateServiceLastAccessedDetails(auditor, { arn: user.arn });
    expect((await iam.accessAdvisor.serviceLastAccessedDetails(auditor, jobId)).jobStatus).toBe('COMPLETED');
    await expect(iam.accessAdvisor.serviceLastAccessedDetailsWithEntities(auditor, { jobId, serviceNamespace: 'iam' })).resolves.toBeDefined();
    const to = new Date();
    await expect(iam.accessAdvisor.policySuggestion(auditor, { principalArn: user.arn, from: new Date(to.getTime() - 86_400_000), to })).resolves.toBeDefined();
    // And nothing that changes anything: its own settings stay the root's to change.
    await expect(iam.accounts.updateAuditSettings(auditor, { recordReadCalls: true })).rejects.toThrow(AccessDeniedError);
  });
});
