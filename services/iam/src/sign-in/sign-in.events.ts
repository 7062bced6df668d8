import type { DomainEvent } from '../kernel/decider.js';

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
  | 'password-expired'
  /** changePassword with a wrong old password: counted with the user's failed sign-ins. */
  | 'wrong-old-password';

/**
 * A failure counts against these subjects. The count starts afresh when the subject's last failure
 * is `forgetAfterSeconds` old (the account's setting when the attempt was made, kept in the event so
 * that replay counts the same; decided in the projection's one statement, so racing failures count).
 */
export interface FailureCount {
  readonly subject: string;
  readonly forgetAfterSeconds: number;
}

export type SignInEvent =
  | DomainEvent<'SignInSucceeded', { userName: string | null; principalArn: string; sessionId: string; mfaAuthenticated: boolean; sourceIp: string | null; clearedSubjects: string[] }>
  | DomainEvent<'SignInFailed', { userName: string | null; reason: SignInFailureReason; sourceIp: string | null; counts: FailureCount[] }>
  | DomainEvent<'SignInLockoutCleared', { subject: string }>;

export interface SignInState {
  readonly recorded: boolean;
}
