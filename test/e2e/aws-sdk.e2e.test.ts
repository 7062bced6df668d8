import { randomBytes } from 'node:crypto';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  ChangePasswordCommand,
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteAccountAliasCommand,
  DeleteAccountPasswordPolicyCommand,
  DeleteConflictException,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DeleteLoginProfileCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  EnableMFADeviceCommand,
  EntityAlreadyExistsException,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetGroupCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserCommand,
  IAMClient,
  InvalidAuthenticationCodeException,
  InvalidInputException,
  LimitExceededException,
  ListAccessKeysCommand,
  ListEntitiesForPolicyCommand,
  ListGroupsCommand,
  ListInstanceProfilesCommand,
  ListMFADevicesCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolesCommand,
  ListUsersCommand,
  ListVirtualMFADevicesCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  paginateListUsers,
  PasswordPolicyViolationException,
  PutGroupPolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  ResyncMFADeviceCommand,
  SetDefaultPolicyVersionCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
  TagRoleCommand,
  TagUserCommand,
  UntagRoleCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateGroupCommand,
  UpdateLoginProfileCommand,
  UpdateRoleCommand,
  UpdateUserCommand,
  waitUntilUserExists,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, DecodeAuthorizationMessageCommand, GetCallerIdentityCommand, GetFederationTokenCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { RunningWarden } from '@warden/api';
import { type Caller, codeAtStep, isAuditEvent, stepAt } from '@warden/iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, SignedClient } from './support/signed-client.js';
import { PNG_SIGNATURE, qrCodeText } from './support/qr-code.js';
import { rejection } from './support/rejection.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const ALLOW_ALL = doc({ Effect: 'Allow', Action: '*', Resource: '*' });

/** A GET to the Query front signed as the SDKs sign, for the parameters given. */
async function signedGetFrom(endpoint: string, as: Credentials, params: Record<string, string>, service: string, region: string) {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ service, region, credentials: as, sha256: Sha256 });
  const signed = await signer.sign({ method: 'GET', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: '/', query: params, headers: { host: url.host } });
  const response = await fetch(`${endpoint}?${new URLSearchParams(params).toString()}`, { headers: signed.headers as Record<string, string> });
  return { status: response.status, requestId: response.headers.get('x-amzn-requestid'), text: await response.text() };
}

