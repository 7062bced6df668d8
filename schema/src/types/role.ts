import { nameKey, type Role } from '@warden/iam';
import { builder } from '../builder.js';
import { pageSize, toConnection } from './pagination.js';
import { mutationErrors, queryErrors } from './result-names.js';
import { policyHolderMutations, taggedHolderMutations } from './policy-holder.js';
import { TagInput, TagRef } from './tag.js';

export const RoleRef = builder.objectRef<Role>('Role').implement({
  description: 'An IAM role: permissions that trusted principals take on by assuming it.',
  fields: (t) => ({
    roleId: t.exposeString('roleId'),
    roleName: t.exposeString('roleName'),
    path: t.exposeString('path'),
    arn: t.exposeString('arn'),
    warnings: t.stringList({
      nullable: true,
      description: 'What an administrator should know at once, such as that no policy grants it anything; null when the caller may not list its policies.',
      resolve: (role, _args, { iam, caller }) => iam.warnings.forRole(caller, role),
    }),
    assumeRolePolicyDocument: t.exposeString('trustPolicy'),
    description: t.string({ nullable: true, resolve: (role) => role.description }),
    maxSessionDuration: t.exposeInt('maxSessionDuration'),
    permissionsBoundaryArn: t.string({ nullable: true, resolve: (role) => role.permissionsBoundaryArn }),
    tags: t.field({ type: [TagRef], resolve: (role) => [...role.tags] }),
    createDate: t.field({ type: 'DateTime', resolve: (role) => role.createdAt }),
  }),
});

builder.queryField('role', (t) =>
  t.field({ type: RoleRef, errors: queryErrors('role'), args: { roleName: t.arg.string({ required: true }) }, resolve: (_r, args, { iam, caller }) => iam.roles.get(caller, args.roleName) }),
);

builder.queryField('roles', (t) =>
  t.connection({
    type: RoleRef,
    errors: queryErrors('roles'),
    args: { pathPrefix: t.arg.string({ required: false }) },
    resolve: async (_r, args, { iam, caller }) => {
      const first = pageSize(args);
      return toConnection(await iam.roles.list(caller, { pathPrefix: args.pathPrefix ?? null, after: args.after ?? null, first: first + 1 }), first, (role) => nameKey(role.roleName));
    },
  }),
);

const CreateRoleInput = builder.inputType('CreateRoleInput', {
  fields: (t) => ({
    roleName: t.string({ required: true }),
    path: t.string({ required: false }),
    assumeRolePolicyDocument: t.string({ required: true }),
    description: t.string({ required: false }),
    maxSessionDuration: t.int({ required: false, description: 'Seconds, 3600 to 43200.' }),
    tags: t.field({ type: [TagInput], required: false }),
    permissionsBoundary: t.string({ required: false }),
  }),
});
const RoleNameInput = builder.inputType('RoleNameInput', { fields: (t) => ({ roleName: t.string({ required: true }) }) });

builder.mutationField('createRole', (t) =>
  t.field({
    type: RoleRef,
    errors: mutationErrors('createRole'),
    args: { input: t.arg({ type: CreateRoleInput, required: true }) },
    resolve: (_r, { input }, { iam, caller }) => iam.roles.create(caller, input),
  }),
);
builder.mutationField('deleteRole', (t) =>
  t.boolean({
    errors: mutationErrors('deleteRole'),
    args: { input: t.arg({ type: RoleNameInput, required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.roles.delete(caller, input.roleName), true),
  }),
);
builder.mutationField('updateRole', (t) =>
  t.field({
    type: RoleRef,
    errors: mutationErrors('updateRole'),
    args: {
      input: t.arg({
        type: builder.inputType('UpdateRoleInput', {
          fields: (f) => ({ roleName: f.string({ required: true }), description: f.string({ required: false }), maxSessionDuration: f.int({ required: false }) }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.roles.update(caller, input.roleName, input),
  }),
);
builder.mutationField('updateAssumeRolePolicy', (t) =>
  t.field({
    type: RoleRef,
    errors: mutationErrors('updateAssumeRolePolicy'),
    args: {
      input: t.arg({
        type: builder.inputType('UpdateAssumeRolePolicyInput', { fields: (f) => ({ roleName: f.string({ required: true }), policyDocument: f.string({ required: true }) }) }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.roles.updateAssumeRolePolicy(caller, input.roleName, input.policyDocument),
  }),
);
policyHolderMutations({ kind: 'role', ref: RoleRef, operations: (iam) => iam.roles });
taggedHolderMutations({ kind: 'role', ref: RoleRef, operations: (iam) => iam.roles }, RoleNameInput);
