/**
 * A validation finding, shaped after IAM Access Analyzer's policy checks: a severity, a stable code,
 * a JSON path into the document and a message a person can act on.
 */
export type Severity = 'error' | 'security_warning' | 'warning' | 'suggestion';

export interface Finding {
  readonly severity: Severity;
  /** Stable, machine-readable name of the check, e.g. `UNKNOWN_CONDITION_OPERATOR`. */
  readonly code: string;
  /** JSONPath of the offending element, e.g. `$.Statement[0].Condition.StringEquals`. */
  readonly path: string;
  readonly message: string;
}

export const SEVERITY_ORDER: readonly Severity[] = ['error', 'security_warning', 'warning', 'suggestion'];

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}
