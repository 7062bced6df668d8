import { deactivateStaleAccessKeys } from '../access-keys/access-key-hygiene.js';
import { type ApiCallPartitionUpkeep, upkeepApiCallPartitions } from '../audit/api-call-partitions.js';
import type { LiveKeyring } from '../keyring/live-keyring.js';
import type { IamCore } from '../service/iam-core.js';
import { reencryptSecrets, retireUnusedKeys, rotateKeyringIfDue, type RotationResult } from './keyring-rotation.js';
import { expireSession, type ExpiryOutcome, findExpiredSessions } from './session-expiry.js';
import { refreshPlannerStatistics, type StatisticsOutcome } from './planner-statistics.js';
import { findForgettableFederationTokens, forgetFederationToken, type ForgetOutcome } from './federation-token-pruning.js';

/** What the core tells the workers of every session it issues, after the session commits. */
export type SessionIssuedListener = (session: { accountId: string; sessionId: string; expiresAt: Date }) => void;

/**
 * Warden's own work, run by the background jobs (`@warden/workers`): no caller to authorize, each
 * change written as the system with its reason. The workers reach the IAM domain only through here,
 * never through the core.
 */
export class MaintenanceOperations {
  constructor(private readonly core: IamCore) {}

  /** The service's clock, so that jobs and the service agree on what is due. */
  now(): Date {
    return this.core.clock.now();
  }

  /**
   * Told of every issued session after it commits. Not awaited: the caller's answer never waits
   * on the job queue, so the listener must not throw and reports its own failures.
   */
  onSessionIssued(listener: SessionIssuedListener): void {
    this.core.onSessionIssued = listener;
  }

  deactivateStaleAccessKeys(limit: number): Promise<number> {
    return deactivateStaleAccessKeys(this.core, limit);
  }

  rotateKeyringIfDue(keyring: LiveKeyring, rotationDays: number): Promise<RotationResult> {
    return rotateKeyringIfDue(this.core, keyring, rotationDays);
  }

  reencryptSecrets(keyring: LiveKeyring, limit: number): Promise<number> {
    return reencryptSecrets(this.core, keyring, limit);
  }

  retireUnusedKeys(keyring: LiveKeyring, graceMs: number): Promise<string[]> {
    return retireUnusedKeys(this.core, keyring, graceMs);
  }

  /** The call records' partitions for today and the week ahead made, those older than the retention dropped (idempotent). */
  upkeepApiCallPartitions(retentionDays: number): Promise<ApiCallPartitionUpkeep> {
    return upkeepApiCallPartitions(this.core.db, this.core.clock.now(), retentionDays);
  }

  expireSession(accountId: string, sessionId: string): Promise<ExpiryOutcome> {
    return expireSession(this.core, accountId, sessionId);
  }

  /** ANALYZE the store unless its autovacuum keeps the planner's statistics (see planner-statistics.ts). */
  refreshPlannerStatistics(): Promise<StatisticsOutcome> {
    return refreshPlannerStatistics(this.core.db);
  }

  /** Sessions past their expiry now, in every account. */
  findExpiredSessions(limit: number): Promise<{ accountId: string; sessionId: string }[]> {
    return findExpiredSessions(this.core.db, this.core.clock.now(), limit);
  }

  /** Sessions whose used federation token (web identity token or SAML assertion) is past its expiry and the skew, in every account. */
  findForgettableFederationTokens(limit: number): Promise<{ accountId: string; sessionId: string }[]> {
    return findForgettableFederationTokens(this.core.db, this.core.clock.now(), limit);
  }

  forgetFederationToken(accountId: string, sessionId: string): Promise<ForgetOutcome> {
    return forgetFederationToken(this.core, accountId, sessionId);
  }
}
