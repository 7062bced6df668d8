import { nameKey, type User } from '@warden/iam';
import { builder } from '../builder.js';
import { pageSize, toConnection } from './pagination.js';
import { mutationErrors, queryErrors } from './result-names.js';
import { policyHolderMutations, taggedHolderMutations } from './policy-holder.js';
import { TagInput, TagRef } from './tag.js';

export const UserRef = builder.objectRef<User>('User').implement({
  description: 'An IAM user: a person or application with long-term credentials.',
  fields: (t) => ({
    userId: t.exposeString('userId'),
    userName: t.exposeString('userName'),
    path: t.exposeString('path'),
    arn: t.exposeString('arn'),
    warnings: t.stringList({
      nullable: true,
      description: 'What an administrator should know at once, such as that no policy grants it anything; null when the caller may not list its policies.',
      resolve: (user, _args, { iam, caller }) => iam.warnings.forUser(caller, user),
    }),
    createDate: t.field({ type: 'DateTime', resolve: (user) => user.createdAt }),
    permissionsBoundaryArn: t.string({ nullable: true, resolve: (user) => user.permissionsBoundaryArn }),
    tags: t.field({ type: [TagRef], resolve: (user) => [...user.tags] }),
  }),
});

builder.queryField('user', (t) =>
  t.field({
    type: UserRef,
    description: 'A user by name; without a name, the calling user.',
    errors: queryErrors('user'),
    args: { userName: t.arg.string({ required: false }) },
    resolve: (_root, args, { iam, caller }) => iam.users.get(caller, args.userName ?? undefined),
  }),
);

builder.queryField('users', (t) =>
  t.connection({
    type: UserRef,
    errors: queryErrors('users'),
    args: { pathPrefix: t.arg.string({ required: false }) },
    resolve: async (_root, args, { iam, caller }) => {
      const first = pageSize(args);
      const users = await iam.users.list(caller, { pathPrefix: args.pathPrefix ?? null, after: args.after ?? null, first: first + 1 });
      return toConnection(users, first, (user) => nameKey(user.userName));
    },
  }),
);

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    userName: t.string({ required: true }),
    path: t.string({ required: false }),
    tags: t.field({ type: [TagInput], required: false }),
    permissionsBoundary: t.string({ required: false, description: 'ARN of a managed policy to use as the boundary.' }),
  }),
});

builder.mutationField('createUser', (t) =>
  t.field({
    type: UserRef,
    errors: mutationErrors('createUser'),
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: (_root, { input }, { iam, caller }) => iam.users.create(caller, input),
  }),
);

const UpdateUserInput = builder.inputType('UpdateUserInput', {
  fields: (t) => ({
    userName: t.string({ required: true, description: 'The user to update, by its name now.' }),
    newUserName: t.string({ required: false, description: 'Its new name; omitted or null, the name stays.' }),
    newPath: t.string({ required: false, description: 'Its new path; omitted or null, the path stays.' }),
  }),
});

builder.mutationField('updateUser', (t) =>
  t.field({
    type: UserRef,
    description:
      "AWS's UpdateUser: renames the user, moves it to another path, or both. It keeps its id, access keys, groups, policies and MFA devices; policies that name its old ARN are left as they are. Needs iam:UpdateUser on the user's ARN and on the ARN it will have.",
    errors: mutationErrors('updateUser'),
    args: { input: t.arg({ type: UpdateUserInput, required: true }) },
    resolve: (_r, { input }, { iam, caller }) => iam.users.update(caller, input.userName, { newUserName: input.newUserName ?? null, newPath: input.newPath ?? null }),
  }),
);

const UserNameInput = builder.inputType('UserNameInput', { fields: (t) => ({ userName: t.string({ required: true }) }) });
const GroupMembershipInput = builder.inputType('GroupMembershipInput', { fields: (t) => ({ groupName: t.string({ required: true }), userName: t.string({ required: true }) }) });

builder.mutationField('deleteUser', (t) =>
  t.boolean({
    errors: mutationErrors('deleteUser'),
    args: { input: t.arg({ type: UserNameInput, required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.users.delete(caller, input.userName), true),
  }),
);
builder.mutationField('addUserToGroup', (t) =>
  t.boolean({
    errors: mutationErrors('addUserToGroup'),
    args: { input: t.arg({ type: GroupMembershipInput, required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.groups.addUser(caller, input.groupName, input.userName), true),
  }),
);
builder.mutationField('removeUserFromGroup', (t) =>
  t.boolean({
    errors: mutationErrors('removeUserFromGroup'),
    args: { input: t.arg({ type: GroupMembershipInput, required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.groups.removeUser(caller, input.groupName, input.userName), true),
  }),
);

policyHolderMutations({ kind: 'user', ref: UserRef, operations: (iam) => iam.users });
taggedHolderMutations({ kind: 'user', ref: UserRef, operations: (iam) => iam.users }, UserNameInput);
