import type { CredentialReport, GeneratedCredentialReport } from '@warden/iam';
import { builder } from '../builder.js';
import { CREDENTIAL_REPORT_ERRORS } from './errors.js';
import { mutationErrors, queryErrors } from './result-names.js';

const CredentialReportStateRef = builder.enumType('CredentialReportState', {
  description: "AWS's ReportStateType: a generation STARTED by this call, one already INPROGRESS, or a report of the past four hours COMPLETE.",
  values: ['STARTED', 'INPROGRESS', 'COMPLETE'] as const,
});

const GeneratedCredentialReportRef = builder.objectRef<GeneratedCredentialReport>('GeneratedCredentialReport').implement({
  fields: (t) => ({
    state: t.field({ type: CredentialReportStateRef, resolve: (generated) => generated.state }),
    description: t.exposeString('description'),
  }),
});

const CredentialReportRef = builder.objectRef<CredentialReport>('CredentialReport').implement({
  description: "The account's credential report: AWS's CSV, a header then a row for the root user (<root_account>) and one per IAM user.",
  fields: (t) => ({
    content: t.exposeString('content', { description: 'The CSV text (the Query front sends it base64-encoded, as AWS does).' }),
    reportFormat: t.exposeString('reportFormat', { description: 'text/csv' }),
    generatedTime: t.field({ type: 'DateTime', resolve: (report) => report.generatedTime }),
  }),
});

builder.mutationField('generateCredentialReport', (t) =>
  t.field({
    type: GeneratedCredentialReportRef,
    errors: mutationErrors('generateCredentialReport'),
    description:
      "AWS's GenerateCredentialReport (iam:GenerateCredentialReport): starts generating the account's credential report, unless one is being generated or one of the past four hours exists. Call it until it answers COMPLETE, then read credentialReport.",
    resolve: (_r, _a, { iam, caller }) => iam.credentialReports.generate(caller),
  }),
);

builder.queryField('credentialReport', (t) =>
  t.field({
    type: CredentialReportRef,
    errors: queryErrors('credentialReport', CREDENTIAL_REPORT_ERRORS),
    description: "AWS's GetCredentialReport (iam:GetCredentialReport): the latest credential report, while it is less than four hours old.",
    resolve: (_r, _a, { iam, caller }) => iam.credentialReports.get(caller),
  }),
);
