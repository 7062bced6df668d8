import { nameKey, POLICY_SCOPES, POLICY_USAGES, policyListKey } from '@warden/iam';
import { accessKeyMetadataShape, awsTime, groupShape, listedPolicyShape, members, newAccessKeyShape, policyShape, policyVersionShape, roleShape, userShape } from './aws-shapes.js';
import { validationError } from './aws-errors.js';
import { actionsOf, noResult, type QueryAction } from './query-action.js';
import { pageCut, pageOfAll, pageRequest, pageResult } from './query-pagination.js';
import { ENTITY_TYPES, type EntityType } from './entity-types.js';
import { PATH, PATH_PREFIX, POLICY_PATH_PREFIX, type QueryParameters } from './query-parameters.js';

/**
 * IAM's actions over the Query protocol (API version 2010-05-08), by AWS's action names: each
 * reads AWS's parameters, calls the IamService operation GraphQL's resolver calls, and answers in
 * AWS's result shape. Parameter and member names are those of AWS's IAM service model.
 */
const iam = actionsOf('iam');

const userName = (p: QueryParameters) => p.required('UserName');
const groupName = (p: QueryParameters) => p.required('GroupName');
const roleName = (p: QueryParameters) => p.required('RoleName');
const policyArn = (p: QueryParameters) => p.required('PolicyArn');
const userAndPolicy = (p: QueryParameters) => ({ name: p.required('UserName'), policyArn: p.required('PolicyArn') });
const groupAndPolicy = (p: QueryParameters) => ({ name: p.required('GroupName'), policyArn: p.required('PolicyArn') });
const roleAndPolicy = (p: QueryParameters) => ({ name: p.required('RoleName'), policyArn: p.required('PolicyArn') });
const inlinePolicy = (entity: 'UserName' | 'GroupName' | 'RoleName') => (p: QueryParameters) => ({
  name: p.required(entity),
  policyName: p.required('PolicyName'),
  document: p.required('PolicyDocument'),
});
const inlinePolicyName = (entity: 'UserName' | 'GroupName' | 'RoleName') => (p: QueryParameters) => ({ name: p.required(entity), policyName: p.required('PolicyName') });

/** AWS's statusType enum. */
function isAccessKeyStatus(status: string): status is 'Active' | 'Inactive' {
  return status === 'Active' || status === 'Inactive';
}

/** An entity ListEntitiesForPolicy lists, and its key in the list's order. */
interface PolicyEntity {
  readonly kind: 'Group' | 'User' | 'Role';
  readonly name: string;
  readonly id: string;
}
const policyEntityKey = (entity: PolicyEntity) => `${entity.kind}/${entity.id}`;

