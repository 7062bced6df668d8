import type { AccountAuthorizationDetails, EntitiesForPolicy, Group, PrincipalDetail, Role, User } from '@warden/iam';
import { builder } from '../builder.js';
import { GroupRef } from './group.js';
import { InlinePolicyRef } from './policy-holder.js';
import { PolicyRef, PolicyUsageRef, PolicyVersionRef } from './policy.js';
import { queryErrors } from './result-names.js';
import { RoleRef } from './role.js';
import { UserRef } from './user.js';

const EntitiesForPolicyRef = builder.objectRef<EntitiesForPolicy>('EntitiesForPolicy').implement({
  fields: (t) => ({
    users: t.field({ type: [UserRef], resolve: (entities) => [...entities.users] }),
    groups: t.field({ type: [GroupRef], resolve: (entities) => [...entities.groups] }),
    roles: t.field({ type: [RoleRef], resolve: (entities) => [...entities.roles] }),
  }),
});

builder.queryField('entitiesForPolicy', (t) =>
  t.field({
    type: EntitiesForPolicyRef,
    errors: queryErrors('entitiesForPolicy'),
    description: "AWS's ListEntitiesForPolicy: the users, groups and roles the policy is attached to or bounds (policyUsageFilter: one use only), whose path starts with pathPrefix.",
    args: { policyArn: t.arg.string({ required: true }), pathPrefix: t.arg.string({ required: false }), policyUsageFilter: t.arg({ type: PolicyUsageRef, required: false }) },
    resolve: (_r, args, { iam, caller }) => iam.details.entitiesForPolicy(caller, args.policyArn, { pathPrefix: args.pathPrefix ?? null, usage: args.policyUsageFilter ?? null }),
  }),
);

const UserDetailRef = builder.objectRef<PrincipalDetail<User> & { groupNames: readonly string[] }>('UserDetail').implement({
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (detail) => detail.entity }),
    groupNames: t.stringList({ resolve: (detail) => [...detail.groupNames] }),
    attachedPolicyArns: t.stringList({ resolve: (detail) => [...detail.attachedPolicyArns] }),
    inlinePolicies: t.field({ type: [InlinePolicyRef], resolve: (detail) => [...detail.inlinePolicies] }),
  }),
});
const GroupDetailRef = builder.objectRef<PrincipalDetail<Group>>('GroupDetail').implement({
  fields: (t) => ({
    group: t.field({ type: GroupRef, resolve: (detail) => detail.entity }),
    attachedPolicyArns: t.stringList({ resolve: (detail) => [...detail.attachedPolicyArns] }),
    inlinePolicies: t.field({ type: [InlinePolicyRef], resolve: (detail) => [...detail.inlinePolicies] }),
  }),
});
const RoleDetailRef = builder.objectRef<PrincipalDetail<Role>>('RoleDetail').implement({
  fields: (t) => ({
    role: t.field({ type: RoleRef, resolve: (detail) => detail.entity }),
    attachedPolicyArns: t.stringList({ resolve: (detail) => [...detail.attachedPolicyArns] }),
    inlinePolicies: t.field({ type: [InlinePolicyRef], resolve: (detail) => [...detail.inlinePolicies] }),
  }),
});
const PolicyDetailRef = builder.objectRef<AccountAuthorizationDetails['policies'][number]>('PolicyDetail').implement({
  fields: (t) => ({
    policy: t.field({ type: PolicyRef, resolve: (detail) => detail.policy }),
    attachmentCount: t.exposeInt('attachmentCount'),
    versions: t.field({ type: [PolicyVersionRef], resolve: (detail) => [...detail.versions] }),
  }),
});

const DetailsRef = builder.objectRef<AccountAuthorizationDetails>('AccountAuthorizationDetails').implement({
  fields: (t) => ({
    users: t.field({ type: [UserDetailRef], resolve: (details) => [...details.users] }),
    groups: t.field({ type: [GroupDetailRef], resolve: (details) => [...details.groups] }),
    roles: t.field({ type: [RoleDetailRef], resolve: (details) => [...details.roles] }),
    policies: t.field({ type: [PolicyDetailRef], resolve: (details) => [...details.policies] }),
  }),
});

builder.queryField('accountAuthorizationDetails', (t) =>
  t.field({ type: DetailsRef, errors: queryErrors('accountAuthorizationDetails'), resolve: (_r, _a, { iam, caller }) => iam.details.accountAuthorizationDetails(caller) }),
);
