/**
 * AWS's rules for when a credential report is made and when it can be read (IAM User Guide, "Getting
 * credential reports for your AWS account"; API reference, GenerateCredentialReport and
 * GetCredentialReport): a report generated within the past four hours is reused; an older one has
 * expired. Pure: the stored report and the time come in.
 */
export const REPORT_REUSE_MS = 4 * 60 * 60 * 1000;

/**
 * A generation still in progress after this long was abandoned (its process ended): the next
 * GenerateCredentialReport starts another. A report reads the account's users and keys once, so a
 * live one ends long before.
 */
export const ABANDONED_GENERATION_MS = 10 * 60 * 1000;

export interface StoredCredentialReport {
  readonly state: 'in-progress' | 'complete';
  readonly startedAt: Date;
  readonly generatedAt: Date | null;
}

/** GenerateCredentialReport's State: AWS's ReportStateType. */
export type CredentialReportState = 'STARTED' | 'INPROGRESS' | 'COMPLETE';

/** What GenerateCredentialReport does: reuse a recent report, wait for the one in progress, or start one. */
export function generationDecision(report: StoredCredentialReport | undefined, now: Date): CredentialReportState {
  if (report === undefined) return 'STARTED';
  if (report.state === 'in-progress') return now.getTime() - report.startedAt.getTime() < ABANDONED_GENERATION_MS ? 'INPROGRESS' : 'STARTED';
  return report.generatedAt !== null && now.getTime() - report.generatedAt.getTime() < REPORT_REUSE_MS ? 'COMPLETE' : 'STARTED';
}

/** What GetCredentialReport answers: the report, or AWS's ReportNotPresent, ReportInProgress or ReportExpired. */
export type ReadDecision = 'ready' | 'not-present' | 'in-progress' | 'expired';

export function readDecision(report: StoredCredentialReport | undefined, now: Date): ReadDecision {
  if (report === undefined) return 'not-present';
  if (report.state === 'in-progress') return 'in-progress';
  return report.generatedAt !== null && now.getTime() - report.generatedAt.getTime() < REPORT_REUSE_MS ? 'ready' : 'expired';
}