export const IAM_ACTIONS = {
  // Users
  CreateUser: iam(
    (p) => ({ userName: p.required('UserName'), path: p.optional('Path') ?? null, tags: p.tags('Tags'), permissionsBoundary: p.optional('PermissionsBoundary') ?? null }),
    (service, caller, input) => service.users.create(caller, input),
    (user) => ({ User: userShape(user) }),
  ),
  GetUser: iam(
    (p) => p.optional('UserName'),
    (service, caller, name) => service.users.get(caller, name),
    (user) => ({ User: userShape(user) }),
  ),
  UpdateUser: iam(
    (p) => ({ userName: p.required('UserName'), newUserName: p.optional('NewUserName') ?? null, newPath: p.optional('NewPath') ?? null }),
    (service, caller, input) => service.users.update(caller, input.userName, input),
    noResult,
  ),
  DeleteUser: iam(userName, (service, caller, name) => service.users.delete(caller, name), noResult),
  ListUsers: iam(
    (p) => ({ pathPrefix: p.constrained('PathPrefix', PATH_PREFIX) ?? null, page: pageRequest(p) }),
    (service, caller, input) => service.users.list(caller, { pathPrefix: input.pathPrefix, after: input.page.after, first: input.page.maxItems + 1 }),
    (users, input) =>
      pageResult(
        'Users',
        users,
        input.page,
        (user) => nameKey(user.userName),
        (user) => userShape(user, true),
      ),
  ),
  TagUser: iam(
    (p) => ({ name: p.required('UserName'), tags: p.tags('Tags') }),
    (service, caller, input) => service.users.tag(caller, input.name, input.tags),
    noResult,
  ),
  UntagUser: iam(
    (p) => ({ name: p.required('UserName'), keys: p.list('TagKeys') }),
    (service, caller, input) => service.users.untag(caller, input.name, input.keys),
    noResult,
  ),
  PutUserPermissionsBoundary: iam(
    (p) => ({ name: p.required('UserName'), boundary: p.required('PermissionsBoundary') }),
    (service, caller, input) => service.users.putPermissionsBoundary(caller, input.name, input.boundary),
    noResult,
  ),
  DeleteUserPermissionsBoundary: iam(userName, (service, caller, name) => service.users.deletePermissionsBoundary(caller, name), noResult),

  // Groups and membership
  CreateGroup: iam(
    (p) => ({ groupName: p.required('GroupName'), path: p.optional('Path') ?? null }),
    (service, caller, input) => service.groups.create(caller, input),
    (group) => ({ Group: groupShape(group) }),
  ),
  GetGroup: iam(
    (p) => ({ name: p.required('GroupName'), page: pageRequest(p) }),
    async (service, caller, input) => {
      const group = await service.groups.get(caller, input.name);
      const users = (await service.groups.members(caller, group)).sort((a, b) => (nameKey(a.userName) < nameKey(b.userName) ? -1 : 1));
      return { group, users: pageOfAll(users, input.page, (user) => nameKey(user.userName)) };
    },
    ({ group, users }, input) => ({
      Group: groupShape(group),
      ...pageResult(
        'Users',
        users,
        input.page,
        (user) => nameKey(user.userName),
        (user) => userShape(user, true),
      ),
    }),
  ),
  UpdateGroup: iam(
    (p) => ({ name: p.required('GroupName'), newGroupName: p.optional('NewGroupName') ?? null, newPath: p.optional('NewPath') ?? null }),
    (service, caller, input) => service.groups.update(caller, input.name, input),
    noResult,
  ),
  DeleteGroup: iam(groupName, (service, caller, name) => service.groups.delete(caller, name), noResult),
  ListGroups: iam(
    (p) => ({ pathPrefix: p.constrained('PathPrefix', PATH_PREFIX) ?? null, page: pageRequest(p) }),
    (service, caller, input) => service.groups.list(caller, { pathPrefix: input.pathPrefix, after: input.page.after, first: input.page.maxItems + 1 }),
    (groups, input) => pageResult('Groups', groups, input.page, (group) => nameKey(group.groupName), groupShape),
  ),
  AddUserToGroup: iam(
    (p) => ({ group: p.required('GroupName'), user: p.required('UserName') }),
    (service, caller, input) => service.groups.addUser(caller, input.group, input.user),
    noResult,
  ),
  RemoveUserFromGroup: iam(
    (p) => ({ group: p.required('GroupName'), user: p.required('UserName') }),
    (service, caller, input) => service.groups.removeUser(caller, input.group, input.user),
    noResult,
  ),

  // Access keys
  CreateAccessKey: iam(
    (p) => p.optional('UserName') ?? null,
    (service, caller, name) => service.accessKeys.create(caller, name),
    (key) => ({ AccessKey: newAccessKeyShape(key) }),
  ),
  ListAccessKeys: iam(
    (p) => ({ name: p.optional('UserName') ?? null, page: pageRequest(p) }),
    async (service, caller, input) => pageOfAll(await service.accessKeys.list(caller, input.name), input.page, (key) => key.accessKeyId),
    (keys, input) => {
      const page = pageResult('AccessKeyMetadata', keys, input.page, (key) => key.accessKeyId, accessKeyMetadataShape);
      // AWS names the user whose keys these are even when the request did not.
      return { ...page, UserName: input.name ?? keys[0]?.userName ?? undefined };
    },
  ),
  GetAccessKeyLastUsed: iam(
    (p) => p.required('AccessKeyId'),
    (service, caller, accessKeyId) => service.accessKeys.lastUsed(caller, accessKeyId),
    (key) => ({
      UserName: key.userName ?? undefined,
      // AWS: ServiceName and Region are N/A for a key never used. Warden records the action (so its
      // service) but not the region of a use.
      AccessKeyLastUsed: {
        LastUsedDate: key.lastUsedAt ? awsTime(key.lastUsedAt) : undefined,
        ServiceName: key.lastUsedAction ? key.lastUsedAction.split(':')[0] : 'N/A',
        Region: 'N/A',
      },
    }),
  ),
  UpdateAccessKey: iam(
    (p) => {
      const status = p.required('Status');
      if (!isAccessKeyStatus(status))
        throw validationError(`1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`);
      return { accessKeyId: p.required('AccessKeyId'), status };
    },
    (service, caller, input) => service.accessKeys.update(caller, input.accessKeyId, input.status),
    noResult,
  ),
  DeleteAccessKey: iam(
    (p) => p.required('AccessKeyId'),
    (service, caller, accessKeyId) => service.accessKeys.delete(caller, accessKeyId),
    noResult,
  ),

  // Managed policies and their versions
  CreatePolicy: iam(
    (p) => ({ policyName: p.required('PolicyName'), path: p.optional('Path') ?? null, description: p.optional('Description') ?? null, policyDocument: p.required('PolicyDocument') }),
    (service, caller, input) => service.policies.create(caller, input),
    (policy) => ({ Policy: policyShape(policy) }),
  ),
  GetPolicy: iam(
    policyArn,
    (service, caller, arn) => service.policies.get(caller, arn),
    (policy) => ({ Policy: policyShape(policy) }),
  ),
  ListPolicies: iam(
    (p) => ({
      filter: {
        scope: p.oneOf('Scope', POLICY_SCOPES) ?? 'All',
        onlyAttached: p.boolean('OnlyAttached') ?? false,
        pathPrefix: p.constrained('PathPrefix', POLICY_PATH_PREFIX) ?? null,
        usage: p.oneOf('PolicyUsageFilter', POLICY_USAGES) ?? null,
      },
      page: pageRequest(p),
    }),
    (service, caller, input) => service.policies.list(caller, { filter: input.filter, after: input.page.after, first: input.page.maxItems + 1 }),
    (policies, input) => pageResult('Policies', policies, input.page, policyListKey, listedPolicyShape),
  ),
  DeletePolicy: iam(policyArn, (service, caller, arn) => service.policies.delete(caller, arn), noResult),
  CreatePolicyVersion: iam(
    (p) => ({ arn: p.required('PolicyArn'), document: p.required('PolicyDocument'), setAsDefault: p.boolean('SetAsDefault') ?? false }),
    (service, caller, input) => service.policies.createVersion(caller, input.arn, input.document, input.setAsDefault),
    (version) => ({ PolicyVersion: policyVersionShape(version, false) }),
  ),
  GetPolicyVersion: iam(
    (p) => ({ arn: p.required('PolicyArn'), versionId: p.required('VersionId') }),
    (service, caller, input) => service.policies.getVersion(caller, input.arn, input.versionId),
    (version) => ({ PolicyVersion: policyVersionShape(version, true) }),
  ),
  ListPolicyVersions: iam(
    (p) => ({ arn: p.required('PolicyArn'), page: pageRequest(p) }),
    async (service, caller, input) => pageOfAll(await service.policies.versionsOf(caller, input.arn), input.page, (version) => version.versionId),
    (versions, input) =>
      pageResult(
        'Versions',
        versions,
        input.page,
        (version) => version.versionId,
        (version) => policyVersionShape(version, false),
      ),
  ),
  SetDefaultPolicyVersion: iam(
    (p) => ({ arn: p.required('PolicyArn'), versionId: p.required('VersionId') }),
    (service, caller, input) => service.policies.setDefaultVersion(caller, input.arn, input.versionId),
    noResult,
  ),
  DeletePolicyVersion: iam(
    (p) => ({ arn: p.required('PolicyArn'), versionId: p.required('VersionId') }),
    (service, caller, input) => service.policies.deleteVersion(caller, input.arn, input.versionId),
    noResult,
  ),
  ListEntitiesForPolicy: iam(
    (p) => ({
      arn: p.required('PolicyArn'),
      // AWS's EntityType enum; only its User, Role and Group are entities that use a policy.
      entityFilter: p.oneOf('EntityFilter', ENTITY_TYPES),
      pathPrefix: p.constrained('PathPrefix', PATH) ?? null,
      usage: p.oneOf('PolicyUsageFilter', POLICY_USAGES) ?? null,
      page: pageRequest(p),
    }),
    async (service, caller, input) => {
      const entities = await service.details.entitiesForPolicy(caller, input.arn, { pathPrefix: input.pathPrefix, usage: input.usage });
      const wanted = (type: EntityType) => input.entityFilter === undefined || input.entityFilter === type;
      // One list paged by Marker, in the answer's order: groups, users, roles.
      const listed: PolicyEntity[] = [
        ...(wanted('Group') ? entities.groups.map((group) => ({ kind: 'Group' as const, name: group.groupName, id: group.groupId })) : []),
        ...(wanted('User') ? entities.users.map((user) => ({ kind: 'User' as const, name: user.userName, id: user.userId })) : []),
        ...(wanted('Role') ? entities.roles.map((role) => ({ kind: 'Role' as const, name: role.roleName, id: role.roleId })) : []),
      ];
      return pageOfAll(listed, input.page, policyEntityKey);
    },
    (listed, input) => {
      const { items, paging } = pageCut(listed, input.page, policyEntityKey);
      const of = (kind: PolicyEntity['kind']) => members(items.filter((entity) => entity.kind === kind).map((entity) => ({ [`${kind}Name`]: entity.name, [`${kind}Id`]: entity.id })));
      return { PolicyGroups: of('Group'), PolicyUsers: of('User'), PolicyRoles: of('Role'), ...paging };
    },
  ),

  // Attachments
  AttachUserPolicy: iam(userAndPolicy, (service, caller, input) => service.users.attachPolicy(caller, input.name, input.policyArn), noResult),
  DetachUserPolicy: iam(userAndPolicy, (service, caller, input) => service.users.detachPolicy(caller, input.name, input.policyArn), noResult),
  AttachGroupPolicy: iam(groupAndPolicy, (service, caller, input) => service.groups.attachPolicy(caller, input.name, input.policyArn), noResult),
  DetachGroupPolicy: iam(groupAndPolicy, (service, caller, input) => service.groups.detachPolicy(caller, input.name, input.policyArn), noResult),
  AttachRolePolicy: iam(roleAndPolicy, (service, caller, input) => service.roles.attachPolicy(caller, input.name, input.policyArn), noResult),
  DetachRolePolicy: iam(roleAndPolicy, (service, caller, input) => service.roles.detachPolicy(caller, input.name, input.policyArn), noResult),

  // Inline policies
  PutUserPolicy: iam(inlinePolicy('UserName'), (service, caller, input) => service.users.putInlinePolicy(caller, input.name, input.policyName, input.document), noResult),
  DeleteUserPolicy: iam(inlinePolicyName('UserName'), (service, caller, input) => service.users.deleteInlinePolicy(caller, input.name, input.policyName), noResult),
  PutGroupPolicy: iam(inlinePolicy('GroupName'), (service, caller, input) => service.groups.putInlinePolicy(caller, input.name, input.policyName, input.document), noResult),
  DeleteGroupPolicy: iam(inlinePolicyName('GroupName'), (service, caller, input) => service.groups.deleteInlinePolicy(caller, input.name, input.policyName), noResult),
  PutRolePolicy: iam(inlinePolicy('RoleName'), (service, caller, input) => service.roles.putInlinePolicy(caller, input.name, input.policyName, input.document), noResult),
  DeleteRolePolicy: iam(inlinePolicyName('RoleName'), (service, caller, input) => service.roles.deleteInlinePolicy(caller, input.name, input.policyName), noResult),

  // Roles and trust policies
  CreateRole: iam(
    (p) => ({
      roleName: p.required('RoleName'),
      path: p.optional('Path') ?? null,
      assumeRolePolicyDocument: p.required('AssumeRolePolicyDocument'),
      description: p.optional('Description') ?? null,
      maxSessionDuration: p.integer('MaxSessionDuration', 3600, 43_200) ?? null,
      tags: p.tags('Tags'),
      permissionsBoundary: p.optional('PermissionsBoundary') ?? null,
    }),
    (service, caller, input) => service.roles.create(caller, input),
    (role) => ({ Role: roleShape(role) }),
  ),
  GetRole: iam(
    roleName,
    (service, caller, name) => service.roles.get(caller, name),
    (role) => ({ Role: roleShape(role) }),
  ),
  ListRoles: iam(
    (p) => ({ pathPrefix: p.constrained('PathPrefix', PATH_PREFIX) ?? null, page: pageRequest(p) }),
    (service, caller, input) => service.roles.list(caller, { pathPrefix: input.pathPrefix, after: input.page.after, first: input.page.maxItems + 1 }),
    (roles, input) =>
      pageResult(
        'Roles',
        roles,
        input.page,
        (role) => nameKey(role.roleName),
        (role) => roleShape(role, true),
      ),
  ),
  UpdateRole: iam(
    (p) => ({ name: p.required('RoleName'), description: p.optional('Description') ?? null, maxSessionDuration: p.integer('MaxSessionDuration', 3600, 43_200) ?? null }),
    (service, caller, input) => service.roles.update(caller, input.name, input),
    noResult,
  ),
  UpdateAssumeRolePolicy: iam(
    (p) => ({ name: p.required('RoleName'), document: p.required('PolicyDocument') }),
    (service, caller, input) => service.roles.updateAssumeRolePolicy(caller, input.name, input.document),
    noResult,
  ),
  DeleteRole: iam(roleName, (service, caller, name) => service.roles.delete(caller, name), noResult),
  TagRole: iam(
    (p) => ({ name: p.required('RoleName'), tags: p.tags('Tags') }),
    (service, caller, input) => service.roles.tag(caller, input.name, input.tags),
    noResult,
  ),
  UntagRole: iam(
    (p) => ({ name: p.required('RoleName'), keys: p.list('TagKeys') }),
    (service, caller, input) => service.roles.untag(caller, input.name, input.keys),
    noResult,
  ),
  PutRolePermissionsBoundary: iam(
    (p) => ({ name: p.required('RoleName'), boundary: p.required('PermissionsBoundary') }),
    (service, caller, input) => service.roles.putPermissionsBoundary(caller, input.name, input.boundary),
    noResult,
  ),
  DeleteRolePermissionsBoundary: iam(roleName, (service, caller, name) => service.roles.deletePermissionsBoundary(caller, name), noResult),
} satisfies Record<string, QueryAction>;
