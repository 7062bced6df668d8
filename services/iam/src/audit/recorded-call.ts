import type { Caller } from '../kernel/command-context.js';
import { AccessDeniedError, type Denial, IamError } from '../kernel/iam-error.js';
import type { CallScope } from '../kernel/call-scope.js';

/**
 * One API call as `api_calls` keeps it (migration 0024), as CloudTrail records a management event:
 * who called (the caller, the principal behind it, its key, session and source identity), from
 * where, what it asked (the IAM action and resources), and how it ended.
 */
export interface RecordedCall {
  readonly accountId: string;
  readonly occurredAt: Date;
  readonly requestId: string | null;
  /** The IAM action the call asked for: `iam:CreateUser`, `sts:AssumeRole`, `warden:GetAuditEvents`. */
  readonly operation: string;
  readonly readOnly: boolean;
  readonly outcome: 'success' | 'denied' | 'failed';
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** For a denial: why, by which kind of policy and which statements (never the policy text). */
  readonly decision: CallDecision | null;
  readonly callerArn: string;
  readonly principalArn: string;
  readonly accessKeyId: string | null;
  readonly sessionId: string | null;
  readonly sourceIdentity: string | null;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  readonly resourceArns: readonly string[];
}

/** A denial's summary: the evaluator's or a rule's (`Denial`, without the principal, which has its own column); a refusal that named nothing is a rule's too. */
export type CallDecision = Omit<Denial, 'principalArn'> | { readonly kind: 'refused_by_rule' };

/** The code of a call that failed with an error nobody expected, as AWS names it; its message stays masked. */
export const INTERNAL_FAILURE = 'InternalFailure';
const INTERNAL_FAILURE_MESSAGE = 'The request processing has failed because of an unknown error.';

/**
 * The actions whose verb reads (AWS's Read and List access levels): CloudTrail's `readOnly`. A
 * successful call of one that wrote nothing is a read event, recorded when the account asks.
 */
export function isReadOnlyAction(action: string): boolean {
  const name = action.slice(action.indexOf(':') + 1);
  return /^(Get|List|Simulate|Decode|Describe)/.test(name);
}

/** How one call ended: its answer, or what it threw. */
export type CallEnd = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/**
 * The one decision of what a call leaves in `api_calls`, whichever front sent it: a denial and a
 * failure always (the error's code and, for a typed error, its message); a success only when it
 * was a read that changed nothing (the caller then checks the account's opt-in), since a change is
 * already in the event log as its events. `aggregateOperation` names a check whose answers are
 * counted, not recorded (authorize, authorizeBatch, the simulations): only its refusals are.
 * `fallbackOperation` names a call refused before it asked any permission.
 */
export function callRecordOf(
  caller: Caller,
  call: { readonly scope: CallScope | undefined; readonly aggregateOperation: string | undefined; readonly fallbackOperation: string; readonly startedAt: Date },
  end: CallEnd,
): RecordedCall | undefined {
  const scope = call.scope;
  if (end.ok && (call.aggregateOperation !== undefined || scope?.wrote)) return undefined;
  const denial = !end.ok && end.error instanceof AccessDeniedError ? end.error.denial : undefined;
  const operation = call.aggregateOperation ?? scope?.action ?? denial?.action ?? call.fallbackOperation;
  const readOnly = isReadOnlyAction(operation);
  if (end.ok && !readOnly) return undefined;
  const resources = [...(scope?.resources ?? [])];
  if (denial && !resources.includes(denial.resource)) resources.push(denial.resource);
  const error = end.ok ? undefined : end.error;
  return {
    accountId: caller.accountId,
    occurredAt: call.startedAt,
    requestId: caller.requestId ?? null,
    operation,
    readOnly,
    outcome: end.ok ? 'success' : error instanceof AccessDeniedError ? 'denied' : 'failed',
    errorCode: end.ok ? null : error instanceof IamError ? error.code : INTERNAL_FAILURE,
    errorMessage: end.ok ? null : error instanceof IamError ? error.message : INTERNAL_FAILURE_MESSAGE,
    decision: error instanceof AccessDeniedError ? decisionOf(error.denial) : null,
    callerArn: caller.arn,
    principalArn: denial?.principalArn ?? scope?.principalArn ?? principalBehind(caller),
    accessKeyId: caller.accessKeyId ?? null,
    sessionId: caller.sessionId ?? caller.session?.sessionId ?? null,
    sourceIdentity: caller.session?.sourceIdentity ?? null,
    sourceIp: caller.sourceIp ?? null,
    userAgent: caller.userAgent ?? null,
    resourceArns: resources,
  };
}

function decisionOf(denial: Denial | undefined): CallDecision {
  if (!denial) return { kind: 'refused_by_rule' };
  const { principalArn: _principal, ...decision } = denial;
  return decision;
}

/**
 * The principal behind a caller whose policies were never read in the call (the root user, or a
 * call refused first): an assumed role's session is its role's, as its credentials were resolved
 * (path included; a session whose role is gone is refused before it calls); anyone else is
 * themselves.
 */
function principalBehind(caller: Caller): string {
  return (caller.kind === 'assumed-role' ? caller.session?.roleArn : undefined) ?? caller.arn;
}
