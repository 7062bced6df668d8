import type { PasswordPolicy } from '@warden/iam';
import {
  attachedPolicies,
  awsTime,
  createdVirtualMfaDeviceShape,
  evaluationResultShape,
  groupShape,
  inlinePolicyDetails,
  members,
  mfaDeviceShape,
  passwordPolicyShape,
  policyShape,
  policyVersionShape,
  roleShape,
  tagList,
  userShape,
  virtualMfaDeviceShape,
} from './aws-shapes.js';
import { validationError } from './aws-errors.js';
import { actionsOf, noResult, type QueryAction } from './query-action.js';
import { pageOfAll, pageRequest, pageResult } from './query-pagination.js';
import type { QueryParameters } from './query-parameters.js';

/**
 * IAM's account-wide and credential actions over the Query protocol: the password policy, login
 * profiles, virtual MFA devices, account aliases, GetAccountAuthorizationDetails and the policy
 * simulators, each calling the IamService operation GraphQL's resolver calls.
 */
const iam = actionsOf('iam');

/** The lists Warden answers whole: a client's MaxItems or Marker would not be honoured, so they are refused, not ignored. */
function refusePaging(p: QueryParameters, action: string): void {
  if (p.optional('MaxItems') !== undefined || p.optional('Marker') !== undefined) throw validationError(`${action} answers its whole list at once here: send it without MaxItems and Marker.`);
}

const ASSIGNMENT_STATUSES = ['Assigned', 'Unassigned', 'Any'] as const;
type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];
const isAssignmentStatus = (value: string): value is AssignmentStatus => (ASSIGNMENT_STATUSES as readonly string[]).includes(value);

/** GetAccountAuthorizationDetails' Filter values (AWS's EntityType enum); AWS managed policies are not listed by Warden. */
const ENTITY_TYPES = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;

/** The members a request gave: an optional AWS parameter that is absent is left out, not set to undefined. */
function withoutAbsent<T extends object>(values: { [K in keyof T]: T[K] | undefined }): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function mfaCodes(p: QueryParameters) {
  return {
    userName: p.optional('UserName') ?? null,
    serialNumber: p.required('SerialNumber'),
    authenticationCode1: p.required('AuthenticationCode1'),
    authenticationCode2: p.required('AuthenticationCode2'),
  };
}

