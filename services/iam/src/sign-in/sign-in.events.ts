import type { DomainEvent } from '../decider.js';

/**
 * Events of one console sign-in attempt, each in its own stream (`sign-in/ATTEMPT_ID`), so that a
 * flood of attempts never contends on one stream and never folds a long history. They are the
 * audit trail of sign-ins; the failure counters that throttling reads are projected from them.
 * Neither a password nor an MFA code ever appears, only why the attempt failed.
 */
export type SignInFailureReason =
  | 'unknown-user'
  | 'no-login-profile'
  | 'wrong-password'
  | 'wrong-email'
  | 'wrong-mfa-code'
  | 'password-expired';

/** A failure counts against these subjects; `restart` when the subject's earlier failures are forgotten. */
export interface FailureCount {
  readonly subject: string;
  readonly restart: boolean;
}

export type SignInEvent =
  | DomainEvent<'SignInSucceeded', { userName: string | null; principalArn: string; sessionId: string; mfaAuthenticated: boolean; sourceIp: string | null; clearedSubjects: string[] }>
  | DomainEvent<'SignInFailed', { userName: string | null; reason: SignInFailureReason; sourceIp: string | null; counts: FailureCount[] }>
  | DomainEvent<'SignInLockoutCleared', { subject: string }>;

export interface SignInState {
  readonly recorded: boolean;
}
