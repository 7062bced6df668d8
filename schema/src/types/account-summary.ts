import { ACCOUNT_SUMMARY_KEYS, type AccountSummaryKey } from '@warden/iam';
import { builder } from '../builder.js';
import { queryErrors } from './result-names.js';

interface SummaryEntry {
  readonly key: AccountSummaryKey;
  readonly value: number;
}

const AccountSummaryEntryRef = builder.objectRef<SummaryEntry>('AccountSummaryEntry').implement({
  description: "One of AWS's GetAccountSummary SummaryMap entries: a count or a quota under AWS's key (Users, UsersQuota…).",
  fields: (t) => ({ key: t.exposeString('key'), value: t.exposeInt('value') }),
});

builder.queryField('accountSummary', (t) =>
  t.field({
    type: [AccountSummaryEntryRef],
    description: "AWS's GetAccountSummary (iam:GetAccountSummary): the account's entity counts and quotas, in AWS's key order.",
    errors: queryErrors('accountSummary'),
    resolve: async (_r, _a, { iam, caller }) => {
      const summary = await iam.accounts.summary(caller);
      return ACCOUNT_SUMMARY_KEYS.map((key) => ({ key, value: summary[key] }));
    },
  }),
);
