import type { AccountAuthorizationDetails, MfaDevice, PasswordPolicy, SimulationResult } from '@warden/iam';
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
  summaryMapShape,
  tagList,
  userShape,
  virtualMfaDeviceShape,
} from './aws-shapes.js';
import { validationError } from './aws-errors.js';
import { actionsOf, noResult, type QueryAction } from './query-action.js';
import { ENTITY_TYPES, type EntityType } from './entity-types.js';
import { pageCut, pageOfAll, pageRequest, pageResult } from './query-pagination.js';
import type { QueryParameters } from './query-parameters.js';

/**
 * IAM's account-wide and credential actions over the Query protocol: the password policy, login
 * profiles, virtual MFA devices, account aliases, the credential report, GetAccountAuthorizationDetails
 * and the policy simulators, each calling the IamService operation GraphQL's resolver calls.
 */
const iam = actionsOf('iam');

const ASSIGNMENT_STATUSES = ['Assigned', 'Unassigned', 'Any'] as const;
const serialNumberOf = (device: MfaDevice) => device.serialNumber;

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

/** An entry of GetAccountAuthorizationDetails' answer, and its key in the answer's order. */
type AuthorizationDetail =
  | { readonly kind: 'User'; readonly key: string; readonly user: AccountAuthorizationDetails['users'][number] }
  | { readonly kind: 'Group'; readonly key: string; readonly group: AccountAuthorizationDetails['groups'][number] }
  | { readonly kind: 'Role'; readonly key: string; readonly role: AccountAuthorizationDetails['roles'][number] }
  | { readonly kind: 'Policy'; readonly key: string; readonly policy: AccountAuthorizationDetails['policies'][number] };
const keyOfDetail = (detail: AuthorizationDetail) => detail.key;

/**
 * A simulation's results with their positions: the simulators answer them in the order of the
 * request's actions and resources, the same each time, so a position continues the list.
 */
