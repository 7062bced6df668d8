import type { EventMetadata } from '@warden/db';
import type { CallScope } from './call-scope.js';

/**
 * Who is calling and how, as authentication established it. Every command and query takes one;
 * its metadata goes on every event the command writes.
 */
export type CallerKind = 'root' | 'user' | 'assumed-role' | 'federated-user';

/** What a caller authenticated with temporary credentials brings from its session. */
export interface CallerSession {
  readonly sessionId: string;
  readonly kind: 'assumed-role' | 'session-token' | 'federation' | 'console';
  readonly roleId: string | null;
  /** The role's ARN, its path included (the session's own ARN has only the role's name); null when the session is not a role's, or the role is gone. */
  readonly roleArn: string | null;
  readonly userId: string | null;
  readonly sessionName: string;
  readonly tags: readonly { key: string; value: string }[];
  /** Each with the SHA-256 of its text as validated when the session was issued. */
  readonly sessionPolicies: readonly { name: string; document: string; hash: string }[];
  readonly sourceIdentity: string | null;
  readonly mfaAuthenticated: boolean;
  /** When MFA was performed; aws:MultiFactorAuthAge is the seconds since. */
  readonly mfaAuthenticatedAt: Date | null;
  readonly chained: boolean;
  /** The account of the long-term principal the chain of sessions started from; null when it began outside the platform or is unknown. */
  readonly originAccountId: string | null;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

export interface Caller {
  readonly accountId: string;
  readonly arn: string;
  readonly kind: CallerKind;
  /** The IAM user's unique id (AIDA…) when the caller is a user. */
  readonly userId?: string;
  readonly userName?: string;
  readonly accessKeyId?: string;
  readonly sessionId?: string;
  /** Condition keys the request brings (aws:SourceIp, aws:SecureTransport, aws:CurrentTime…). */
  readonly requestContext: Readonly<Record<string, string | readonly string[]>>;
  readonly requestId?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /**
   * The caller's account's change epoch as authentication read it, committed state at that moment.
   * Caches built at this epoch may answer the request without reading the database again.
   */
  readonly accountEpoch?: string;
  /** Set when the caller signed with temporary credentials. */
  readonly session?: CallerSession;
  /**
   * The API call this caller is making, as `recordedOperations` opened it: what `IamCore` notes for
   * the call's record. Absent outside a recorded call (workers, tests calling the core directly).
   */
  readonly callScope?: CallScope;
}

export function eventMetadata(caller: Caller): EventMetadata {
  return {
    actorArn: caller.arn,
    ...(caller.accessKeyId ? { accessKeyId: caller.accessKeyId } : {}),
    ...(caller.sessionId ? { sessionId: caller.sessionId } : {}),
    ...(caller.requestId ? { requestId: caller.requestId } : {}),
    ...(caller.sourceIp ? { sourceIp: caller.sourceIp } : {}),
    ...(caller.userAgent ? { userAgent: caller.userAgent } : {}),
  };
}

/** Injected so that deciders and tests control time and identifiers. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