describe.each([...DRIVERS])('AWS SDK v3 against the Query front (%s)', (driver) => {
  let warden: RunningWarden;
  let endpoint: string;
  let accountId: string;
  let credentials: Credentials;
  let iam: IAMClient;
  let sts: STSClient;

  const iamClient = (as: Credentials, region = 'us-east-1') => new IAMClient({ endpoint, region, credentials: as, maxAttempts: 1 });
  const stsClient = (as: Credentials, region = 'eu-west-3') => new STSClient({ endpoint, region, credentials: as, maxAttempts: 1 });
  const rootCaller = (): Caller => ({ accountId, arn: `arn:aws:iam::${accountId}:root`, kind: 'root', requestContext: {} });

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    endpoint = new URL('/', warden.url).href;
    const tenant = await newTenant(warden);
    accountId = tenant.accountId;
    credentials = tenant.credentials;
    iam = iamClient(credentials);
    sts = stsClient(credentials);
  });
  afterAll(async () => {
    iam.destroy();
    sts.destroy();
    await warden.close();
  });

  const signedGet = (params: Record<string, string>, service: string, region: string) => signedGetFrom(endpoint, credentials, params, service, region);

  /** A user with an access key, for calls made as that user. */
  async function userWithKey(userName: string, inlinePolicy?: string): Promise<Credentials> {
    await iam.send(new CreateUserCommand({ UserName: userName }));
    if (inlinePolicy) await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'p', PolicyDocument: inlinePolicy }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  }

  it('users: create with a path, tags and a boundary, get, update, list, tag, untag, delete, with AWS error classes', async () => {
    const boundary = await iam.send(new CreatePolicyCommand({ PolicyName: 'users-boundary', PolicyDocument: ALLOW_ALL }));
    const created = await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/staff/', Tags: [{ Key: 'team', Value: 'a+b @c' }], PermissionsBoundary: boundary.Policy!.Arn! }));
    expect(created.User).toMatchObject({ UserName: 'alice', Path: '/staff/', Arn: `arn:aws:iam::${accountId}:user/staff/alice`, Tags: [{ Key: 'team', Value: 'a+b @c' }] });
    expect(created.User!.UserId).toMatch(/^AIDA/);
    expect(created.User!.CreateDate).toBeInstanceOf(Date);
    expect(created.User!.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: boundary.Policy!.Arn });
    expect(created.$metadata.httpStatusCode).toBe(200);
    expect(created.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const duplicate = await rejection(iam.send(new CreateUserCommand({ UserName: 'alice' })));
    expect(duplicate).toBeInstanceOf(EntityAlreadyExistsException);
    expect(duplicate.$metadata.httpStatusCode).toBe(409);
    const missing = await rejection(iam.send(new GetUserCommand({ UserName: 'nobody' })));
    expect(missing).toBeInstanceOf(NoSuchEntityException);
    expect(missing.$metadata.httpStatusCode).toBe(404);
    expect(missing.message).toBe('The user with name nobody cannot be found.');

    await iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'alice' }));
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'alice', PermissionsBoundary: boundary.Policy!.Arn! }));
    await iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'cost', Value: '42' }] }));
    await iam.send(new UntagUserCommand({ UserName: 'alice', TagKeys: ['team'] }));
    await iam.send(new UpdateUserCommand({ UserName: 'alice', NewUserName: 'alicia', NewPath: '/ops/' }));
    const got = await iam.send(new GetUserCommand({ UserName: 'alicia' }));
    expect(got.User).toMatchObject({ UserName: 'alicia', Path: '/ops/', UserId: created.User!.UserId, Tags: [{ Key: 'cost', Value: '42' }] });

    const listed = await iam.send(new ListUsersCommand({ PathPrefix: '/ops/' }));
    expect(listed.Users!.map((user) => user.UserName)).toEqual(['alicia']);
    expect(listed.IsTruncated).toBe(false);

    await iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'alicia' }));
    await iam.send(new DeleteUserCommand({ UserName: 'alicia' }));
    expect(await rejection(iam.send(new DeleteUserCommand({ UserName: 'alicia' })))).toBeInstanceOf(NoSuchEntityException);
    await iam.send(new DeletePolicyCommand({ PolicyArn: boundary.Policy!.Arn! }));
  });

  it('GetUser without a name answers the calling user', async () => {
    const bob = iamClient(await userWithKey('bob', doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' })));
    const self = await bob.send(new GetUserCommand({}));
    expect(self.User!.UserName).toBe('bob');
    bob.destroy();
  });

  it('groups and membership, access keys with their limit, and a DeleteConflict', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'carol' }));
    const group = await iam.send(new CreateGroupCommand({ GroupName: 'devs', Path: '/eng/' }));
    expect(group.Group).toMatchObject({ GroupName: 'devs', Path: '/eng/', Arn: `arn:aws:iam::${accountId}:group/eng/devs` });
    await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'carol' }));
    const got = await iam.send(new GetGroupCommand({ GroupName: 'devs' }));
    expect(got.Users!.map((user) => user.UserName)).toEqual(['carol']);
    await iam.send(new UpdateGroupCommand({ GroupName: 'devs', NewGroupName: 'developers' }));
    expect((await iam.send(new ListGroupsCommand({}))).Groups!.map((g) => g.GroupName)).toContain('developers');

    const policy = await iam.send(new CreatePolicyCommand({ PolicyName: 'group-read', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:Get*', Resource: '*' }) }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'developers', PolicyArn: policy.Policy!.Arn! }));
    const conflict = await rejection(iam.send(new DeletePolicyCommand({ PolicyArn: policy.Policy!.Arn! })));
    expect(conflict).toBeInstanceOf(DeleteConflictException);
    expect(conflict.$metadata.httpStatusCode).toBe(409);
    await iam.send(new DetachGroupPolicyCommand({ GroupName: 'developers', PolicyArn: policy.Policy!.Arn! }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'developers', PolicyName: 'inline', PolicyDocument: ALLOW_ALL }));
    await iam.send(new DeleteGroupPolicyCommand({ GroupName: 'developers', PolicyName: 'inline' }));

    const first = await iam.send(new CreateAccessKeyCommand({ UserName: 'carol' }));
    expect(first.AccessKey).toMatchObject({ UserName: 'carol', Status: 'Active' });
    expect(first.AccessKey!.AccessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
    expect(first.AccessKey!.SecretAccessKey).toHaveLength(40);
    await iam.send(new CreateAccessKeyCommand({ UserName: 'carol' }));
    const third = await rejection(iam.send(new CreateAccessKeyCommand({ UserName: 'carol' })));
    expect(third).toBeInstanceOf(LimitExceededException);
    expect(third.$metadata.httpStatusCode).toBe(409);
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'carol', AccessKeyId: first.AccessKey!.AccessKeyId!, Status: 'Inactive' }));
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: 'carol' }));
    expect(keys.AccessKeyMetadata!.map((key) => [key.AccessKeyId === first.AccessKey!.AccessKeyId, key.Status])).toContainEqual([true, 'Inactive']);
    expect(keys.AccessKeyMetadata).toHaveLength(2);
    const onePage = await iam.send(new ListAccessKeysCommand({ UserName: 'carol', MaxItems: 1 }));
    expect([onePage.AccessKeyMetadata!.length, onePage.IsTruncated]).toEqual([1, true]);
    const secondPage = await iam.send(new ListAccessKeysCommand({ UserName: 'carol', MaxItems: 1, Marker: onePage.Marker! }));
    expect([secondPage.AccessKeyMetadata!.length, secondPage.IsTruncated]).toEqual([1, false]);
    expect(secondPage.AccessKeyMetadata![0]!.AccessKeyId).not.toBe(onePage.AccessKeyMetadata![0]!.AccessKeyId);
    for (const key of keys.AccessKeyMetadata!) await iam.send(new DeleteAccessKeyCommand({ UserName: 'carol', AccessKeyId: key.AccessKeyId! }));

    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'developers', UserName: 'carol' }));
    expect((await iam.send(new GetGroupCommand({ GroupName: 'developers' }))).Users).toEqual([]);
    await iam.send(new DeleteGroupCommand({ GroupName: 'developers' }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: policy.Policy!.Arn! }));
  });

  it('managed policies and versions, with documents returned URL-encoded as IAM does, and attachments', async () => {
    const v1 = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/a b&c/*' });
    const created = await iam.send(new CreatePolicyCommand({ PolicyName: 'reader', Path: '/app/', Description: 'reads', PolicyDocument: v1 }));
    const arn = created.Policy!.Arn!;
    expect(created.Policy).toMatchObject({ PolicyName: 'reader', Path: '/app/', DefaultVersionId: 'v1', IsAttachable: true, Arn: `arn:aws:iam::${accountId}:policy/app/reader` });
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.Description).toBe('reads');
    expect((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies!.map((policy) => policy.Arn)).toContain(arn);

    const v2 = doc({ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' });
    const version = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: v2, SetAsDefault: true }));
    expect(version.PolicyVersion).toMatchObject({ VersionId: 'v2', IsDefaultVersion: true });
    const got = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    expect(got.PolicyVersion!.Document).toBe(encodeURIComponent(v1));
    expect(decodeURIComponent(got.PolicyVersion!.Document!)).toBe(v1);
    expect(await rejection(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v9' })))).toBeInstanceOf(NoSuchEntityException);
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    expect(versions.Versions!.map((v) => [v.VersionId, v.IsDefaultVersion]).sort()).toEqual([
      ['v1', true],
      ['v2', false],
    ]);
    // The answer needs no permission beyond the action's own: a caller allowed only CreatePolicyVersion gets its version.
    const versioner = iamClient(await userWithKey('versioner', doc({ Effect: 'Allow', Action: 'iam:CreatePolicyVersion', Resource: arn })));
    const third = await versioner.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: v1 }));
    expect(third.PolicyVersion).toMatchObject({ VersionId: 'v3', IsDefaultVersion: false });
    versioner.destroy();
    // GetPolicyVersion and ListPolicyVersions need only their own actions.
    const reader = iamClient(await userWithKey('version-reader', doc({ Effect: 'Allow', Action: ['iam:GetPolicyVersion', 'iam:ListPolicyVersions'], Resource: arn })));
    expect(decodeURIComponent((await reader.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' }))).PolicyVersion!.Document!)).toBe(v1);
    expect((await reader.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions).toHaveLength(3);
    reader.destroy();
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' }));
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));

    const malformed = await rejection(iam.send(new CreatePolicyCommand({ PolicyName: 'broken', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe"}]}' })));
    expect(malformed).toBeInstanceOf(MalformedPolicyDocumentException);
    expect(malformed.$metadata.httpStatusCode).toBe(400);

    await iam.send(new CreateUserCommand({ UserName: 'dave' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'readers' }));
    await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: accountId }, Action: 'sts:AssumeRole' }) }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'dave', PolicyArn: arn }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: arn }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));
    const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
    expect(entities.PolicyUsers!.map((user) => user.UserName)).toEqual(['dave']);
    expect(entities.PolicyGroups!.map((group) => group.GroupName)).toEqual(['readers']);
    expect(entities.PolicyRoles!.map((role) => role.RoleName)).toEqual(['app']);
    await iam.send(new DetachUserPolicyCommand({ UserName: 'dave', PolicyArn: arn }));
    await iam.send(new DetachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: arn }));
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
    expect(await rejection(iam.send(new GetPolicyCommand({ PolicyArn: arn })))).toBeInstanceOf(NoSuchEntityException);
  });

  it('roles and trust policies, inline policies, tags and boundaries', async () => {
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' });
    const created = await iam.send(
      new CreateRoleCommand({ RoleName: 'deployer', Path: '/ci/', AssumeRolePolicyDocument: trust, Description: 'ships', MaxSessionDuration: 7200, Tags: [{ Key: 'env', Value: 'prod' }] }),
    );
    expect(created.Role).toMatchObject({ RoleName: 'deployer', Path: '/ci/', Description: 'ships', MaxSessionDuration: 7200, Arn: `arn:aws:iam::${accountId}:role/ci/deployer` });
    expect(created.Role!.RoleId).toMatch(/^AROA/);
    expect(decodeURIComponent(created.Role!.AssumeRolePolicyDocument!)).toBe(trust);

    const narrower = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:user/nobody-yet` }, Action: 'sts:AssumeRole' });
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'deployer', PolicyDocument: narrower }));
    await iam.send(new UpdateRoleCommand({ RoleName: 'deployer', Description: 'ships <faster> & "safer"', MaxSessionDuration: 3600 }));
    await iam.send(new TagRoleCommand({ RoleName: 'deployer', Tags: [{ Key: 'owner', Value: 'ops' }] }));
    await iam.send(new UntagRoleCommand({ RoleName: 'deployer', TagKeys: ['env'] }));
    const boundary = await iam.send(new CreatePolicyCommand({ PolicyName: 'role-boundary', PolicyDocument: ALLOW_ALL }));
    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'deployer', PermissionsBoundary: boundary.Policy!.Arn! }));
    const got = await iam.send(new GetRoleCommand({ RoleName: 'deployer' }));
    expect(got.Role).toMatchObject({ Description: 'ships <faster> & "safer"', MaxSessionDuration: 3600, Tags: [{ Key: 'owner', Value: 'ops' }] });
    expect(got.Role!.PermissionsBoundary!.PermissionsBoundaryArn).toBe(boundary.Policy!.Arn);
    expect(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!)).toBe(narrower);
    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'deployer' }));
    expect((await iam.send(new ListRolesCommand({}))).Roles!.map((role) => role.RoleName)).toContain('deployer');

    await iam.send(new PutRolePolicyCommand({ RoleName: 'deployer', PolicyName: 'inline', PolicyDocument: ALLOW_ALL }));
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'deployer', PolicyName: 'inline' }));
    await iam.send(new CreateUserCommand({ UserName: 'erin' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'erin', PolicyName: 'inline', PolicyDocument: ALLOW_ALL }));
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'erin', PolicyName: 'inline' }));
    const badTrust = await rejection(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'deployer', PolicyDocument: 'not json' })));
    expect(badTrust).toBeInstanceOf(MalformedPolicyDocumentException);
    await iam.send(new DeleteRoleCommand({ RoleName: 'deployer' }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: boundary.Policy!.Arn! }));
  });

  it('the password policy, login profiles and ChangePassword', async () => {
    await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 12, RequireNumbers: true, AllowUsersToChangePassword: true, MaxPasswordAge: 90 }));
    const { PasswordPolicy } = await iam.send(new GetAccountPasswordPolicyCommand({}));
    expect(PasswordPolicy).toMatchObject({ MinimumPasswordLength: 12, RequireNumbers: true, AllowUsersToChangePassword: true, MaxPasswordAge: 90, ExpirePasswords: true, RequireSymbols: false });

    const hank = await userWithKey('hank');
    const weak = await rejection(iam.send(new CreateLoginProfileCommand({ UserName: 'hank', Password: 'short1' })));
    expect(weak).toBeInstanceOf(PasswordPolicyViolationException);
    expect(weak.$metadata.httpStatusCode).toBe(400);
    const profile = await iam.send(new CreateLoginProfileCommand({ UserName: 'hank', Password: 'correct-horse-42', PasswordResetRequired: false }));
    expect(profile.LoginProfile).toMatchObject({ UserName: 'hank', PasswordResetRequired: false });
    await iam.send(new UpdateLoginProfileCommand({ UserName: 'hank', Password: 'battery-staple-43' }));
    const asHank = iamClient(hank);
    await asHank.send(new ChangePasswordCommand({ OldPassword: 'battery-staple-43', NewPassword: 'another-long-one-44' }));
    asHank.destroy();
    await iam.send(new DeleteLoginProfileCommand({ UserName: 'hank' }));

    await iam.send(new DeleteAccountPasswordPolicyCommand({}));
    expect(await rejection(iam.send(new GetAccountPasswordPolicyCommand({})))).toBeInstanceOf(NoSuchEntityException);
  });

  it('virtual MFA devices: create, enable with two consecutive codes, resync, list, deactivate, delete', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'ivan' }));
    const created = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'ivan-phone' }));
    const serialNumber = created.VirtualMFADevice!.SerialNumber!;
    expect(serialNumber).toBe(`arn:aws:iam::${accountId}:mfa/ivan-phone`);
    // A blob in AWS's model: the SDK hands over the bytes of the base32 seed.
    const seed = Buffer.from(created.VirtualMFADevice!.Base32StringSeed!).toString('utf8');
    expect(seed).toMatch(/^[A-Z2-7]+=*$/);
    // AWS's QRCodePNG, a blob too: a PNG whose QR code is otpauth://totp/$VirtualMFADeviceName@$AccountName?secret=$Base32String.
    const png = created.VirtualMFADevice!.QRCodePNG!;
    expect(png).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    const uri = new URL(qrCodeText(png)!);
    expect([uri.protocol, uri.host, decodeURIComponent(uri.pathname), uri.searchParams.get('secret')]).toEqual(['otpauth:', 'totp', `/Warden:ivan-phone@${accountId}`, seed]);
    // GraphQL's createVirtualMFADevice is the same operation: its qrCodePNG is the PNG of its otpauthUri.
    const graphql = await new SignedClient(warden.url, credentials).data<{ createVirtualMFADevice: { data: { otpauthUri: string; qrCodePNG: string } } }>(
      'mutation { createVirtualMFADevice(input: { virtualMFADeviceName: "ivan-tablet" }) { ... on CreateVirtualMFADeviceSuccess { data { otpauthUri qrCodePNG } } } }',
    );
    const graphqlPng = Buffer.from(graphql.createVirtualMFADevice.data.qrCodePNG, 'base64');
    expect(graphqlPng.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(qrCodeText(graphqlPng)).toBe(graphql.createVirtualMFADevice.data.otpauthUri);
    await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: `arn:aws:iam::${accountId}:mfa/ivan-tablet` }));
    const step = stepAt(new Date());

    const wrong = await rejection(iam.send(new EnableMFADeviceCommand({ UserName: 'ivan', SerialNumber: serialNumber, AuthenticationCode1: '000000', AuthenticationCode2: '000000' })));
    expect(wrong).toBeInstanceOf(InvalidAuthenticationCodeException);
    expect(wrong.$metadata.httpStatusCode).toBe(403);
    await iam.send(new EnableMFADeviceCommand({ UserName: 'ivan', SerialNumber: serialNumber, AuthenticationCode1: codeAtStep(seed, step - 1), AuthenticationCode2: codeAtStep(seed, step) }));
    await iam.send(new ResyncMFADeviceCommand({ UserName: 'ivan', SerialNumber: serialNumber, AuthenticationCode1: codeAtStep(seed, step + 1), AuthenticationCode2: codeAtStep(seed, step + 2) }));

    const listed = await iam.send(new ListMFADevicesCommand({ UserName: 'ivan' }));
    expect(listed.MFADevices!.map((device) => [device.UserName, device.SerialNumber])).toEqual([['ivan', serialNumber]]);
    expect(listed.MFADevices![0]!.EnableDate).toBeInstanceOf(Date);
    const assigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }));
    expect(assigned.VirtualMFADevices!.map((device) => device.SerialNumber)).toContain(serialNumber);

    await iam.send(new DeactivateMFADeviceCommand({ UserName: 'ivan', SerialNumber: serialNumber }));
    const unassigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }));
    expect(unassigned.VirtualMFADevices!.map((device) => device.SerialNumber)).toContain(serialNumber);
    await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serialNumber }));
    expect(await rejection(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serialNumber })))).toBeInstanceOf(NoSuchEntityException);
  });

  it('account alias, GetAccountAuthorizationDetails with its documents URL-encoded, and the policy simulators', async () => {
    const alias = `acme-${Math.random().toString(36).slice(2, 10)}`;
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: alias }));
    await iam.send(new DeleteAccountAliasCommand({ AccountAlias: alias }));

    const inline = doc({ Sid: 'ReadSelf', Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' });
    await iam.send(new CreateUserCommand({ UserName: 'judy' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'judy', PolicyName: 'read-self', PolicyDocument: inline }));
    await iam.send(new CreateGroupCommand({ GroupName: 'auditors' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'auditors', UserName: 'judy' }));
    const managed = await iam.send(new CreatePolicyCommand({ PolicyName: 'list-users', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }) }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'judy', PolicyArn: managed.Policy!.Arn! }));

    const details = await iam.send(new GetAccountAuthorizationDetailsCommand({}));
    const judy = details.UserDetailList!.find((user) => user.UserName === 'judy')!;
    expect(judy.GroupList).toEqual(['auditors']);
    expect(judy.AttachedManagedPolicies).toEqual([{ PolicyName: 'list-users', PolicyArn: managed.Policy!.Arn }]);
    expect(judy.UserPolicyList!.map((policy) => [policy.PolicyName, decodeURIComponent(policy.PolicyDocument!)])).toEqual([['read-self', inline]]);
    const listUsers = details.Policies!.find((policy) => policy.Arn === managed.Policy!.Arn)!;
    expect(listUsers.AttachmentCount).toBe(1);
    expect(listUsers.PolicyVersionList!.map((version) => version.VersionId)).toEqual(['v1']);
    const rolesOnly = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    expect([rolesOnly.UserDetailList, rolesOnly.GroupDetailList, rolesOnly.Policies]).toEqual([[], [], []]);

    const simulated = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: judy.Arn!, ActionNames: ['iam:GetUser', 'iam:DeleteUser', 'iam:ListUsers'] }));
    expect(simulated.EvaluationResults!.map((result) => [result.EvalActionName, result.EvalDecision, result.MatchedStatements!.map((statement) => statement.SourcePolicyId)])).toEqual([
      ['iam:GetUser', 'allowed', ['read-self']],
      ['iam:DeleteUser', 'implicitDeny', []],
      ['iam:ListUsers', 'allowed', ['list-users']],
    ]);
    const custom = await iam.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })],
        ActionNames: ['s3:GetObject'],
        ResourceArns: ['arn:aws:s3:::bucket/key'],
        ContextEntries: [{ ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['10.1.2.3'], ContextKeyType: 'ip' }],
      }),
    );
    expect(custom.EvaluationResults!.map((result) => [result.EvalResourceName, result.EvalDecision])).toEqual([['arn:aws:s3:::bucket/key', 'allowed']]);
    const outside = await iam.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })],
        ActionNames: ['s3:GetObject'],
        ContextEntries: [{ ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['192.0.2.1'], ContextKeyType: 'ip' }],
      }),
    );
    expect(outside.EvaluationResults![0]!.EvalDecision).toBe('implicitDeny');
  });

  it('paginateListUsers walks 250 users in pages of 100, each once, in order', async () => {
    const names = Array.from({ length: 250 }, (_, index) => `page-user-${String(index).padStart(3, '0')}`);
    for (let start = 0; start < names.length; start += 10) {
      await Promise.all(names.slice(start, start + 10).map((name) => iam.send(new CreateUserCommand({ UserName: name, Path: '/paged/' }))));
    }
    const pages: string[][] = [];
    for await (const page of paginateListUsers({ client: iam, pageSize: 100 }, { PathPrefix: '/paged/' })) pages.push(page.Users!.map((user) => user.UserName!));
    expect(pages.map((page) => page.length)).toEqual([100, 100, 50]);
    expect(pages.flat()).toEqual(names);

    const invalid = await rejection(iam.send(new ListUsersCommand({ MaxItems: 0 })));
    expect([invalid.name, invalid.$metadata.httpStatusCode]).toEqual(['ValidationError', 400]);
  });

  it('waitUntilUserExists waits for a user created after it started', async () => {
    const waiting = waitUntilUserExists({ client: iam, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { UserName: 'late' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await iam.send(new CreateUserCommand({ UserName: 'late' }));
    expect((await waiting).state).toBe('SUCCESS');
  });

  it('STS: caller identity, AssumeRole credentials used by a second client, session and federation tokens', async () => {
    const root = await sts.send(new GetCallerIdentityCommand({}));
    expect(root).toMatchObject({ Account: accountId, Arn: `arn:aws:iam::${accountId}:root`, UserId: accountId });

    const frank = await userWithKey('frank', doc({ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:GetFederationToken', 'iam:GetUser'], Resource: '*' }));
    const frankSts = stsClient(frank);
    expect((await frankSts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:iam::${accountId}:user/frank`);

    const role = await iam.send(
      new CreateRoleCommand({ RoleName: 'reader', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:user/frank` }, Action: 'sts:AssumeRole' }) }),
    );
    await iam.send(new PutRolePolicyCommand({ RoleName: 'reader', PolicyName: 'p', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }) }));
    const assumed = await frankSts.send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: 'nightly', DurationSeconds: 900 }));
    expect(assumed.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${accountId}:assumed-role/reader/nightly`);
    expect(assumed.Credentials!.AccessKeyId).toMatch(/^ASIA/);
    expect(assumed.Credentials!.Expiration!.getTime()).toBeGreaterThan(Date.now() + 800_000);
    // AWS answers PackedPolicySize for the session policies and tags a request passes; this one passed none.
    expect(assumed.PackedPolicySize).toBeUndefined();
    const temporary = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
    const asRole = iamClient(temporary);
    const roleSts = stsClient(temporary, 'us-west-2');
    expect(await roleSts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Arn: assumed.AssumedRoleUser!.Arn, UserId: assumed.AssumedRoleUser!.AssumedRoleId });
    expect((await asRole.send(new ListUsersCommand({}))).Users!.map((user) => user.UserName)).toContain('frank');
    const denied = await rejection(asRole.send(new CreateUserCommand({ UserName: 'not-allowed' })));
    expect([denied.name, denied.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);

    // The session token is part of the credentials: without it the key is not a valid token.
    const withoutToken = await rejection(iamClient({ accessKeyId: temporary.accessKeyId, secretAccessKey: temporary.secretAccessKey }).send(new ListUsersCommand({})));
    expect([withoutToken.name, withoutToken.$metadata.httpStatusCode]).toEqual(['InvalidClientTokenId', 403]);

    const session = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const sessionSts = stsClient({ accessKeyId: session.Credentials!.AccessKeyId!, secretAccessKey: session.Credentials!.SecretAccessKey!, sessionToken: session.Credentials!.SessionToken! });
    expect((await sessionSts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:iam::${accountId}:root`);

    const federated = await frankSts.send(new GetFederationTokenCommand({ Name: 'visitor', DurationSeconds: 900, Policy: doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }) }));
    expect(federated.FederatedUser).toEqual({ Arn: `arn:aws:sts::${accountId}:federated-user/visitor`, FederatedUserId: `${accountId}:visitor` });
    expect(federated.Credentials!.SessionToken).toBeTruthy();
    expect(federated.PackedPolicySize).toBeGreaterThan(0);
    expect(federated.PackedPolicySize).toBeLessThanOrEqual(100);
    // Within every plaintext limit, but not within the packed space: STS's PackedPolicyTooLarge (400).
    const heavyTags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}-${randomBytes(96).toString('base64url')}`.slice(0, 128), Value: randomBytes(192).toString('base64url') }));
    const tooLarge = await rejection(frankSts.send(new GetFederationTokenCommand({ Name: 'heavy', Tags: heavyTags })));
    expect([tooLarge.name, tooLarge.$metadata.httpStatusCode]).toEqual(['PackedPolicyTooLargeException', 400]);

    for (const client of [asRole, roleSts, sessionSts, frankSts]) client.destroy();
  });

  it("a denial's encoded message decodes through DecodeAuthorizationMessage", async () => {
    const grace = iamClient(await userWithKey('grace'));
    const denied = await rejection(grace.send(new CreateUserCommand({ UserName: 'mallory' })));
    expect([denied.name, denied.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    const encoded = /Encoded authorization failure message: (\S+)$/.exec(denied.message)?.[1];
    expect(encoded).toBeDefined();
    const decoded = await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded! }));
    const message = JSON.parse(decoded.DecodedMessage!) as { allowed: boolean; context: { principal: string; action: string; resource: string } };
    expect(message.allowed).toBe(false);
    expect(message.context).toMatchObject({ principal: `arn:aws:iam::${accountId}:user/grace`, action: 'iam:CreateUser', resource: `arn:aws:iam::${accountId}:user/mallory` });
    grace.destroy();
  });

  it('authentication failures answer AWS codes: an unknown key, a wrong secret, an IAM scope outside us-east-1', async () => {
    const unknown = await rejection(stsClient({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'.repeat(40) }).send(new GetCallerIdentityCommand({})));
    expect([unknown.name, unknown.$metadata.httpStatusCode]).toEqual(['InvalidClientTokenId', 403]);
    const wrongSecret = await rejection(iamClient({ accessKeyId: credentials.accessKeyId, secretAccessKey: 'y'.repeat(40) }).send(new ListUsersCommand({})));
    expect([wrongSecret.name, wrongSecret.$metadata.httpStatusCode]).toEqual(['SignatureDoesNotMatch', 403]);
    const elsewhere = await rejection(iamClient(credentials, 'eu-west-1').send(new ListUsersCommand({})));
    expect([elsewhere.name, elsewhere.$metadata.httpStatusCode]).toEqual(['SignatureDoesNotMatch', 403]);
    expect(elsewhere.message).toContain('/us-east-1/iam/aws4_request');
  });

  it('an action Warden does not implement is InvalidAction, naming it', async () => {
    const error = await rejection(iam.send(new ListInstanceProfilesCommand({})));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidAction', 400]);
    expect(error.message).toBe('Could not find operation ListInstanceProfiles for version 2010-05-08');
  });

  it("the operation's own InvalidInput comes through as InvalidInputException", async () => {
    // GetUser without a name needs an IAM user to stand for; the root user is none.
    const error = await rejection(iam.send(new GetUserCommand({})));
    expect(error).toBeInstanceOf(InvalidInputException);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('GET carries the same parameters; the signing name decides the service; answers and errors are AWS XML with the request id', async () => {
    const ok = await signedGet({ Action: 'ListUsers', Version: '2010-05-08', MaxItems: '1' }, 'iam', 'us-east-1');
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/^<ListUsersResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><ListUsersResult><Users>/);
    expect(ok.text).toContain(`<ResponseMetadata><RequestId>${ok.requestId}</RequestId></ResponseMetadata></ListUsersResponse>`);

    const missing = await signedGet({ Action: 'GetUser', Version: '2010-05-08', UserName: 'ghost' }, 'iam', 'us-east-1');
    expect(missing.status).toBe(404);
    expect(missing.text).toBe(
      `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name ghost cannot be found.</Message></Error><RequestId>${missing.requestId}</RequestId></ErrorResponse>`,
    );

    // An IAM action signed for sts is not STS's.
    const wrongService = await signedGet({ Action: 'ListUsers', Version: '2010-05-08' }, 'sts', 'ap-south-1');
    expect(wrongService.status).toBe(400);
    expect(wrongService.text).toContain('<Code>InvalidAction</Code><Message>Could not find operation ListUsers for version 2010-05-08</Message>');
    const noAction = await signedGet({ Version: '2011-06-15' }, 'sts', 'ap-south-1');
    expect([noAction.status, /<Code>(\w+)<\/Code>/.exec(noAction.text)?.[1]]).toEqual([400, 'MissingAction']);
    const unsigned = await fetch(`${endpoint}?Action=GetCallerIdentity&Version=2011-06-15`);
    expect([unsigned.status, /<Code>(\w+)<\/Code>/.exec(await unsigned.text())?.[1]]).toEqual([403, 'MissingAuthenticationToken']);
  });

  it('events carry the request id, the SDK user agent and the source IP, as GraphQL records them', async () => {
    const created = await iam.send(new CreateUserCommand({ UserName: 'audited' }));
    const events = (await warden.iam.audit.events(rootCaller(), { resourceArn: created.User!.Arn! }, { first: 10 })).filter(isAuditEvent);
    const event = events.find((candidate) => candidate.type === 'UserCreated');
    expect(event).toMatchObject({ requestId: created.$metadata.requestId, sourceIp: '127.0.0.1', actorArn: `arn:aws:iam::${accountId}:root`, accessKeyId: credentials.accessKeyId });
    expect(event!.userAgent).toContain('aws-sdk-js');
  });
});
