import type { ExportedTable } from '@warden/iam';
import { builder } from '../builder.js';
import { AuditEventRef } from './audit-event.js';
import { pageSize, toConnection } from './pagination.js';
import { queryErrors } from './result-names.js';

const AUTHORIZED_AS = 'warden:ExportAccount on arn:aws:organizations::MANAGEMENT_ACCOUNT_ID:account/ACCOUNT_ID; management account principals only';

const ExportedTableRef = builder.objectRef<ExportedTable>('ExportedTable').implement({
  description: 'One read-model table of an account: its rows as stored (snake_case columns), encrypted secrets and token hashes replaced by "[encrypted]".',
  fields: (t) => ({
    table: t.exposeString('table'),
    rows: t.field({ type: ['JSON'], resolve: (entry) => [...entry.rows] }),
  }),
});

builder.queryField('accountEvents', (t) =>
  t.connection({
    type: AuditEventRef,
    description: `Every event of an account, closed or not, oldest first, a page at a time (after: the endCursor of the page before), secrets redacted as in auditEvents: its data kept for audit (${AUTHORIZED_AS}).`,
    errors: queryErrors('accountEvents'),
    args: { accountId: t.arg.string({ required: true }) },
    resolve: async (_r, args, { iam, caller }) => {
      const first = pageSize(args);
      const events = await iam.accountExport.events(caller, args.accountId, { first: first + 1, after: args.after ?? null });
      return toConnection(events, first, (event) => event.position);
    },
  }),
);

builder.queryField('accountIamState', (t) =>
  t.field({
    type: [ExportedTableRef],
    description: `An account's IAM state as its read models hold it now (the account's row, then users, groups, roles, policies, keys, sessions…), closed or not (${AUTHORIZED_AS}).`,
    errors: queryErrors('accountIamState'),
    args: { accountId: t.arg.string({ required: true }) },
    resolve: (_r, args, { iam, caller }) => iam.accountExport.iamState(caller, args.accountId),
  }),
);
