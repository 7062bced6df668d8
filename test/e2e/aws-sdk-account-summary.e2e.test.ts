import {
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GetAccountSummaryCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { RunningWarden } from '@warden/api';
import { type Caller, codeAtStep, stepAt } from '@warden/iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from './support/rejection.js';
import type { Credentials } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const ALLOW_ALL = doc({ Effect: 'Allow', Action: '*', Resource: '*' });

/**
 * GetAccountSummary over the Query front with the SDK v3 and accountSummary over GraphQL: the
 * account's counts and its own quotas (as updateAccountQuotas set them) under AWS's SummaryMap
 * keys (IAM API Reference, GetAccountSummary), authorized as iam:GetAccountSummary.
 */
describe.each([...DRIVERS])('GetAccountSummary (%s)', (driver) => {
  let warden: RunningWarden;
  let endpoint: string;

  const iamClient = (as: Credentials) => new IAMClient({ endpoint, region: 'us-east-1', credentials: as, maxAttempts: 1 });

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    endpoint = new URL('/', warden.url).href;
  });
  afterAll(async () => {
    await warden.close();
  });

  it("counts the account's entities and reports its own quotas; GraphQL's accountSummary answers the same map", async () => {
    const tenant = await newTenant(warden);
    const iam = iamClient(tenant.credentials);
    const management: Caller = { accountId: warden.managementAccountId, arn: `arn:aws:iam::${warden.managementAccountId}:root`, kind: 'root', requestContext: {} };
    await warden.iam.accounts.updateQuotas(management, tenant.accountId, { users: 40, groups: 7, managedPoliciesPerPrincipal: 15 });

    for (const name of ['s1', 's2', 's3']) await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(new CreateGroupCommand({ GroupName: 'sg' }));
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${tenant.accountId}:root` }, Action: 'sts:AssumeRole' });
    await iam.send(new CreateRoleCommand({ RoleName: 'sr', AssumeRolePolicyDocument: trust }));
    const arn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'sp', PolicyDocument: ALLOW_ALL }))).Policy!.Arn!;
    await iam.send(new AttachUserPolicyCommand({ UserName: 's1', PolicyArn: arn }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'sg', PolicyArn: arn }));
    // Two devices, one enabled for a user: MFADevices 2, MFADevicesInUse 1, the root's MFA still off.
    await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'spare' }));
    const device = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 's1-phone' }))).VirtualMFADevice!;
    const seed = Buffer.from(device.Base32StringSeed!).toString('utf8');
    const step = stepAt(new Date());
    await iam.send(new EnableMFADeviceCommand({ UserName: 's1', SerialNumber: device.SerialNumber!, AuthenticationCode1: codeAtStep(seed, step - 1), AuthenticationCode2: codeAtStep(seed, step) }));

    const answer = await iam.send(new GetAccountSummaryCommand({}));
    expect(answer.SummaryMap).toMatchObject({
      Users: 3,
      UsersQuota: 40,
      Groups: 1,
      GroupsQuota: 7,
      // 'sr', and OrganizationAccountAccessRole, which every new account has.
      Roles: 2,
      RolesQuota: 1000,
      Policies: 1,
      PoliciesQuota: 1500,
      // sp's attachments, and AdministratorAccess on OrganizationAccountAccessRole.
      PolicyVersionsInUse: 3,
      VersionsPerPolicyQuota: 5,
      PolicySizeQuota: 6144,
      AssumeRolePolicySizeQuota: 2048,
      GroupsPerUserQuota: 10,
      AttachedPoliciesPerUserQuota: 15,
      AttachedPoliciesPerRoleQuota: 15,
      AttachedPoliciesPerGroupQuota: 10,
      AccessKeysPerUserQuota: 2,
      SigningCertificatesPerUserQuota: 2,
      ServerCertificates: 0,
      InstanceProfiles: 0,
      InstanceProfilesQuota: 1000,
      MFADevices: 2,
      MFADevicesInUse: 1,
      AccountMFAEnabled: 0,
      // The account's root has the access key newTenant signs with.
      AccountAccessKeysPresent: 1,
      AccountSigningCertificatesPresent: 0,
      Providers: 0,
    });

    const graphql = await tenant.root.data<{ accountSummary: { __typename: string; data: { key: string; value: number }[] } }>(
      '{ accountSummary { __typename ... on AccountSummarySuccess { data { key value } } } }',
    );
    expect(Object.fromEntries(graphql.accountSummary.data.map((entry) => [entry.key, entry.value]))).toEqual(answer.SummaryMap);
    iam.destroy();
  });

  it('is authorized as iam:GetAccountSummary: a user without it is AccessDenied, one with it reads the summary', async () => {
    const tenant = await newTenant(warden);
    const iam = iamClient(tenant.credentials);
    const userClient = async (name: string, action: string) => {
      await iam.send(new CreateUserCommand({ UserName: name }));
      await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: doc({ Effect: 'Allow', Action: action, Resource: '*' }) }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      return iamClient({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    };
    const denied = await userClient('no-summary', 'iam:GetUser');
    const error = await rejection(denied.send(new GetAccountSummaryCommand({})));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect(error.message).toContain('iam:GetAccountSummary');
    const allowed = await userClient('summary-reader', 'iam:GetAccountSummary');
    expect((await allowed.send(new GetAccountSummaryCommand({}))).SummaryMap!['Users']).toBe(2);
    denied.destroy();
    allowed.destroy();
    iam.destroy();
  });
});