export const IAM_ACCOUNT_ACTIONS = {
  // The account's password policy
  GetAccountPasswordPolicy: iam(
    () => undefined,
    (service, caller) => service.passwords.accountPasswordPolicy(caller),
    (policy) => ({ PasswordPolicy: passwordPolicyShape(policy) }),
  ),
  UpdateAccountPasswordPolicy: iam(
    (p) => ({
      minimumPasswordLength: p.integer('MinimumPasswordLength', 6, 128),
      requireSymbols: p.boolean('RequireSymbols'),
      requireNumbers: p.boolean('RequireNumbers'),
      requireUppercaseCharacters: p.boolean('RequireUppercaseCharacters'),
      requireLowercaseCharacters: p.boolean('RequireLowercaseCharacters'),
      allowUsersToChangePassword: p.boolean('AllowUsersToChangePassword'),
      maxPasswordAge: p.integer('MaxPasswordAge', 1, 1095),
      passwordReusePrevention: p.integer('PasswordReusePrevention', 1, 24),
      hardExpiry: p.boolean('HardExpiry'),
    }),
    (service, caller, changes) => service.passwords.updateAccountPasswordPolicy(caller, withoutAbsent<PasswordPolicy>(changes)),
    noResult,
  ),
  DeleteAccountPasswordPolicy: iam(
    () => undefined,
    (service, caller) => service.passwords.deleteAccountPasswordPolicy(caller),
    noResult,
  ),

  // Console passwords (login profiles)
  CreateLoginProfile: iam(
    (p) => ({ userName: p.required('UserName'), password: p.required('Password'), passwordResetRequired: p.boolean('PasswordResetRequired') ?? false }),
    (service, caller, input) => service.passwords.createLoginProfile(caller, input),
    // The operation answers nothing more: the profile's creation time is not returned, so it is not invented.
    (_none, input) => ({ LoginProfile: { UserName: input.userName, PasswordResetRequired: input.passwordResetRequired } }),
  ),
  UpdateLoginProfile: iam(
    (p) => ({ userName: p.required('UserName'), password: p.optional('Password') ?? null, passwordResetRequired: p.boolean('PasswordResetRequired') ?? null }),
    (service, caller, input) => service.passwords.updateLoginProfile(caller, input),
    noResult,
  ),
  GetLoginProfile: iam(
    (p) => p.optional('UserName'),
    (service, caller, userName) => service.passwords.loginProfile(caller, userName),
    (profile) => ({ LoginProfile: { UserName: profile.userName, CreateDate: awsTime(profile.createdAt), PasswordResetRequired: profile.passwordResetRequired } }),
  ),
  DeleteLoginProfile: iam(
    (p) => p.required('UserName'),
    (service, caller, userName) => service.passwords.deleteLoginProfile(caller, userName),
    noResult,
  ),
  ChangePassword: iam(
    (p) => ({ oldPassword: p.required('OldPassword'), newPassword: p.required('NewPassword') }),
    (service, caller, input) => service.passwords.changePassword(caller, input),
    noResult,
  ),

  // Virtual MFA devices
  CreateVirtualMFADevice: iam(
    (p) => ({ virtualMFADeviceName: p.required('VirtualMFADeviceName'), path: p.optional('Path') ?? null, tags: p.tags('Tags') }),
    (service, caller, input) => service.mfa.createVirtualMFADevice(caller, input),
    (device) => ({ VirtualMFADevice: createdVirtualMfaDeviceShape(device) }),
  ),
  EnableMFADevice: iam(mfaCodes, (service, caller, input) => service.mfa.enableMFADevice(caller, input), noResult),
  ResyncMFADevice: iam(mfaCodes, (service, caller, input) => service.mfa.resyncMFADevice(caller, input), noResult),
  DeactivateMFADevice: iam(
    (p) => ({ userName: p.optional('UserName') ?? null, serialNumber: p.required('SerialNumber') }),
    (service, caller, input) => service.mfa.deactivateMFADevice(caller, input),
    noResult,
  ),
  DeleteVirtualMFADevice: iam(
    (p) => p.required('SerialNumber'),
    (service, caller, serialNumber) => service.mfa.deleteVirtualMFADevice(caller, serialNumber),
    noResult,
  ),
  ListMFADevices: iam(
    (p) => (refusePaging(p, 'ListMFADevices'), { userName: p.optional('UserName') ?? null }),
    (service, caller, input) => service.mfa.list(caller, input),
    (devices) => ({ MFADevices: members(devices.map(mfaDeviceShape)), IsTruncated: false }),
  ),
  ListVirtualMFADevices: iam(
    (p) => {
      refusePaging(p, 'ListVirtualMFADevices');
      const status = p.optional('AssignmentStatus') ?? 'Any';
      if (!isAssignmentStatus(status))
        throw validationError(`1 validation error detected: Value '${status}' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned, Unassigned, Any]`);
      return { assignmentStatus: status };
    },
    (service, caller, input) => service.mfa.list(caller, input),
    (devices) => ({ VirtualMFADevices: members(devices.map(virtualMfaDeviceShape)), IsTruncated: false }),
  ),

  // Account alias
  CreateAccountAlias: iam(
    (p) => p.required('AccountAlias'),
    (service, caller, alias) => service.accounts.createAlias(caller, alias),
    noResult,
  ),
  ListAccountAliases: iam(
    pageRequest,
    async (service, caller, page) => pageOfAll(await service.accounts.aliases(caller), page, (alias) => alias),
    (aliases, page) =>
      pageResult(
        'AccountAliases',
        aliases,
        page,
        (alias) => alias,
        (alias) => alias,
      ),
  ),
  DeleteAccountAlias: iam(
    (p) => p.required('AccountAlias'),
    (service, caller, alias) => service.accounts.deleteAlias(caller, alias),
    noResult,
  ),

  // The account's whole authorization picture
  GetAccountAuthorizationDetails: iam(
    (p) => {
      refusePaging(p, 'GetAccountAuthorizationDetails');
      const filter = p.list('Filter');
      for (const type of filter) {
        if (!(ENTITY_TYPES as readonly string[]).includes(type)) throw validationError(`Filter ${type} is not one of ${ENTITY_TYPES.join(', ')}.`);
      }
      // No Filter is every type, as AWS reads it.
      return (type: (typeof ENTITY_TYPES)[number]) => filter.length === 0 || filter.includes(type);
    },
    (service, caller) => service.details.accountAuthorizationDetails(caller),
    (details, wanted) => ({
      UserDetailList: members(
        (wanted('User') ? details.users : []).map((user) => ({
          ...userShape(user.entity),
          UserPolicyList: inlinePolicyDetails(user.inlinePolicies),
          GroupList: members(user.groupNames),
          AttachedManagedPolicies: attachedPolicies(user.attachedPolicyArns),
        })),
      ),
      GroupDetailList: members(
        (wanted('Group') ? details.groups : []).map((group) => ({
          ...groupShape(group.entity),
          GroupPolicyList: inlinePolicyDetails(group.inlinePolicies),
          AttachedManagedPolicies: attachedPolicies(group.attachedPolicyArns),
        })),
      ),
      RoleDetailList: members(
        (wanted('Role') ? details.roles : []).map((role) => ({
          ...roleShape(role.entity, true),
          InstanceProfileList: members([]),
          RolePolicyList: inlinePolicyDetails(role.inlinePolicies),
          AttachedManagedPolicies: attachedPolicies(role.attachedPolicyArns),
          Tags: role.entity.tags.length > 0 ? tagList(role.entity.tags) : undefined,
        })),
      ),
      Policies: members(
        (wanted('LocalManagedPolicy') ? details.policies : []).map(({ policy, versions, attachmentCount }) => ({
          ...policyShape(policy),
          AttachmentCount: attachmentCount,
          PolicyVersionList: members(versions.map((version) => policyVersionShape(version, true))),
        })),
      ),
      IsTruncated: false,
    }),
  ),

  // Policy simulators
  SimulatePrincipalPolicy: iam(
    (p) => {
      refusePaging(p, 'SimulatePrincipalPolicy');
      return {
        policySourceArn: p.required('PolicySourceArn'),
        actionNames: p.list('ActionNames'),
        resourceArns: p.list('ResourceArns'),
        policyInputList: p.list('PolicyInputList'),
        contextEntries: p.contextEntries('ContextEntries'),
      };
    },
    (service, caller, input) => service.authorization.simulatePrincipalPolicy(caller, { ...input, resourceArns: input.resourceArns.length > 0 ? input.resourceArns : null }),
    (results) => ({ EvaluationResults: members(results.map(evaluationResultShape)), IsTruncated: false }),
  ),
  SimulateCustomPolicy: iam(
    (p) => {
      refusePaging(p, 'SimulateCustomPolicy');
      return {
        policyInputList: p.list('PolicyInputList'),
        permissionsBoundaryPolicyInputList: p.list('PermissionsBoundaryPolicyInputList'),
        actionNames: p.list('ActionNames'),
        resourceArns: p.list('ResourceArns'),
        resourcePolicy: p.optional('ResourcePolicy') ?? null,
        callerArn: p.optional('CallerArn') ?? null,
        contextEntries: p.contextEntries('ContextEntries'),
      };
    },
    (service, caller, input) => service.authorization.simulateCustomPolicy(caller, { ...input, resourceArns: input.resourceArns.length > 0 ? input.resourceArns : null }),
    (results) => ({ EvaluationResults: members(results.map(evaluationResultShape)), IsTruncated: false }),
  ),
} satisfies Record<string, QueryAction>;
