import type { Caller } from '@warden/iam';
import { builder } from '../builder.js';

const CallerIdentityRef = builder.objectRef<Caller>('CallerIdentity').implement({
  description: 'Who the request was authenticated as (sts:GetCallerIdentity; always allowed).',
  fields: (t) => ({
    account: t.exposeString('accountId'),
    arn: t.exposeString('arn'),
    userId: t.string({ resolve: (caller) => caller.userId ?? caller.accountId }),
  }),
});

builder.queryField('callerIdentity', (t) => t.field({ type: CallerIdentityRef, resolve: (_r, _a, { caller }) => caller }));
