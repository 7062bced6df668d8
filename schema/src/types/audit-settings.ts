import type { AuditSettings } from '@warden/iam';
import { builder } from '../builder.js';
import { mutationErrors, queryErrors } from './result-names.js';

/** What an account records of its calls besides denials and failures (the call records, as CloudTrail's management events). */
const AuditSettingsRef = builder.objectRef<AuditSettings>('AuditSettings').implement({
  description: "The account's audit settings. Denied and failed calls are always recorded; successful mutations are their events in the audit log.",
  fields: (t) => ({
    recordReadCalls: t.exposeBoolean('recordReadCalls', {
      description: "Whether the account's successful read calls are recorded too (off by default, as CloudTrail's read events are opted into).",
    }),
  }),
});

builder.queryField('auditSettings', (t) =>
  t.field({
    type: AuditSettingsRef,
    description: "The account's audit settings (warden:GetAuditSettings).",
    errors: queryErrors('auditSettings'),
    resolve: (_r, _a, { iam, caller }) => iam.accounts.auditSettings(caller),
  }),
);

builder.mutationField('updateAuditSettings', (t) =>
  t.field({
    type: AuditSettingsRef,
    description: "Turns the recording of the account's successful read calls on or off (warden:UpdateAuditSettings).",
    errors: mutationErrors('updateAuditSettings'),
    args: {
      input: t.arg({ type: builder.inputType('UpdateAuditSettingsInput', { fields: (f) => ({ recordReadCalls: f.boolean({ required: true }) }) }), required: true }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.accounts.updateAuditSettings(caller, { recordReadCalls: input.recordReadCalls }),
  }),
);
