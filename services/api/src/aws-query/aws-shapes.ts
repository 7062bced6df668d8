import type { AccessKey, Group, ManagedPolicy, NewAccessKey, PolicyVersion, Role, Tag, TemporaryCredentials, User } from '@warden/iam';

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
