/**
 * What an evaluation answers: the decision, the statements that decided it and why, in terms that
 * turn into AWS's own access-denied sentences (see `describe-decision.ts`).
 */
export type Decision = 'allow' | 'explicit_deny' | 'implicit_deny';

/** The role a policy plays in a request. */
export type PolicySource = 'identity' | 'resource' | 'boundary' | 'session';

export interface MatchedStatement {
  readonly source: PolicySource;
  /** Index of the policy among those of its source (identity policies and session policies are lists). */
  readonly policyIndex: number;
  /** The policy's name when the caller gave one (a managed policy's name, an inline policy's name). */
  readonly policyName?: string;
  /** A managed policy's ARN when the caller gave one: the name alone does not say which policy it is. */
  readonly policyArn?: string;
  readonly statementIndex: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
}

export type DecisionReason =
  | { readonly kind: 'allowed'; readonly by: 'identity' | 'resource' }
  | { readonly kind: 'explicit_deny'; readonly policyType: PolicySource }
  | { readonly kind: 'implicit_deny'; readonly policyType: PolicySource }
  | { readonly kind: 'invalid_request'; readonly message: string };

export interface EvaluationResult {
  readonly decision: Decision;
  /**
   * For an explicit deny, every Deny statement that matched; for an allow, the Allow statements
   * that granted it; for an implicit deny, none (nothing decided it: an allow was missing).
   */
  readonly matched: readonly MatchedStatement[];
  readonly reason: DecisionReason;
}
