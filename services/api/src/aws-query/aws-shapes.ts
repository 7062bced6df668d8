import { ACCOUNT_SUMMARY_KEYS } from '@warden/iam';
import type {
  AccessKey,
  AccountSummary,
  CreatedVirtualMfaDevice,
  Group,
  ListedPolicy,
  ManagedPolicy,
  MfaDevice,
  NewAccessKey,
  PasswordPolicy,
  PolicyVersion,
  Role,
  SimulationResult,
  Tag,
  TemporaryCredentials,
  User,
} from '@warden/iam';

/**
 * Warden's domain types in the shapes of AWS's IAM and STS models (member names and order as the
 * service models give them), as objects for the XML builder: a list is `{ member: [...] }`, an
 * absent optional member is left out.
 */
export type XmlValue = string | number | boolean | XmlObject | readonly XmlValue[] | undefined;
export interface XmlObject {
  readonly [name: string]: XmlValue;
}

/** AWS writes timestamps in ISO 8601 to the second (`2013-04-18T20:52:20Z`). */
export function awsTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * IAM returns policy documents URL-encoded (RFC 3986), as its API reference says of every
 * `PolicyDocument`, `AssumeRolePolicyDocument` and `Document` member; the SDKs decode them.
 */
export function encodedDocument(document: string): string {
  return encodeURIComponent(document);
}

export function members(items: readonly XmlValue[]): XmlObject {
  return { member: items };
}

export function tagList(tags: readonly Tag[]): XmlObject {
  return members(tags.map((tag) => ({ Key: tag.key, Value: tag.value })));
}

function boundary(arn: string | null): XmlObject | undefined {
  return arn === null ? undefined : { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn };
}

/** AWS's User; ListUsers leaves out the boundary and tags ("to view them, use GetUser"), as `listed` does. */
export function userShape(user: User, listed = false): XmlObject {
  const shape = { Path: user.path, UserName: user.userName, UserId: user.userId, Arn: user.arn, CreateDate: awsTime(user.createdAt) };
  if (listed) return shape;
  return { ...shape, PermissionsBoundary: boundary(user.permissionsBoundaryArn), Tags: user.tags.length > 0 ? tagList(user.tags) : undefined };
}

export function groupShape(group: Group): XmlObject {
  return { Path: group.path, GroupName: group.groupName, GroupId: group.groupId, Arn: group.arn, CreateDate: awsTime(group.createdAt) };
}

/** AWS's Role; ListRoles leaves out the boundary and tags, as `listed` does. */
export function roleShape(role: Role, listed = false): XmlObject {
  const shape = {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: awsTime(role.createdAt),
    AssumeRolePolicyDocument: encodedDocument(role.trustPolicy),
    Description: role.description ?? undefined,
    MaxSessionDuration: role.maxSessionDuration,
  };
  if (listed) return shape;
  return { ...shape, PermissionsBoundary: boundary(role.permissionsBoundaryArn), Tags: role.tags.length > 0 ? tagList(role.tags) : undefined };
}

export function policyShape(policy: ManagedPolicy): XmlObject {
  return {
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    IsAttachable: true,
    Description: policy.description ?? undefined,
    CreateDate: awsTime(policy.createdAt),
    UpdateDate: awsTime(policy.updatedAt),
  };
}

/** AWS's Policy as ListPolicies lists it: with how many of the account's entities use it, in the model's member order. */
export function listedPolicyShape(policy: ListedPolicy): XmlObject {
  const { PolicyName, PolicyId, Arn, Path, DefaultVersionId, ...rest } = policyShape(policy);
  return {
    PolicyName,
    PolicyId,
    Arn,
    Path,
    DefaultVersionId,
    AttachmentCount: policy.attachmentCount,
    PermissionsBoundaryUsageCount: policy.permissionsBoundaryUsageCount,
    ...rest,
  };
}

/** GetAccountSummary's SummaryMap: a Query map, `<entry><key>…</key><value>…</value></entry>` per key, in AWS's documented order. */
export function summaryMapShape(summary: AccountSummary): XmlObject {
  return { entry: ACCOUNT_SUMMARY_KEYS.map((key) => ({ key, value: summary[key] })) };
}

/** AWS's PolicyVersion; ListPolicyVersions and CreatePolicyVersion leave the document out, as `withDocument` false does. */
export function policyVersionShape(version: PolicyVersion, withDocument: boolean): XmlObject {
  return {
    Document: withDocument ? encodedDocument(version.document) : undefined,
    VersionId: version.versionId,
    IsDefaultVersion: version.isDefaultVersion,
    CreateDate: awsTime(version.createdAt),
  };
}

