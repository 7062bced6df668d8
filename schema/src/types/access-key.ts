import { type AccessKey, InvalidInputError, type NewAccessKey } from '@warden/iam';
import { builder } from '../builder.js';
import { mutationErrors, queryErrors } from './result-names.js';

/** An access key as listed: never its secret. */
export const AccessKeyRef = builder.objectRef<AccessKey>('AccessKeyMetadata').implement({
  fields: (t) => ({
    accessKeyId: t.exposeString('accessKeyId'),
    status: t.exposeString('status'),
    createDate: t.field({ type: 'DateTime', resolve: (key) => key.createdAt }),
    lastUsedDate: t.field({ type: 'DateTime', nullable: true, description: 'Updated at most once a minute.', resolve: (key) => key.lastUsedAt }),
    lastUsedAction: t.string({ nullable: true, resolve: (key) => key.lastUsedAction }),
  }),
});

/** A new key: the only time the secret is ever returned. */
export const NewAccessKeyRef = builder.objectRef<NewAccessKey>('AccessKey').implement({
  fields: (t) => ({
    accessKeyId: t.exposeString('accessKeyId'),
    secretAccessKey: t.exposeString('secretAccessKey', { description: 'Shown once: store it now; it cannot be retrieved again.' }),
    userName: t.string({ nullable: true, resolve: (key) => key.userName }),
    status: t.exposeString('status'),
    createDate: t.field({ type: 'DateTime', resolve: (key) => key.createDate }),
  }),
});

builder.queryField('accessKeys', (t) =>
  t.field({
    type: [AccessKeyRef],
    errors: queryErrors('accessKeys'),
    description: "A user's access keys; without a user name, the caller's own.",
    args: { userName: t.arg.string({ required: false }) },
    resolve: (_r, args, { iam, caller }) => iam.accessKeys.list(caller, args.userName),
  }),
);

builder.mutationField('createAccessKey', (t) =>
  t.field({
    type: NewAccessKeyRef,
    errors: mutationErrors('createAccessKey'),
    args: {
      input: t.arg({
        type: builder.inputType('CreateAccessKeyInput', {
          fields: (f) => ({
            userName: f.string({ required: false }),
            root: f.boolean({
              required: false,
              description:
                "Warden's extension: a key of the account's root user, made by another principal of the account allowed iam:CreateAccessKey on arn:aws:iam::ACCOUNT_ID:root: the recovery of a lost root key from OrganizationAccountAccessRole, so only a session of that role whose chain the management account started (or a principal of the management account, for its own root) may; anyone else is answered AccessDeniedError. AWS's quota of two root keys applies.",
            }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.accessKeys.create(caller, input.userName, { forRoot: input.root === true }),
  }),
);

const AccessKeyStatus = builder.enumType('AccessKeyStatus', { values: ['Active', 'Inactive'] as const });

builder.mutationField('updateAccessKey', (t) =>
  t.boolean({
    errors: mutationErrors('updateAccessKey'),
    args: {
      input: t.arg({
        type: builder.inputType('UpdateAccessKeyInput', { fields: (f) => ({ accessKeyId: f.string({ required: true }), status: f.field({ type: AccessKeyStatus, required: true }) }) }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.accessKeys.update(caller, input.accessKeyId, input.status), true),
  }),
);

builder.mutationField('deleteAccessKey', (t) =>
  t.boolean({
    errors: mutationErrors('deleteAccessKey'),
    args: { input: t.arg({ type: builder.inputType('DeleteAccessKeyInput', { fields: (f) => ({ accessKeyId: f.string({ required: true }) }) }), required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.accessKeys.delete(caller, input.accessKeyId), true),
  }),
);

const UnusedAccessKeyRef = builder.objectRef<AccessKey>('UnusedAccessKey').implement({
  fields: (t) => ({
    accessKeyId: t.exposeString('accessKeyId'),
    userName: t.string({ nullable: true, description: 'null for the root user.', resolve: (key) => key.userName }),
    status: t.exposeString('status'),
    createDate: t.field({ type: 'DateTime', resolve: (key) => key.createdAt }),
    lastUsedDate: t.field({ type: 'DateTime', nullable: true, resolve: (key) => key.lastUsedAt }),
  }),
});

builder.queryField('unusedAccessKeys', (t) =>
  t.field({
    type: [UnusedAccessKeyRef],
    description: "The account's access keys not used for `days` days (never-used keys count from their creation).",
    errors: queryErrors('unusedAccessKeys'),
    args: { days: t.arg.int({ required: true }) },
    resolve: (_r, args, { iam, caller }) => {
      if (!Number.isInteger(args.days) || args.days < 1) throw new InvalidInputError('days must be a whole number of at least 1.');
      return iam.accessKeys.unused(caller, args.days);
    },
  }),
);
