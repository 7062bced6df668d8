import { describe, expect, it } from 'vitest';
import { ABANDONED_GENERATION_MS, generationDecision, readDecision, REPORT_REUSE_MS } from './credential-report-rules.js';

const at = (iso: string) => new Date(iso);
const complete = (generatedAt: string) => ({ state: 'complete' as const, startedAt: at(generatedAt), generatedAt: at(generatedAt) });

/**
 * IAM User Guide, "Getting credential reports for your AWS account": "IAM first checks whether a
 * report for the AWS account has been generated within the past four hours. If so, the most recent
 * report is downloaded. If the most recent report for the account is older than four hours, or if
 * there are no previous reports for the account, IAM generates … a new report."
 */
describe('the credential report rules', () => {
  it('is four hours, as AWS says', () => {
    expect(REPORT_REUSE_MS).toBe(4 * 3600 * 1000);
  });

  it('GenerateCredentialReport starts a report when there is none, reuses one of the past four hours, and starts again after', () => {
    const generated = complete('2026-12-01T10:00:00Z');
    expect(generationDecision(undefined, at('2026-12-01T10:00:00Z'))).toBe('STARTED');
    expect(generationDecision(generated, at('2026-12-01T13:59:59Z'))).toBe('COMPLETE');
    expect(generationDecision(generated, at('2026-12-01T14:00:00Z'))).toBe('STARTED');
  });

  it('GenerateCredentialReport answers INPROGRESS while a generation runs, and starts over one abandoned', () => {
    const running = { state: 'in-progress' as const, startedAt: at('2026-12-01T10:00:00Z'), generatedAt: null };
    expect(generationDecision(running, at('2026-12-01T10:00:01Z'))).toBe('INPROGRESS');
    expect(generationDecision(running, new Date(running.startedAt.getTime() + ABANDONED_GENERATION_MS))).toBe('STARTED');
  });

  it('GetCredentialReport (API reference): ReportNotPresent before any, ReportInProgress during, ReportExpired after four hours', () => {
    expect(readDecision(undefined, at('2026-12-01T10:00:00Z'))).toBe('not-present');
    expect(readDecision({ state: 'in-progress', startedAt: at('2026-12-01T10:00:00Z'), generatedAt: null }, at('2026-12-01T10:00:01Z'))).toBe('in-progress');
    expect(readDecision(complete('2026-12-01T10:00:00Z'), at('2026-12-01T13:59:59Z'))).toBe('ready');
    expect(readDecision(complete('2026-12-01T10:00:00Z'), at('2026-12-01T14:00:00Z'))).toBe('expired');
  });
});
