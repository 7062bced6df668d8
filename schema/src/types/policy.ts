import { type ManagedPolicy, POLICY_SCOPES, policyListKey, type PolicyVersion } from '@warden/iam';
import { builder } from '../builder.js';
import { pageSize, toConnection } from './pagination.js';
import { mutationErrors, queryErrors } from './result-names.js';

export const PolicyVersionRef = builder.objectRef<PolicyVersion>('PolicyVersion').implement({
  fields: (t) => ({
    versionId: t.exposeString('versionId'),
    document: t.exposeString('document'),
    isDefaultVersion: t.exposeBoolean('isDefaultVersion'),
    createDate: t.field({ type: 'DateTime', resolve: (version) => version.createdAt }),
  }),
});

export const PolicyRef = builder.objectRef<ManagedPolicy>('Policy').implement({
  description: "A managed policy: the account's own (customer-managed, up to five versions) or one of Warden's AWS-managed policies (arn:aws:iam::aws:policy/…, one version).",
  fields: (t) => ({
    policyId: t.exposeString('policyId'),
    policyName: t.exposeString('policyName'),
    path: t.exposeString('path'),
    arn: t.exposeString('arn'),
    description: t.string({ nullable: true, resolve: (policy) => policy.description }),
    defaultVersionId: t.exposeString('defaultVersionId'),
    createDate: t.field({ type: 'DateTime', resolve: (policy) => policy.createdAt }),
    updateDate: t.field({ type: 'DateTime', resolve: (policy) => policy.updatedAt }),
    // Authorized on its own (iam:ListPolicyVersions): a caller who may read or list policies can
    // still be denied their versions, as a typed denial beside the policy.
    versions: t.field({
      type: [PolicyVersionRef],
      errors: queryErrors('policyVersions'),
      resolve: (policy, _args, { iam, caller }) => iam.policies.versions(caller, policy),
    }),
  }),
});

builder.queryField('policy', (t) =>
  t.field({ type: PolicyRef, errors: queryErrors('policy'), args: { policyArn: t.arg.string({ required: true }) }, resolve: (_r, args, { iam, caller }) => iam.policies.get(caller, args.policyArn) }),
);

const PolicyScopeRef = builder.enumType('PolicyScope', {
  description: "AWS's ListPolicies Scope: every managed policy, AWS's only, or the account's own.",
  values: Object.fromEntries(POLICY_SCOPES.map((scope) => [scope.toUpperCase(), { value: scope }])),
});
export const PolicyUsageRef = builder.enumType('PolicyUsage', {
  description: 'A managed policy in use as an attached permissions policy, or as a permissions boundary.',
  values: { PERMISSIONS_POLICY: { value: 'PermissionsPolicy' }, PERMISSIONS_BOUNDARY: { value: 'PermissionsBoundary' } },
});

builder.queryField('policies', (t) =>
  t.connection({
    type: PolicyRef,
    errors: queryErrors('policies'),
    description: "AWS's ListPolicies. Scope defaults to LOCAL here (Warden's API listed the account's policies before it listed AWS's); AWS's Query front defaults to All, as AWS does.",
    args: {
      scope: t.arg({ type: PolicyScopeRef, required: false }),
      onlyAttached: t.arg.boolean({ required: false }),
      pathPrefix: t.arg.string({ required: false }),
      policyUsageFilter: t.arg({ type: PolicyUsageRef, required: false }),
    },
    resolve: async (_r, args, { iam, caller }) => {
      const first = pageSize(args);
      const filter = { scope: args.scope ?? 'Local', onlyAttached: args.onlyAttached ?? false, pathPrefix: args.pathPrefix ?? null, usage: args.policyUsageFilter ?? null };
      return toConnection(await iam.policies.list(caller, { filter, after: args.after ?? null, first: first + 1 }), first, policyListKey);
    },
  }),
);

const PolicyArnInput = builder.inputType('PolicyArnInput', { fields: (t) => ({ policyArn: t.string({ required: true }) }) });
const PolicyVersionInput = builder.inputType('PolicyVersionInput', { fields: (t) => ({ policyArn: t.string({ required: true }), versionId: t.string({ required: true }) }) });

builder.mutationField('createPolicy', (t) =>
  t.field({
    type: PolicyRef,
    errors: mutationErrors('createPolicy'),
    args: {
      input: t.arg({
        type: builder.inputType('CreatePolicyInput', {
          fields: (f) => ({ policyName: f.string({ required: true }), path: f.string({ required: false }), description: f.string({ required: false }), policyDocument: f.string({ required: true }) }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.policies.create(caller, input),
  }),
);
builder.mutationField('createPolicyVersion', (t) =>
  t.field({
    type: PolicyRef,
    errors: mutationErrors('createPolicyVersion'),
    args: {
      input: t.arg({
        type: builder.inputType('CreatePolicyVersionInput', {
          fields: (f) => ({ policyArn: f.string({ required: true }), policyDocument: f.string({ required: true }), setAsDefault: f.boolean({ required: false }) }),
        }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, { iam, caller }) => (
      await iam.policies.createVersion(caller, input.policyArn, input.policyDocument, input.setAsDefault ?? false),
      iam.policies.current(caller, input.policyArn)
    ),
  }),
);
builder.mutationField('setDefaultPolicyVersion', (t) =>
  t.field({
    type: PolicyRef,
    errors: mutationErrors('setDefaultPolicyVersion'),
    args: { input: t.arg({ type: PolicyVersionInput, required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.policies.setDefaultVersion(caller, input.policyArn, input.versionId), iam.policies.current(caller, input.policyArn)),
  }),
);
builder.mutationField('deletePolicyVersion', (t) =>
  t.field({
    type: PolicyRef,
    errors: mutationErrors('deletePolicyVersion'),
    args: { input: t.arg({ type: PolicyVersionInput, required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.policies.deleteVersion(caller, input.policyArn, input.versionId), iam.policies.current(caller, input.policyArn)),
  }),
);
builder.mutationField('deletePolicy', (t) =>
  t.boolean({
    errors: mutationErrors('deletePolicy'),
    args: { input: t.arg({ type: PolicyArnInput, required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.policies.delete(caller, input.policyArn), true),
  }),
);