const numbered = (results: readonly SimulationResult[]) => results.map((result, index) => ({ result, position: String(index) }));
const positionOf = (numbered: { position: string }) => numbered.position;

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
    (p) => ({ userName: p.optional('UserName') ?? null, page: pageRequest(p) }),
    async (service, caller, input) => pageOfAll(await service.mfa.list(caller, { userName: input.userName }), input.page, serialNumberOf),
    (devices, input) => pageResult('MFADevices', devices, input.page, serialNumberOf, mfaDeviceShape),
  ),
  ListVirtualMFADevices: iam(
    (p) => ({ assignmentStatus: p.oneOf('AssignmentStatus', ASSIGNMENT_STATUSES) ?? 'Any', page: pageRequest(p) }),
    async (service, caller, input) => pageOfAll(await service.mfa.list(caller, { assignmentStatus: input.assignmentStatus }), input.page, serialNumberOf),
    (devices, input) => pageResult('VirtualMFADevices', devices, input.page, serialNumberOf, virtualMfaDeviceShape),
  ),

  // The account's counts and quotas
  GetAccountSummary: iam(
    () => undefined,
    (service, caller) => service.accounts.summary(caller),
    (summary) => ({ SummaryMap: summaryMapShape(summary) }),
  ),

  // The credential report
  GenerateCredentialReport: iam(
    () => undefined,
    (service, caller) => service.credentialReports.generate(caller),
    (generated) => ({ State: generated.state, Description: generated.description }),
  ),
  GetCredentialReport: iam(
    () => undefined,
    (service, caller) => service.credentialReports.get(caller),
    // AWS: "Contains the credential report. The report is Base64-encoded."
    (report) => ({ Content: Buffer.from(report.content, 'utf8').toString('base64'), ReportFormat: report.reportFormat, GeneratedTime: awsTime(report.generatedTime) }),
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
      const filter = p.list('Filter');
      for (const type of filter) {
        if (!(ENTITY_TYPES as readonly string[]).includes(type)) throw validationError(`Filter ${type} is not one of ${ENTITY_TYPES.join(', ')}.`);
      }
      // No Filter is every type, as AWS reads it.
      return { wanted: (type: EntityType) => filter.length === 0 || filter.includes(type), page: pageRequest(p) };
    },
    async (service, caller, input) => {
      const details = await service.details.accountAuthorizationDetails(caller);
      // One list paged by Marker, in the answer's order: users, groups, roles, policies.
      const listed: AuthorizationDetail[] = [
        ...(input.wanted('User') ? details.users.map((user) => ({ kind: 'User' as const, key: `User/${user.entity.userId}`, user })) : []),
        ...(input.wanted('Group') ? details.groups.map((group) => ({ kind: 'Group' as const, key: `Group/${group.entity.groupId}`, group })) : []),
        ...(input.wanted('Role') ? details.roles.map((role) => ({ kind: 'Role' as const, key: `Role/${role.entity.roleId}`, role })) : []),
        ...(input.wanted('LocalManagedPolicy') ? details.policies.map((policy) => ({ kind: 'Policy' as const, key: `Policy/${policy.policy.policyId}`, policy })) : []),
      ];
      return pageOfAll(listed, input.page, keyOfDetail);
    },
    (listed, input) => {
      const { items, paging } = pageCut(listed, input.page, keyOfDetail);
      return {
        UserDetailList: members(
          items
            .flatMap((item) => (item.kind === 'User' ? [item.user] : []))
            .map((user) => ({
              ...userShape(user.entity),
              UserPolicyList: inlinePolicyDetails(user.inlinePolicies),
              GroupList: members(user.groupNames),
              AttachedManagedPolicies: attachedPolicies(user.attachedPolicyArns),
            })),
        ),
        GroupDetailList: members(
          items
            .flatMap((item) => (item.kind === 'Group' ? [item.group] : []))
            .map((group) => ({
              ...groupShape(group.entity),
              GroupPolicyList: inlinePolicyDetails(group.inlinePolicies),
              AttachedManagedPolicies: attachedPolicies(group.attachedPolicyArns),
            })),
        ),
        RoleDetailList: members(
          items
            .flatMap((item) => (item.kind === 'Role' ? [item.role] : []))
            .map((role) => ({
              ...roleShape(role.entity, true),
              InstanceProfileList: members([]),
              RolePolicyList: inlinePolicyDetails(role.inlinePolicies),
              AttachedManagedPolicies: attachedPolicies(role.attachedPolicyArns),
              Tags: role.entity.tags.length > 0 ? tagList(role.entity.tags) : undefined,
            })),
        ),
        Policies: members(
          items
            .flatMap((item) => (item.kind === 'Policy' ? [item.policy] : []))
            .map(({ policy, versions, attachmentCount }) => ({
              ...policyShape(policy),
              AttachmentCount: attachmentCount,
              PolicyVersionList: members(versions.map((version) => policyVersionShape(version, true))),
            })),
        ),
        ...paging,
      };
    },
  ),

  // Policy simulators
  SimulatePrincipalPolicy: iam(
    (p) => ({
      page: pageRequest(p),
      simulation: {
        policySourceArn: p.required('PolicySourceArn'),
        actionNames: p.list('ActionNames'),
        resourceArns: p.list('ResourceArns'),
        policyInputList: p.list('PolicyInputList'),
        contextEntries: p.contextEntries('ContextEntries'),
      },
    }),
    async (service, caller, { simulation, page }) =>
      pageOfAll(
        numbered(await service.authorization.simulatePrincipalPolicy(caller, { ...simulation, resourceArns: simulation.resourceArns.length > 0 ? simulation.resourceArns : null })),
        page,
        positionOf,
      ),
    (results, input) => pageResult('EvaluationResults', results, input.page, positionOf, (numbered) => evaluationResultShape(numbered.result)),
  ),
  SimulateCustomPolicy: iam(
    (p) => ({
      page: pageRequest(p),
      simulation: {
        policyInputList: p.list('PolicyInputList'),
        permissionsBoundaryPolicyInputList: p.list('PermissionsBoundaryPolicyInputList'),
        actionNames: p.list('ActionNames'),
        resourceArns: p.list('ResourceArns'),
        resourcePolicy: p.optional('ResourcePolicy') ?? null,
        callerArn: p.optional('CallerArn') ?? null,
        contextEntries: p.contextEntries('ContextEntries'),
      },
    }),
    async (service, caller, { simulation, page }) =>
      pageOfAll(
        numbered(await service.authorization.simulateCustomPolicy(caller, { ...simulation, resourceArns: simulation.resourceArns.length > 0 ? simulation.resourceArns : null })),
        page,
        positionOf,
      ),
    (results, input) => pageResult('EvaluationResults', results, input.page, positionOf, (numbered) => evaluationResultShape(numbered.result)),
  ),
} satisfies Record<string, QueryAction>;
