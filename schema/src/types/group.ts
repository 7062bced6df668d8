import { type Group, nameKey } from '@warden/iam';
import { builder } from '../builder.js';
import { pageSize, toConnection } from './pagination.js';
import { mutationErrors, queryErrors } from './result-names.js';
import { policyHolderMutations } from './policy-holder.js';
import { UserRef } from './user.js';

export const GroupRef = builder.objectRef<Group>('Group').implement({
  description: 'An IAM group: users inherit the policies of the groups they belong to.',
  fields: (t) => ({
    groupId: t.exposeString('groupId'),
    groupName: t.exposeString('groupName'),
    path: t.exposeString('path'),
    arn: t.exposeString('arn'),
    warnings: t.stringList({
      nullable: true,
      description: 'What an administrator should know at once, such as that no policy grants it anything; null when the caller may not list its policies.',
      resolve: (group, _args, { iam, caller }) => iam.warnings.forGroup(caller, group),
    }),
    createDate: t.field({ type: 'DateTime', resolve: (group) => group.createdAt }),
    // Reading a group's users is authorized on its own (iam:GetGroup), so a caller who may list
    // groups can still be denied them: the denial is typed here and the group stays in the answer.
    users: t.field({ type: [UserRef], errors: queryErrors('groupUsers'), resolve: (group, _args, { iam, caller }) => iam.groups.members(caller, group) }),
  }),
});

builder.queryField('group', (t) =>
  t.field({ type: GroupRef, errors: queryErrors('group'), args: { groupName: t.arg.string({ required: true }) }, resolve: (_r, args, { iam, caller }) => iam.groups.get(caller, args.groupName) }),
);

builder.queryField('groups', (t) =>
  t.connection({
    type: GroupRef,
    errors: queryErrors('groups'),
    args: { pathPrefix: t.arg.string({ required: false }) },
    resolve: async (_r, args, { iam, caller }) => {
      const first = pageSize(args);
      return toConnection(await iam.groups.list(caller, { pathPrefix: args.pathPrefix ?? null, after: args.after ?? null, first: first + 1 }), first, (group) => nameKey(group.groupName));
    },
  }),
);

const GroupNameInput = builder.inputType('GroupNameInput', { fields: (t) => ({ groupName: t.string({ required: true }) }) });

builder.mutationField('createGroup', (t) =>
  t.field({
    type: GroupRef,
    errors: mutationErrors('createGroup'),
    args: { input: t.arg({ type: builder.inputType('CreateGroupInput', { fields: (f) => ({ groupName: f.string({ required: true }), path: f.string({ required: false }) }) }), required: true }) },
    resolve: (_r, { input }, { iam, caller }) => iam.groups.create(caller, input),
  }),
);
builder.mutationField('updateGroup', (t) =>
  t.field({
    type: GroupRef,
    description:
      "AWS's UpdateGroup: renames the group, moves it to another path, or both. It keeps its id, users and policies; policies that name its old ARN are left as they are. Needs iam:UpdateGroup on the group's ARN and on the ARN it will have.",
    errors: mutationErrors('updateGroup'),
    args: {
      input: t.arg({
        type: builder.inputType('UpdateGroupInput', {
          fields: (f) => ({
            groupName: f.string({ required: true, description: 'The group to update, by its name now.' }),
            newGroupName: f.string({ required: false, description: 'Its new name; omitted or null, the name stays.' }),
            newPath: f.string({ required: false, description: 'Its new path; omitted or null, the path stays.' }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.groups.update(caller, input.groupName, { newGroupName: input.newGroupName ?? null, newPath: input.newPath ?? null }),
  }),
);
builder.mutationField('deleteGroup', (t) =>
  t.boolean({
    errors: mutationErrors('deleteGroup'),
    args: { input: t.arg({ type: GroupNameInput, required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.groups.delete(caller, input.groupName), true),
  }),
);
policyHolderMutations({ kind: 'group', ref: GroupRef, operations: (iam) => iam.groups });
