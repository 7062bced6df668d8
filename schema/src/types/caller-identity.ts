import { type Caller, callerUserId } from '@warden/iam';
import { builder } from '../builder.js';

const CallerIdentityRef = builder.objectRef<Caller>('CallerIdentity').implement({
  description: 'Who the request was authenticated as (sts:GetCallerIdentity; always allowed).',
  fields: (t) => ({
    account: t.exposeString('accountId'),
    arn: t.exposeString('arn'),
    userId: t.string({
      description: 'AIDA… for a user, ROLE_ID:SESSION for an assumed role, ACCOUNT:NAME for a federated user, the account id for root.',
      resolve: (caller) => callerUserId(caller),
    }),
  }),
});

builder.queryField('callerIdentity', (t) => t.field({ type: CallerIdentityRef, resolve: (_r, _a, { caller }) => caller }));