/** AWS's AccessKey: the secret, shown once, by CreateAccessKey. */
export function newAccessKeyShape(key: NewAccessKey): XmlObject {
  return { UserName: key.userName ?? undefined, AccessKeyId: key.accessKeyId, Status: key.status, SecretAccessKey: key.secretAccessKey, CreateDate: awsTime(key.createDate) };
}

export function accessKeyMetadataShape(key: AccessKey): XmlObject {
  return { UserName: key.userName ?? undefined, AccessKeyId: key.accessKeyId, Status: key.status, CreateDate: awsTime(key.createdAt) };
}

export function credentialsShape(credentials: TemporaryCredentials): XmlObject {
  return { AccessKeyId: credentials.accessKeyId, SecretAccessKey: credentials.secretAccessKey, SessionToken: credentials.sessionToken, Expiration: awsTime(credentials.expiration) };
}

export function passwordPolicyShape(policy: PasswordPolicy): XmlObject {
  return {
    MinimumPasswordLength: policy.minimumPasswordLength,
    RequireSymbols: policy.requireSymbols,
    RequireNumbers: policy.requireNumbers,
    RequireUppercaseCharacters: policy.requireUppercaseCharacters,
    RequireLowercaseCharacters: policy.requireLowercaseCharacters,
    AllowUsersToChangePassword: policy.allowUsersToChangePassword,
    // AWS: ExpirePasswords says whether MaxPasswordAge is set.
    ExpirePasswords: policy.maxPasswordAge !== null && policy.maxPasswordAge > 0,
    MaxPasswordAge: policy.maxPasswordAge ?? undefined,
    PasswordReusePrevention: policy.passwordReusePrevention ?? undefined,
    HardExpiry: policy.hardExpiry,
  };
}

/** AWS's MFADevice (ListMFADevices): only devices enabled for someone are listed there. */
export function mfaDeviceShape(device: MfaDevice): XmlObject {
  return { UserName: device.userName ?? undefined, SerialNumber: device.serialNumber, EnableDate: device.enabledAt ? awsTime(device.enabledAt) : undefined };
}

/** AWS's VirtualMFADevice as ListVirtualMFADevices lists it: no seed, the user by name only (Warden keeps no more of it here). */
export function virtualMfaDeviceShape(device: MfaDevice): XmlObject {
  return {
    SerialNumber: device.serialNumber,
    EnableDate: device.enabledAt ? awsTime(device.enabledAt) : undefined,
    Tags: device.tags.length > 0 ? tagList(device.tags) : undefined,
  };
}

/**
 * CreateVirtualMFADevice's answer. `Base32StringSeed` and `QRCodePNG` are blobs in AWS's model, so
 * they travel in base64 (of the base32 text, of the PNG's bytes): the SDKs decode them to those
 * bytes, as they do from AWS.
 */
export function createdVirtualMfaDeviceShape(device: CreatedVirtualMfaDevice): XmlObject {
  return { SerialNumber: device.serialNumber, Base32StringSeed: Buffer.from(device.base32StringSeed, 'utf8').toString('base64'), QRCodePNG: device.qrCodePng.toString('base64') };
}

/** The name part of a managed policy's ARN (`arn:aws:iam::123456789012:policy/path/Name`). */
export function policyNameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** AWS's AttachedPolicy: a managed policy by name and ARN. */
export function attachedPolicyShape(arn: string): XmlObject {
  return { PolicyName: policyNameOfArn(arn), PolicyArn: arn };
}

export function attachedPolicies(arns: readonly string[]): XmlObject {
  return members(arns.map(attachedPolicyShape));
}

export function inlinePolicyDetails(policies: readonly { policyName: string; document: string }[]): XmlObject {
  return members(policies.map((policy) => ({ PolicyName: policy.policyName, PolicyDocument: encodedDocument(policy.document) })));
}

/** AWS's EvaluationResult, from a simulation's result: each deciding statement names its policy as SourcePolicyId. */
export function evaluationResultShape(result: SimulationResult): XmlObject {
  return {
    EvalActionName: result.evalActionName,
    EvalResourceName: result.evalResourceName,
    EvalDecision: result.evalDecision,
    MatchedStatements: members(result.matchedStatements.map((statement) => ({ SourcePolicyId: statement.policyName ?? statement.policyArn }))),
    MissingContextValues: members([]),
  };
}
